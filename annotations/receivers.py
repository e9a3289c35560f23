"""Reactions to other apps' signals, connected in AnnotationsConfig.ready()."""

from typing import Any

from django.db import transaction


def import_annotations_of_parsed_document(
    *, document_id: Any, markup_annotations: int | None = None, **kwargs: Any
) -> None:
    """documents sends document_parsed on commit: read the PDF's own annotations in the background --
    unless the parse counted none (most papers), which spares a second download and reading of the file."""
    if markup_annotations == 0:
        return
    from .tasks import import_pdf_annotations

    import_pdf_annotations.delay(str(document_id))


def reanchor_annotations_of_parsed_document(*, document_id: Any, version: int | None = None, **kwargs: Any) -> None:
    """documents sends document_parsed on commit: place annotations of earlier versions on the new text.
    A first version has none: no task for it (nearly every parse)."""
    if version == 1:
        return
    from .tasks import reanchor_annotations

    reanchor_annotations.delay(str(document_id))


def remove_the_file_of_a_deleted_export(*, instance: Any, **kwargs: Any) -> None:
    """An export row is gone -- expired, or with its document, team or member: its annotated PDF goes too,
    once that commits. Should storage fail here, the hourly sweep removes files that no export owns."""
    key = instance.storage_key
    if not key:
        return
    from core.storage import get_storage

    transaction.on_commit(lambda: get_storage().delete(key=key), robust=True)
