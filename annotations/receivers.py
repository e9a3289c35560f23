"""Reactions to other apps' signals, connected in AnnotationsConfig.ready()."""

from typing import Any


def import_annotations_of_parsed_document(*, document_id: Any, **kwargs: Any) -> None:
    """documents sends document_parsed on commit: read the PDF's own annotations in the background."""
    from .tasks import import_pdf_annotations

    import_pdf_annotations.delay(str(document_id))
