"""A lab with one member of every role and a parsed document of theirs to annotate."""

from typing import Any

import pytest

from annotations import services
from annotations.models import Annotation
from documents.models import Document
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
