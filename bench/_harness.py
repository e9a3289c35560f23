"""What the benchmarks run against: the real services, set up the same way for each.

PostgreSQL and Redis on 127.0.0.1 like the tests (the database ``scrollkeeper_bench``, recreated each
run, and Redis database 15), a moto S3 server of their own, Django set up against them, and helpers to
start the app's processes (uvicorn, a Celery worker) and to sign a bench user in.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import requests

from bench import REPO_ROOT

DATABASE = "scrollkeeper_bench"
REDIS_URL = "redis://127.0.0.1:6379/15"


@contextlib.contextmanager
def services() -> Iterator[dict[str, str]]:
    """A fresh database, Redis database 15 and a moto S3 server; Django set up against them.

    moto runs in a process of its own, as S3 is a service of its own: in a thread of the bench it would
    share the bench's interpreter lock with the uploads and the waiting it times.
    """
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    host, port = "127.0.0.1", free_port()
    moto = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", host, "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_http(port, "/moto-api/", what="the moto S3 server")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scrollkeeper.settings.base",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "S3_ENDPOINT_URL": f"http://{host}:{port}",
        "S3_BUCKET": "bench",
        "S3_ACCESS_KEY_ID": "bench",
        "S3_SECRET_ACCESS_KEY": "bench",
        "DEBUG": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-bench-only",
    }
    os.environ.update(environment)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    from django.conf import settings

    from core.storage import get_storage
    from core.storage.s3 import S3Storage

    # Settings are read once per process: a second benchmark module points them at its own moto server.
    settings.S3_ENDPOINT_URL = settings.S3_PUBLIC_ENDPOINT_URL = environment["S3_ENDPOINT_URL"]
    get_storage.cache_clear()
    storage = get_storage()
    assert isinstance(storage, S3Storage)  # S3_BUCKET is set above
    storage.client.create_bucket(Bucket="bench")
    try:
        yield environment
    finally:
        moto.terminate()
        moto.wait()
        from django.db import connections

        connections.close_all()


@contextlib.contextmanager
def process(command: list[str], environment: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    executable = str(Path(sys.executable).parent / command[0])
    process = subprocess.Popen([executable, *command[1:]], cwd=REPO_ROOT, env=environment, start_new_session=True)
    try:
        yield process
    finally:
        process.terminate()  # the main process stops its own children (a worker finishes its task first)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def uvicorn(port: int) -> list[str]:
    options = ["--port", str(port), "--log-level", "warning", "--lifespan", "off"]
    return ["uvicorn", "scrollkeeper.asgi:application", *options]


def gunicorn(port: int) -> list[str]:
    return ["gunicorn", "scrollkeeper.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]


def wait_for_http(port: int, path: str = "/healthz", *, what: str = "the web server") -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}{path}", timeout=1)
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} on port {port} did not start")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def team() -> tuple[Any, Any]:
    """The bench user and their personal team, made once per run."""
    from accounts.models import User
    from accounts.services import user_sign_up
    from teams.models import Team

    user = User.objects.filter(email="bench@example.org").first()
    if user is None:
        user = user_sign_up(
            email="bench@example.org",
            password="a bench passphrase 42",  # noqa: S106 - a throwaway account in the bench's own database
            display_name="Bench",
            base_url="http://x/",
        )
    return Team.objects.get(memberships__user=user), user


def session_cookie(user: Any) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def api_token(user: Any) -> str:
    from accounts.services import api_token_create

    _, secret = api_token_create(user=user, name="bench")
    return str(secret)


def timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started
