from pathlib import Path
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def built_index(tmp_path: Path, settings: Any) -> Path:
    (tmp_path / "index.html").write_text('<!doctype html><div id="root"></div><script src="/static/assets/app.js">')
    settings.FRONTEND_DIST = tmp_path
    settings.DEBUG = True
    return tmp_path


@pytest.mark.parametrize("path", ["/", "/library", "/reset-password/abc/def", "/verify-email?token=x"])
def test_app_routes_serve_the_single_page_app(client: Client, built_index: Path, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert b'<div id="root">' in response.content
    assert "csrftoken" in response.cookies


def test_api_paths_never_fall_back_to_the_app(client: Client, built_index: Path) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unbuilt_app_says_how_to_build_it(client: Client, tmp_path: Path, settings: Any) -> None:
    settings.FRONTEND_DIST = tmp_path
    settings.DEBUG = True
    response = client.get("/library")
    assert response.status_code == 503
    assert b"make run" in response.content
