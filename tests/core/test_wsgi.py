"""The WSGI entry point that gunicorn's workers import (scrollkeeper.wsgi)."""

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_a_wsgi_process_freezes_what_django_set_up() -> None:
    """Apps, models and libraries live as long as the process: frozen, the collector's full passes skip
    them (shorter pauses in the slowest requests)."""
    printed = subprocess.run(
        [sys.executable, "-c", "import gc, scrollkeeper.wsgi; print(gc.get_freeze_count())"],
        cwd=REPO_ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "scrollkeeper.settings.base"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert int(printed.stdout.split()[-1]) > 10_000
