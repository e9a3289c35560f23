from typing import Any

import pytest
from django.test import Client

from core.storage import get_storage

pytestmark = pytest.mark.django_db


def test_healthz_is_alive(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_every_real_dependency(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "storage": "ok"}


def test_readyz_names_an_unreachable_redis(client: Client, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["code"] == "dependency_unavailable"
    assert body["checks"]["redis"].startswith("failed")
    assert body["checks"]["database"] == "ok"
    assert "redis" in body["detail"]


def test_readyz_names_missing_storage(client: Client, settings: Any) -> None:
    settings.S3_BUCKET = "no-such-bucket"
    get_storage.cache_clear()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("failed")
