"""`make run`: one ASGI server for the app and its websockets, plus a Celery worker when Redis is set."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.environment import describe_backends


class Command(BaseCommand):
    help = "Serve Scrollkeeper for development: uvicorn (HTTP and /ws/) and, with REDIS_URL, a Celery worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        for line in describe_backends():
            self.stdout.write(f"  {line}")
        # Under ASGI every request runs in a new thread: persistent connections would pile up.
        child_env = {**os.environ, "DB_CONN_MAX_AGE": "0"}
        commands = [
            [sys.executable, "-m", "uvicorn", "scrollkeeper.asgi:application", "--host", host, "--port", str(port)]
        ]
        if settings.REDIS_URL:
            # Two parse lanes at most on a workstation, and one pool process more (see docker/start.sh).
            lanes = min(settings.PARSE_LANES, 2)
            child_env["PARSE_LANES"] = str(lanes)
            commands.append(
                [sys.executable, "-m", "celery", "-A", "scrollkeeper", "worker", "--loglevel=INFO",
                 f"--concurrency={lanes + 1}", "--without-gossip", "--without-mingle"]
            )  # fmt: skip
        processes = [subprocess.Popen(command, env=child_env) for command in commands]  # noqa: S603 - fixed argv
        shown = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host  # noqa: S104 - only compares
        self.stdout.write(
            self.style.SUCCESS(f"\nScrollkeeper is running at http://{shown}:{port}/  (Ctrl-C stops it)\n")
        )
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        failed = [process.returncode for process in processes if process.returncode not in (0, None, -signal.SIGINT)]
        if failed:
            raise SystemExit(failed[0])
