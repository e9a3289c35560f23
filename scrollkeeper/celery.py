"""The Celery application; tasks live in each app's ``tasks.py``."""

import os
from typing import Any

from celery import Celery, Task, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrollkeeper.settings.base")

app = Celery("scrollkeeper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _send_events_through_one_loop(**kwargs: Any) -> None:
    """Worker processes keep one event loop for websocket events (see documents.realtime)."""
    from documents.realtime import use_sender_thread

    use_sender_thread()


@signals.worker_init.connect
def _parse_in_lanes(**kwargs: Any) -> None:
    """Pool processes share the machine's parse lanes (see documents.parsing.lanes)."""
    from django.conf import settings

    from documents.parsing import Lanes, use_lanes

    use_lanes(Lanes(settings.PARSE_LANES_DIR, settings.PARSE_LANES))


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(*, task: Task[Any, Any] | None = None, **kwargs: Any) -> None:
    """Database connections follow the same rules in a worker as in a request: kept for ``CONN_MAX_AGE``,
    dropped when broken. (Celery's own Django fix-up would open a new connection for every task, ~4 ms
    each here; ``CELERY_DB_REUSE_MAX`` turns that off.) Not for eager tasks: they run inside a request,
    maybe inside its transaction."""
    if task is not None and task.request.is_eager:
        return
    from django.db import close_old_connections

    close_old_connections()
