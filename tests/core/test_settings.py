import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from core.environment import describe_backends

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k" * 30 + "-a-long-random-production-secret-value",
            "ALLOWED_HOSTS": "scrollkeeper.example.org",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
            "SCROLLKEEPER_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _manage("check", env={"DJANGO_ENV": "production", "SCROLLKEEPER_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_defaults_are_announced(tmp_path: Path) -> None:
    result = _manage(
        "shell",
        "-c",
        "from core.environment import describe_backends; print(*describe_backends(), sep='\\n')",
        env={"SCROLLKEEPER_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "SQLite" in result.stdout
    assert "in-memory channel layer" in result.stdout
    assert "run in-process" in result.stdout
    assert "local files" in result.stdout


def test_real_services_are_named_when_configured() -> None:
    lines = "\n".join(describe_backends())
    assert "PostgreSQL" in lines
    assert "Redis channel layer" in lines
    assert f"S3 bucket {settings.S3_BUCKET}" in lines
    assert "storage_setup" in lines  # the bucket and its CORS rules are not made by serving
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
