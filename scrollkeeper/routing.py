"""Websocket routes of every app, mounted under /ws/ by asgi.py."""

from django.urls import URLPattern, URLResolver

websocket_urlpatterns: list[URLPattern | URLResolver] = []
