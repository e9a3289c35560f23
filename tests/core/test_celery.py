"""The Celery application as `make run` uses it: no Redis, tasks run in the web process."""

import os
import subprocess
import sys
from pathlib import Path

from core.storage import get_storage
from documents.parsing import default_parser
from scrollkeeper.celery import warm_up

ROOT = Path(__file__).resolve().parents[2]


def test_embedded_tasks_run_without_broker_warnings(tmp_path: Path) -> None:
    """GIVEN no REDIS_URL (the in-memory broker) WHEN a task is sent THEN it runs in-process, and kombu
    logs nothing: even an eager task acquires a producer, and a broker URL without a host made kombu warn
    "No hostname was supplied" on every send, burying real warnings in `make run`'s log."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from scrollkeeper.celery import app; print(app.tasks['celery.accumulate'].delay(1, 2).get())",
        ],
        cwd=ROOT,
        env={**clean, "SCROLLKEEPER_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("(1, 2)")
    assert "kombu" not in result.stderr, result.stderr


def test_warm_up_makes_the_storage_client_and_starts_the_parser() -> None:
    """What a new pool process does before its first task (in a thread of its own, see test_worker): the
    storage client is made and cached, and the parser's template runs."""
    get_storage.cache_clear()
    parser = default_parser()
    parser.close()
    assert parser.template_pid is None

    warm_up()

    assert get_storage.cache_info().currsize == 1
    assert parser.template_pid is not None
