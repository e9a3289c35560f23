"""Serves the single-page app's index.html for every path the SPA routes itself."""

from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Scrollkeeper</title></head>
<body><h1>The web app is not built yet</h1><p>Run <code>make run</code> (or <code>npm run build</code>
in <code>frontend/</code>) and reload.</p></body></html>"""


@cache
def _cached_index() -> str:
    return _read_index()


def _read_index() -> str:
    try:
        return (settings.FRONTEND_DIST / "index.html").read_text(encoding="utf-8")
    except FileNotFoundError:
        return NOT_BUILT


@require_GET
@ensure_csrf_cookie
def spa_index(request: HttpRequest) -> HttpResponse:
    html = _read_index() if settings.DEBUG else _cached_index()
    response = HttpResponse(html, status=200 if html is not NOT_BUILT else 503)
    response["Cache-Control"] = "no-cache"
    return response
