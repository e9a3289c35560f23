"""Exports: W3C Web Annotation JSON-LD, Markdown by page, and the annotated PDF read back with pypdf."""

import asyncio
import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

from annotations import services
from annotations.exports import EXPORTS_PREFIX, annotation_exports_clean, annotation_urn
from annotations.models import Annotation, AnnotationExport
from annotations.tasks import clean_exports, export_annotated_pdf
from core.storage import get_storage
from documents.events import user_group
from documents.models import Document
from teams.roles import Role
from tests.annotations.conftest import HIGHLIGHT, annotate, parsed_document, word_rect
from tests.documents import pdfs
from tests.teams.conftest import Lab

pytestmark = pytest.mark.django_db

PAGES = ["Introduction.\nThe light cone of an event.", "Results.\nThe fringes moved by half a period."]


def _export(lab: Lab, document: Document, export: str = "jsonld", role: str = Role.VIEWER) -> Any:
    return lab.client(role).get(lab.url(f"/documents/{document.pk}/annotations/export"), {"format": export})


def _items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    items: list[dict[str, Any]] = response.json()["first"]["items"]
    return items


def _annotations(page: PageObject) -> list[Any]:
    annots = page.annotations
    assert annots is not None
    return [annot.get_object() for annot in annots]


def test_the_jsonld_export_is_a_w3c_annotation_collection(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document, body="**Key** result", color="blue")
    reply = services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk, body="Why?")
    annotate(lab.viewer, document, "note", page_index=2, body="See eq. 3")

    response = _export(lab, document)

    assert response["Content-Type"] == "application/ld+json"
    # Named like the Markdown export: a browser saves it as a file it can tell apart, not as "export".
    assert response["Content-Disposition"] == 'attachment; filename="paper-annotations.jsonld"'
    collection = response.json()
    assert collection["type"] == "AnnotationCollection"
    assert collection["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["total"] == 3
    first, answer, pinned = _items(response)
    assert first["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert (first["id"], first["type"], first["motivation"]) == (
        annotation_urn(highlight.pk),
        "Annotation",
        "highlighting",
    )
    assert first["creator"]["name"] == lab.editor.user.name
    assert first["created"].endswith("Z")
    assert first["modified"]
    assert first["body"] == {
        "type": "TextualBody",
        "value": "**Key** result",
        "format": "text/markdown",
        "purpose": "commenting",
    }
    target = first["target"]
    assert target["source"] == f"urn:scrollkeeper:document:{document.pk}"
    assert target["selector"] == [
        {"type": "TextQuoteSelector", **HIGHLIGHT["quote"]},
        {"type": "TextPositionSelector", **HIGHLIGHT["position"]},
        {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778", "value": "page=1"},
    ]
    assert target["scrollkeeper:rects"] == HIGHLIGHT["rects"]
    assert (first["scrollkeeper:kind"], first["scrollkeeper:color"]) == ("highlight", "blue")
    assert answer["id"] == f"urn:scrollkeeper:reply:{reply.pk}"
    assert (answer["motivation"], answer["target"], answer["body"]["value"]) == ("replying", first["id"], "Why?")
    assert pinned["motivation"] == "commenting"
    assert pinned["target"]["selector"][-1]["value"] == "page=3"
    assert pinned["target"]["scrollkeeper:point"] == [100.0, 200.0]


def test_private_annotations_of_others_are_never_exported(lab: Lab, document: Document) -> None:
    secret = annotate(lab.editor, document, body="Editor's draft", visibility="private")
    annotate(lab.viewer, document, "note", body="Viewer's own draft", visibility="private")
    shared = annotate(lab.admin, document, body="For everyone")

    seen_by_viewer = {item["id"] for item in _items(_export(lab, document))}
    markdown = _export(lab, document, "markdown").content.decode()

    assert annotation_urn(secret.pk) not in seen_by_viewer
    assert annotation_urn(shared.pk) in seen_by_viewer
    assert len(seen_by_viewer) == 2  # the team's and the viewer's own private note
    assert "Editor's draft" not in markdown
    assert "Viewer's own draft" in markdown
    assert annotation_urn(secret.pk) in {item["id"] for item in _items(_export(lab, document, role=Role.EDITOR))}


def test_the_markdown_export_groups_by_page_with_quotes_threads_and_resolved_marks(
    lab: Lab, document: Document
) -> None:
    later = annotate(lab.editor, document, page_index=2, body="Second thought")
    first = annotate(lab.editor, document, body="Look here")
    services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=first.pk, body="Agreed\nfully")
    services.annotation_resolve(actor=lab.viewer, document_id=document.pk, annotation_id=later.pk)

    response = _export(lab, document, "markdown")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="paper-annotations.md"'
    text = response.content.decode()
    assert text.startswith("# Paper\n")
    page_1, page_3 = text.index("## Page 1"), text.index("## Page 3")
    assert page_1 < text.index("> light cone") < text.index("Look here") < text.index("Agreed") < page_3
    assert f"- **{lab.viewer.user.name}**:\n  Agreed\n  fully" in text
    assert "Highlight by" in text[page_3:]
    assert "resolved" in text[page_3:]
    assert "resolved" not in text[page_1:page_3]


def test_an_unknown_format_is_a_400(lab: Lab, document: Document) -> None:
    response = _export(lab, document, "docx")
    assert response.status_code == 400
    assert response.json()["fields"]["format"]


def _start_pdf_export(lab: Lab, document: Document, role: str = Role.VIEWER) -> Any:
    return lab.client(role).post(
        lab.url(f"/documents/{document.pk}/annotations/exports"), {"format": "pdf"}, format="json"
    )


def _export_status(lab: Lab, document: Document, export_id: str, role: str = Role.VIEWER) -> Any:
    return lab.client(role).get(lab.url(f"/documents/{document.pk}/annotations/exports/{export_id}"))


def _made(lab: Lab, document: Document, role: str = Role.VIEWER) -> dict[str, Any]:
    """Ask for the annotated PDF as ``role``, run the worker's task, and answer the export as it is then."""
    started = _start_pdf_export(lab, document, role)
    assert started.status_code == 202, started.content
    assert started.json()["state"] == "pending"
    assert export_annotated_pdf(started.json()["id"]) in {"ready", "failed"}
    response = _export_status(lab, document, started.json()["id"], role)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _downloaded(export: dict[str, Any]) -> PdfReader:
    assert export["state"] == "ready", export
    response = requests.get(export["download_url"], timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "paper-annotated.pdf" in response.headers["Content-Disposition"]
    return PdfReader(io.BytesIO(response.content))


def test_the_annotated_pdf_has_real_highlights_and_notes(lab: Lab, tmp_path: Path) -> None:
    path = pdfs.write_pdf(tmp_path / "paper.pdf", PAGES)
    document = parsed_document(lab.team, path, uploaded_by=lab.editor.user)
    rect = word_rect(path, 1, "fringes")
    second = [72.0, 600.0, 200.0, 612.0]
    highlight = annotate(
        lab.editor,
        document,
        page_index=1,
        color="green",
        body="Half a period!",
        anchors={**HIGHLIGHT, "rects": [rect, second]},
    )
    note = annotate(lab.viewer, document, "note", page_index=0, body="Check the units")
    annotate(lab.admin, document, page_index=1, body="Admin's draft", visibility="private")

    export = _made(lab, document)  # as the viewer: the admin's private draft is not in it

    assert (export["error"], export["written"], export["expires_in"]) == (None, 2, settings.DOWNLOAD_URL_EXPIRES)
    reader = _downloaded(export)
    assert len(reader.pages) == 2
    marks = _annotations(reader.pages[1])
    assert [str(mark["/Subtype"]) for mark in marks] == ["/Highlight", "/Popup"]
    mark, popup = marks
    assert popup["/Parent"].get_object()["/NM"] == annotation_urn(highlight.pk)
    x1, y1, x2, y2 = rect
    expected = [x1, y2, x2, y2, x1, y1, x2, y1, 72.0, 612.0, 200.0, 612.0, 72.0, 600.0, 200.0, 600.0]
    assert [float(value) for value in mark["/QuadPoints"]] == pytest.approx(expected)
    assert [float(value) for value in mark["/Rect"]] == pytest.approx([min(x1, 72.0), 600.0, 200.0, y2])
    assert (str(mark["/Contents"]), str(mark["/T"])) == ("Half a period!", lab.editor.user.name)
    assert str(mark["/NM"]) == annotation_urn(highlight.pk)
    assert [float(value) for value in mark["/C"]] == pytest.approx([0.55, 0.85, 0.45], abs=0.01)
    notes = {str(annot["/Subtype"]): annot for annot in _annotations(reader.pages[0])}
    assert set(notes) == {"/Text", "/Popup"}
    assert str(notes["/Text"]["/Contents"]) == "Check the units"
    assert str(notes["/Text"]["/NM"]) == annotation_urn(note.pk)
    assert notes["/Popup"]["/Parent"].get_object()["/NM"] == annotation_urn(note.pk)


def test_an_orphaned_annotation_is_left_out_of_the_pdf(lab: Lab, tmp_path: Path) -> None:
    """GIVEN a highlight that could not be placed on the current version of the file WHEN the PDF is
    exported THEN it is not drawn there: its rectangles are on an earlier version's pages."""
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    placed = annotate(lab.editor, document, page_index=0)
    orphaned = annotate(lab.editor, document, page_index=1)
    Annotation.objects.filter(pk=orphaned.pk).update(anchor_status="orphaned")

    export = _made(lab, document)

    assert export["written"] == 1
    reader = _downloaded(export)
    assert [str(mark["/NM"]) for mark in _annotations(reader.pages[0])] == [annotation_urn(placed.pk)]
    assert reader.pages[1].annotations is None


def test_the_author_of_a_private_draft_gets_it_in_their_own_export_which_no_one_else_sees(
    lab: Lab, tmp_path: Path
) -> None:
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    annotate(lab.admin, document, page_index=1, body="Admin's draft", visibility="private")

    export = _made(lab, document, Role.ADMIN)

    mark, _popup = _annotations(_downloaded(export).pages[1])
    assert str(mark["/Contents"]) == "Admin's draft"
    for role in (Role.OWNER, Role.VIEWER):
        assert _export_status(lab, document, export["id"], role).status_code == 404


async def _receive(channel: str) -> dict[str, Any]:
    layer = get_channel_layer()
    assert layer is not None
    message: dict[str, Any] = await asyncio.wait_for(layer.receive(channel), timeout=5)
    return message


def test_the_member_hears_on_their_sockets_when_the_export_is_ready(
    lab: Lab, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    layer = get_channel_layer()
    assert layer is not None
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(lab.viewer.user_id), channel)
    started = _start_pdf_export(lab, document).json()

    with django_capture_on_commit_callbacks(execute=True):
        export_annotated_pdf(started["id"])

    event = async_to_sync(_receive)(channel)["event"]
    assert (event["type"], event["team_id"], event["document_id"]) == (
        "annotation.export.finished",
        str(lab.team.pk),
        str(document.pk),
    )
    status = _export_status(lab, document, started["id"]).json()
    assert event["export"] == {key: value for key, value in status.items() if key not in {"download_url", "expires_in"}}


def test_every_role_may_export_and_a_second_request_while_pending_gets_the_same_export(
    lab: Lab, tmp_path: Path
) -> None:
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    for role in Role:
        first = _start_pdf_export(lab, document, role)
        assert first.status_code == 202, (role, first.content)
        assert _start_pdf_export(lab, document, role).json()["id"] == first.json()["id"]
    assert AnnotationExport.objects.filter(document=document).count() == len(Role)


def test_an_export_stuck_pending_is_failed_and_started_again(lab: Lab, tmp_path: Path) -> None:
    """GIVEN an export whose task was lost (pending for longer than writing it may take) WHEN the member
    asks again THEN the stuck one ends failed and a new one is started, instead of the member waiting for
    it until it expires."""
    from datetime import timedelta

    from django.utils import timezone

    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    stuck = _start_pdf_export(lab, document, Role.EDITOR).json()["id"]
    AnnotationExport.objects.filter(pk=stuck).update(created_at=timezone.now() - timedelta(hours=1))

    again = _start_pdf_export(lab, document, Role.EDITOR)

    assert again.status_code == 202
    assert again.json()["id"] != stuck
    assert AnnotationExport.objects.get(pk=stuck).state == AnnotationExport.State.FAILED


def test_a_hostile_file_fails_cleanly_with_a_code(lab: Lab, tmp_path: Path) -> None:
    """GIVEN a document whose stored file was swapped for a broken one after its parse WHEN its annotated
    PDF is made THEN the sandbox's error ends the export failed with a code and a detail, and the next
    export of a sound file still works."""
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
    get_storage().upload_from(key=document.storage_key, fileobj=io.BytesIO(broken), content_type="application/pdf")

    failed = _made(lab, document)

    assert failed["state"] == "failed"
    assert failed["error"]["code"] == "pdf_unreadable"
    assert failed["error"]["detail"]
    assert (failed["download_url"], failed["written"]) == (None, None)
    sound = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "sound.pdf", PAGES), title="Sound")
    assert _made(lab, sound)["state"] == "ready"


def test_the_sandbox_time_budget_ends_a_slow_export(lab: Lab, tmp_path: Path, settings: Any) -> None:
    """GIVEN a stored file whose copy takes tens of milliseconds (a 24 MB image) WHEN the budget is a
    millisecond THEN the sandbox's time limit ends the export. (A small file could be copied within the
    millisecond on an idle core before the template looks: the budget is checked from outside the job.)"""
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    get_storage().upload_from(
        key=document.storage_key, fileobj=io.BytesIO(_with_a_large_image(tmp_path)), content_type="application/pdf"
    )
    settings.PARSE_MAX_SECONDS = 0.001

    failed = _made(lab, document)

    assert (failed["state"], failed["error"]["code"]) == ("failed", "export_timeout")


def _with_a_large_image(tmp_path: Path) -> bytes:
    """The test's two pages, the first drawing a 24 MB uncompressed gray image."""
    writer = PdfWriter(clone_from=pdfs.write_pdf(tmp_path / "large.pdf", PAGES))
    image = StreamObject()
    image.set_data(os.urandom(24 << 20))
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(4096),
            NameObject("/Height"): NumberObject(6144),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    page = writer.pages[0]
    resources = page.setdefault(NameObject("/Resources"), DictionaryObject())
    resources[NameObject("/XObject")] = DictionaryObject({NameObject("/Big"): writer._add_object(image)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_annotated_pdf_is_refused_above_the_page_limit(lab: Lab, tmp_path: Path, settings: Any) -> None:
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    settings.ANNOTATIONS_EXPORT_PDF_MAX_PAGES = 1

    response = _start_pdf_export(lab, document)

    assert response.status_code == 400
    assert response.json()["code"] == "document_too_large"
    # The stored page count is the parse's; the sandbox checks the file itself too.
    Document.objects.filter(pk=document.pk).update(pages_total=1)
    assert _made(lab, document)["error"]["code"] == "document_too_large"


def test_the_pdf_is_no_longer_made_in_the_request(lab: Lab, document: Document) -> None:
    response = _export(lab, document, "pdf")
    assert response.status_code == 400
    assert response.json()["code"] == "export_is_a_job"


def test_expired_exports_and_files_no_export_owns_are_cleaned(
    lab: Lab, tmp_path: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    export = _made(lab, document)
    row = AnnotationExport.objects.get(pk=export["id"])
    stray = f"{EXPORTS_PREFIX}{lab.team.pk}/stray.pdf"
    get_storage().upload_from(key=stray, fileobj=io.BytesIO(b"%PDF-"), content_type="application/pdf")
    assert clean_exports() == 0  # nothing old enough yet

    later = timezone.now() + timedelta(seconds=settings.ANNOTATIONS_EXPORT_EXPIRES + 60)
    with django_capture_on_commit_callbacks(execute=True):
        assert annotation_exports_clean(now=later) == 2

    assert not AnnotationExport.objects.filter(pk=row.pk).exists()
    assert get_storage().head(key=row.storage_key) is None
    assert get_storage().head(key=stray) is None
    assert get_storage().head(key=document.storage_key) is not None  # the documents' objects are not ours


def test_a_deleted_documents_exports_go_with_it(
    lab: Lab, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """Not an hour later with the sweep: the annotated copies are the document's content too."""
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    key = AnnotationExport.objects.get(pk=_made(lab, document)["id"]).storage_key
    assert get_storage().head(key=key) is not None

    with django_capture_on_commit_callbacks(execute=True):
        response = lab.client(Role.ADMIN).delete(lab.url(f"/documents/{document.pk}"))
    assert response.status_code == 204

    assert not AnnotationExport.objects.filter(document_id=document.pk).exists()
    assert get_storage().head(key=key) is None


@pytest.mark.usefixtures("eager_celery")
def test_without_a_broker_the_export_is_made_on_commit(
    lab: Lab, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """GIVEN Celery runs tasks where they are sent (``make run`` without Redis) WHEN the export is asked
    for THEN the task runs on commit, and the export is ready to download at once."""
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    annotate(lab.editor, document, page_index=0)

    with django_capture_on_commit_callbacks(execute=True):
        started = _start_pdf_export(lab, document)

    export = _export_status(lab, document, started.json()["id"]).json()
    assert len(_annotations(_downloaded(export).pages[0])) == 1


def test_the_export_reads_a_fixed_number_of_queries(
    lab: Lab, document: Document, django_assert_max_num_queries: Any
) -> None:
    for index in range(20):
        highlight = annotate(lab.editor, document, page_index=index % 5, body=f"Mark {index}")
        services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk, body="Re")
    lab.client(Role.VIEWER)  # signed in before counting

    with django_assert_max_num_queries(12):
        assert len(_items(_export(lab, document))) == 40
    with django_assert_max_num_queries(12):
        assert _export(lab, document, "markdown").content.decode().count("Re") >= 20
