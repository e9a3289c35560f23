"""A lab with one member of every role and a parsed document of theirs to annotate."""

import io
from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from annotations import services
from annotations.models import Annotation
from core.storage import get_storage
from documents.models import Document
from documents.services import document_parse
from teams.models import Membership, Team
from tests.teams.conftest import Lab, build_lab

HIGHLIGHT: dict[str, Any] = {
    "quote": {"exact": "light cone", "prefix": "the ", "suffix": " of"},
    "position": {"start": 4, "end": 14},
    "rects": [[72.0, 700.5, 140.25, 712.0]],
}
NOTE: dict[str, Any] = {"point": [100.0, 200.0]}
AREA: dict[str, Any] = {"rects": [[50.0, 50.0, 300.0, 300.0]]}
ANCHORS = {"highlight": HIGHLIGHT, "note": NOTE, "area": AREA}


def make_document(team: Team, *, state: str = Document.State.READY, title: str = "Paper") -> Document:
    return Document.objects.create(
        team=team,
        uploaded_by=None,
        title=title,
        filename=f"{title}.pdf",
        size=1024,
        storage_key=f"teams/{team.pk}/documents/{title}-{state}.pdf",
        state=state,
        pages_total=5 if state == Document.State.READY else None,
    )


def annotate(actor: Membership, document: Document, kind: str = "highlight", **fields: Any) -> Annotation:
    fields.setdefault("page_index", 0)
    fields.setdefault("anchors", ANCHORS[kind])
    if kind == "note":
        fields.setdefault("body", "A note")
    return services.annotation_create(actor=actor, document_id=document.pk, kind=kind, **fields)


@pytest.fixture
def lab(db: None) -> Lab:
    return build_lab()


@pytest.fixture
def document(lab: Lab) -> Document:
    return make_document(lab.team)


def parsed_document(team: Team, path: Path, *, uploaded_by: User | None = None, title: str = "Paper") -> Document:
    """The PDF at ``path`` stored as the team's document and parsed as the worker parses it."""
    data = path.read_bytes()
    document = Document.objects.create(
        team=team,
        uploaded_by=uploaded_by,
        title=title,
        filename=f"{title}.pdf",
        size=len(data),
        storage_key=f"teams/{team.pk}/documents/{title}-{len(data)}.pdf",
    )
    get_storage().upload_from(key=document.storage_key, fileobj=io.BytesIO(data), content_type="application/pdf")
    document_parse(document_id=str(document.pk))
    document.refresh_from_db()
    assert document.state == Document.State.READY, document.error_message
    return document


def word_rect(path: Path, page_index: int, word: str, *, occurrence: int = 0) -> list[float]:
    """[x1, y1, x2, y2] around an occurrence of ``word`` on the page (the first by default), from
    pdfium's glyph boxes."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        textpage = pdf[page_index].get_textpage()
        text = textpage.get_text_range()
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(word, start + 1)
        boxes = [textpage.get_charbox(index) for index in range(start, start + len(word))]
    finally:
        pdf.close()
    return [
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    ]
