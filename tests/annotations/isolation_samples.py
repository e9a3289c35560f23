"""Annotations' objects and request bodies for the tenant-isolation test (tests/teams/isolation.py).

The annotation routes share the ``document_id`` kwarg with the documents app, whose sample is a
document whose parse failed (so that its retry succeeds). Annotating needs a ready document, so the
samples below make that same document ready before the snapshot; each test builds its own world.
"""

from typing import Any
from uuid import UUID

from annotations import exports, services
from documents.models import Document
from tests.teams.isolation import BodySample, KwargSample, World

DOCUMENT = "/api/v1/teams/<uuid:team_id>/documents/<uuid:document_id>"
ANNOTATIONS = f"{DOCUMENT}/annotations"
ANNOTATION = f"{ANNOTATIONS}/<uuid:annotation_id>"
HIGHLIGHT: dict[str, Any] = {
    "quote": {"exact": "secret result", "prefix": "our ", "suffix": "."},
    "position": {"start": 4, "end": 17},
    "rects": [[72.0, 700.0, 180.0, 712.0]],
}


def _ready_document(world: World, route: str) -> UUID:
    document_id: UUID = world.sample("document_id", route)
    Document.objects.filter(pk=document_id).update(state=Document.State.READY, pages_total=3, pages_done=3)
    return document_id


def _annotation(world: World) -> UUID:
    """The owner's team-visible highlight, so every role may read it and the owner may change it."""
    document_id = _ready_document(world, ANNOTATION)
    annotation = services.annotation_create(
        actor=world.victim.owner,
        document_id=document_id,
        kind="highlight",
        page_index=0,
        anchors=HIGHLIGHT,
        body="Victim's unpublished finding",
    )
    return annotation.pk


def _reply(world: World) -> UUID:
    annotation_id = world.sample("annotation_id", f"{ANNOTATION}/replies/<uuid:reply_id>")
    return services.reply_create(
        actor=world.victim.owner,
        document_id=world.sample("document_id", ANNOTATION),
        annotation_id=annotation_id,
        body="Victim's reply",
    ).pk


def _export(world: World) -> UUID:
    """The owner's annotated-PDF export (theirs alone: it holds their private annotations)."""
    document_id = _ready_document(world, f"{ANNOTATIONS}/exports/<uuid:export_id>")
    return exports.annotation_export_start(actor=world.victim.owner, document_id=document_id).pk


KWARG_SAMPLES: dict[str, KwargSample] = {"annotation_id": _annotation, "reply_id": _reply, "export_id": _export}


def _create_body(world: World) -> dict[str, Any]:
    _ready_document(world, ANNOTATIONS)  # before the snapshot, as the kwarg samples are
    return {"kind": "highlight", "page_index": 0, "anchors": HIGHLIGHT, "body": "Taken over"}


def _import_body(world: World) -> dict[str, Any]:
    _ready_document(world, f"{ANNOTATIONS}/import")
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationPage",
        "items": [
            {
                "id": "urn:example:annotation:1",
                "type": "Annotation",
                "motivation": "highlighting",
                "body": {"type": "TextualBody", "value": "Taken over", "format": "text/markdown"},
                "target": {
                    "source": "urn:example:document",
                    "selector": [
                        {"type": "TextQuoteSelector", **HIGHLIGHT["quote"]},
                        {"type": "TextPositionSelector", **HIGHLIGHT["position"]},
                        {"type": "FragmentSelector", "value": "page=1"},
                    ],
                    "scrollkeeper:rects": HIGHLIGHT["rects"],
                },
            }
        ],
    }


def _export_body(world: World) -> dict[str, Any]:
    _ready_document(world, f"{ANNOTATIONS}/exports")
    return {"format": "pdf"}


def _no_body(world: World) -> dict[str, Any] | None:
    return None


BODY_SAMPLES: dict[tuple[str, str], BodySample] = {
    (ANNOTATIONS, "POST"): _create_body,
    (ANNOTATION, "PATCH"): lambda world: {"version": 1, "body": "Taken over", "color": "red"},
    (f"{ANNOTATIONS}/import", "POST"): _import_body,
    (f"{ANNOTATIONS}/exports", "POST"): _export_body,
    (f"{ANNOTATION}/resolve", "POST"): _no_body,
    (f"{ANNOTATION}/reopen", "POST"): _no_body,
    (f"{ANNOTATION}/replies", "POST"): lambda world: {"body": "Taken over"},
    (f"{ANNOTATION}/replies/<uuid:reply_id>", "PATCH"): lambda world: {"version": 1, "body": "Taken over"},
    # All of the caller's notifications: in another team's URL they must be refused, not marked.
    ("/api/v1/teams/<uuid:team_id>/notifications/read", "POST"): lambda world: {},
}
