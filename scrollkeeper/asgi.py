"""ASGI entry point: websockets under /ws/ (and, in `make run`, HTTP too).

In production gunicorn (WSGI) serves HTTP and this application serves only /ws/: Django's sync
views cost several times more CPU under ASGI (see docs/architecture.md).

Static files go through Django's ``ASGIStaticFilesHandler`` here rather than WhiteNoise's middleware
(which still serves them under WSGI): WhiteNoise hands Django a synchronous file iterator, which the ASGI
handler reads in a thread, with a warning in `make run`'s log at the first page load.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrollkeeper.settings.base")

# Django must be set up before the routing imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 - needs the app registry loaded above
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402 - needs the app registry loaded above
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402 - needs the app registry loaded above
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402 - needs the app registry loaded above

from .routing import websocket_urlpatterns  # noqa: E402 - needs the app registry loaded above

application = ProtocolTypeRouter(
    {
        "http": ASGIStaticFilesHandler(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
