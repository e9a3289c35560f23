"""Websocket routes, mounted by asgi.py."""

from django.urls import URLPattern, URLResolver, path

from documents.consumers import LiveConsumer

websocket_urlpatterns: list[URLPattern | URLResolver] = [path("ws/", LiveConsumer.as_asgi())]
