"""Celery tasks of the documents app: they take ids, call a service and own the retry policy."""

from typing import Any

from celery import Task, shared_task

from .services import TransientError


class ParseTask(Task[Any, None]):
    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """Retries exhausted (or an unexpected error): the document must not stay queued forever."""
        from .services import document_fail_unavailable

        document_fail_unavailable(document_id=kwargs.get("document_id") or args[0])


@shared_task(
    base=ParseTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(TransientError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=6,
)
def parse_document(document_id: str) -> None:
    """Bad files never retry (they end ``failed``); unreachable storage retries with backoff."""
    from .services import document_parse

    document_parse(document_id=document_id)


@shared_task
def clean_abandoned_uploads() -> int:
    from .services import uploads_clean_abandoned

    return uploads_clean_abandoned()


@shared_task
def requeue_stalled_documents() -> int:
    from .services import documents_requeue_stalled

    return documents_requeue_stalled()
