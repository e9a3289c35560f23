"""Celery tasks of the annotations app: they take ids, call a service and own the retry policy."""

import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task

from documents.parsing import ParseError, ParserUnavailable

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(BotoCoreError, ClientError, OSError, ParserUnavailable),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=5,
)
def import_pdf_annotations(document_id: str) -> int:
    """The annotations inside a freshly parsed PDF become the uploader's, visible to the team.
    Idempotent; storage trouble retries with backoff. Nothing to do for a deleted document, one not
    ready, or one whose uploader is gone or no longer in the team."""
    import tempfile

    from django.conf import settings

    from core.storage import get_storage
    from documents.models import Document
    from teams.models import Membership
    from teams.selectors import team_scoped

    from .imports import annotations_import_from_pdf

    document: Any = Document.objects.select_related("uploaded_by", "team").filter(pk=document_id).first()
    if document is None or document.state != Document.State.READY or document.uploaded_by is None:
        return 0
    if not team_scoped(Membership.objects.filter(user_id=document.uploaded_by_id), team=document.team).exists():
        return 0  # the uploader left the team meanwhile: nobody to attribute the annotations to
    with tempfile.NamedTemporaryFile(suffix=".pdf", dir=settings.PARSE_TMP_DIR) as local:
        get_storage().download_to(key=document.storage_key, fileobj=local)
        local.flush()
        try:
            return annotations_import_from_pdf(document=document, path=local.name, uploader=document.uploaded_by)
        except ParseError as exc:  # the parse read the file, its annotation dictionaries are broken: none then
            logger.info("document %s: its annotations could not be read: %s", document_id, exc.message)
            return 0


@shared_task(acks_late=True)
def send_mention_digests() -> int:
    """Every five minutes (beat): one e-mail per member with their unread mentions. A failure leaves
    the rest un-e-mailed, and the next run sends them; no retry of its own."""
    from .services import notification_send_digests

    return notification_send_digests()
