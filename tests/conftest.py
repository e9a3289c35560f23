"""Test setup on the real services: PostgreSQL, Redis and an S3 server (moto), started when down."""

import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import psycopg
import pytest
import redis
from botocore.config import Config
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import UserFactory

logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request

# pytest-django's live server and sync Playwright share a thread with a running event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

POSTGRES_START = ["pg_ctlcluster", "--skip-systemctl-redirect", "{version}", "main", "start"]
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
    "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip


def _postgres_up() -> bool:
    try:
        psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def _redis_up() -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2).ping())
    except redis.ConnectionError:
        return False


def _ensure_service(name: str, is_up: Callable[[], bool], start: list[str] | None, install_hint: str) -> None:
    if is_up():
        return
    if start is None or shutil.which(start[0]) is None:
        pytest.exit(f"{name} is not running on 127.0.0.1 and cannot be started here: {install_hint}", returncode=3)
    subprocess.run(start, check=False, capture_output=True, timeout=60)
    for _ in range(60):
        if is_up():
            return
        time.sleep(0.5)
    pytest.exit(f"{name} did not come up after `{' '.join(start)}`", returncode=3)


def pytest_sessionstart(session: pytest.Session) -> None:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    postgres_start = [part.replace("{version}", versions[-1]) for part in POSTGRES_START] if versions else None
    _ensure_service("PostgreSQL", _postgres_up, postgres_start, "apt-get install postgresql")
    _ensure_service("Redis", _redis_up, REDIS_START, "apt-get install redis-server")


# --- S3 (moto) ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on a free loopback port, for the whole session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@pytest.fixture(autouse=True)
def _s3_storage(s3_endpoint: str, settings: Any) -> Iterator[None]:
    """Every test stores objects in a fresh bucket on the moto server, as production stores them on S3."""
    from core.storage import get_storage

    bucket = f"scrollkeeper-{os.getpid()}-{time.monotonic_ns()}"
    s3_client(s3_endpoint).create_bucket(Bucket=bucket)
    settings.USE_S3 = True
    settings.S3_ENDPOINT_URL = s3_endpoint
    settings.S3_BUCKET = bucket
    settings.S3_ACCESS_KEY_ID = "test"
    settings.S3_SECRET_ACCESS_KEY = "test"
    get_storage.cache_clear()
    yield
    get_storage.cache_clear()


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    """Rate-limit counters and cached pages never leak between tests (each worker has its own Redis db)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    """Each test gets new channel-layer objects: the Redis layer binds its receiving to the event loop
    that first receives, and every websocket scenario runs on an event loop of its own."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


# --- users and clients --------------------------------------------------------------------------


@pytest.fixture
def user(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def api() -> APIClient:
    """A client that enforces CSRF, as browsers meet it."""
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def logged_in(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Tasks run where they are sent, as CELERY_TASK_ALWAYS_EAGER makes them. Celery reads its settings
    once, so changing CELERY_TASK_ALWAYS_EAGER in a test would act only if no test had used Celery before."""
    from celery import current_app

    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _a_channel_layer_of_its_own(settings: Any) -> None:
    """Each test gets a channel layer object of its own (on the same Redis): setting CHANNEL_LAYERS makes
    channels build a new one. channels_redis lets one event loop at a time receive on a layer object, and
    the browser tests' server keeps its pages' sockets receiving from its own loop for the session; a
    websocket test's consumer, in a loop of its own, must not share that object."""
    settings.CHANNEL_LAYERS = {alias: dict(config) for alias, config in settings.CHANNEL_LAYERS.items()}
