"""The Celery application; tasks live in each app's ``tasks.py``."""

import logging
import os
import threading
from typing import Any

from celery import Celery, Task, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrollkeeper.settings.base")

app = Celery("scrollkeeper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


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


@signals.worker_process_init.connect
def _get_ready_for_the_first_task(**kwargs: Any) -> None:
    """A new pool process gets its storage client and its parsing process ready in the background, so the
    first document after a (re)start does not wait for them (~0.5 s: boto3 building its client, the
    parser's template starting; measured in docs/architecture.md)."""
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()


def warm_up() -> None:
    """What the first task of a pool process would otherwise set up: the storage client and the parser."""
    from core.storage import get_storage
    from documents.parsing import ParserUnavailable, default_parser

    get_storage()
    try:
        default_parser().start()
    except ParserUnavailable:  # the first parse tries again, and fails its task in a way that is retried
        logger.warning("The PDF parsing process did not start ahead of the first task", exc_info=True)


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
