"""Browser tests: Debian's Chromium driven by Playwright against a live server with the built UI."""

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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _built_ui() -> None:
    if not (settings.FRONTEND_DIST / "index.html").exists():
        pytest.fail("The UI is not built: run `make build` (make test does it first).")


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """Lets tests write page.goto("/login"): pytest-django's live server is session-wide."""
    return str(live_server.url)
