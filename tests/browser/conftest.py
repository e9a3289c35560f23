"""Browser tests: Debian's Chromium driven by Playwright against the ASGI app (HTTP and /ws/) with the built UI.

The server is uvicorn in a thread of the test process, as production's ``ws`` service runs it, so pages
get their websocket too. Tests that need uploads parsed add the ``celery_worker`` fixture: a real worker
in a thread, on the test Redis broker, parsing in its sandboxed child process like production's.
"""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOST = "127.0.0.1"
SERVER_START_TIMEOUT = 20.0


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _built_ui() -> None:
    if not (settings.FRONTEND_DIST / "index.html").exists():
        pytest.fail("The UI is not built: run `make build` (make test does it first).")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


SERVER_LAYER = "browser_server"
"""The channel layer alias the server's sockets receive on (the same Redis as the default).

channels_redis lets one event loop at a time receive on a layer object. A page left open by an earlier
test may reconnect at any time, and its consumer, on the server's loop, would otherwise take whatever
default layer object the running test has, while that test's own consumers receive on it from theirs."""


def _application() -> Any:
    """The project's ASGI app as ``scrollkeeper.asgi`` composes it (the built UI served from the staticfiles
    finders), its sockets on ``SERVER_LAYER``."""
    from channels.auth import AuthMiddlewareStack
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.urls import path

    from documents.consumers import LiveConsumer
    from scrollkeeper.asgi import django_asgi_app

    class ServerConsumer(LiveConsumer):
        # A class attribute: ``as_asgi(channel_layer_alias=...)`` would be dropped (the websocket consumers'
        # __init__ takes no keyword arguments), leaving the server on the default layer after all.
        channel_layer_alias = SERVER_LAYER

    sockets = URLRouter([path("ws/", ServerConsumer.as_asgi())])
    return ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(django_asgi_app),
            "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(sockets)),
        }
    )


@pytest.fixture(scope="session")
def asgi_server(django_db_setup: None) -> Iterator[str]:
    """uvicorn serving ``scrollkeeper.asgi`` on a free loopback port for the whole session; yields its URL.

    Started after the test database exists, so the server's connections open the test database.
    """
    import uvicorn

    port = _free_port()
    origin = f"http://{HOST}:{port}"
    saved = {name: getattr(settings, name) for name in ("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "CHANNEL_LAYERS")}
    settings.ALLOWED_HOSTS = [*saved["ALLOWED_HOSTS"], HOST]
    settings.CSRF_TRUSTED_ORIGINS = [*saved["CSRF_TRUSTED_ORIGINS"], origin]
    settings.CHANNEL_LAYERS = {**saved["CHANNEL_LAYERS"], SERVER_LAYER: saved["CHANNEL_LAYERS"]["default"]}

    config = uvicorn.Config(
        _application(), host=HOST, port=port, lifespan="off", log_level="warning", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    # Not the main thread, so uvicorn installs no signal handlers; a fresh event loop of its own.
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail(f"uvicorn did not start on {origin}")
        time.sleep(0.02)
    try:
        yield origin
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        for name, value in saved.items():
            setattr(settings, name, value)


@pytest.fixture(scope="session")
def base_url(asgi_server: str) -> str:
    """Lets tests write page.goto("/login")."""
    return asgi_server


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    """A Celery worker in a thread of this process, consuming the test broker (this slot's Redis database)
    for the duration of one test. Tasks run one at a time (``solo``); each parse forks its own child."""
    from celery.contrib.testing.worker import start_worker

    from scrollkeeper.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture(autouse=True)
def _bucket_cors(_s3_storage: None, asgi_server: str, s3_endpoint: str) -> None:
    """The CORS rules a deployment's bucket needs for browsers to upload straight to it: POST (small files)
    and PUT (parts) from the site's origin, and the ETag header of each part readable by the page."""
    from tests.conftest import s3_client

    s3_client(s3_endpoint).put_bucket_cors(
        Bucket=settings.S3_BUCKET,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": [asgi_server],
                    "AllowedMethods": ["GET", "HEAD", "POST", "PUT"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 3600,
                }
            ]
        },
    )
