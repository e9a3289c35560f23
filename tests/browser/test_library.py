"""The library, end to end: an upload from the browser straight to storage (moto), parsed by a real worker,
its progress pushed over /ws/ to the uploader and to another member, neither of whom reloads."""

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from bench import corpus_dir
from core.storage import get_storage
from documents.models import Document, Upload
from teams.models import Team
from teams.roles import Role
from tests.documents.pdfs import write_pdf
from tests.factories import PASSWORD, MembershipFactory, UserFactory, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A real paper from the shared corpus when it is there (see bench.corpus_dir); a generated one otherwise.
CORPUS_PAPER = "texpub_elsarticle_elstest-5p.pdf"
PARSE_TIMEOUT_MS = 60_000


def _paper(tmp_path: Path) -> Path:
    corpus = corpus_dir()
    if corpus is not None and (corpus / CORPUS_PAPER).is_file():
        return Path(shutil.copy(corpus / CORPUS_PAPER, tmp_path / "elsarticle-sample.pdf"))
    pages = [f"Light and matter, part {n}.\nThe speed of light is finite." for n in range(1, 7)]
    return write_pdf(tmp_path / "light-and-matter.pdf", pages, metadata={"/Title": "Light and matter"})


def _log_in(page: Page, user: User, team: Team) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Generous: the machine may be busy with the worker's parse or with other test runs.
    expect(page.get_by_role("heading", name="Library")).to_be_visible(timeout=15_000)
    page.goto(f"/t/{team.pk}/library")
    expect(page.get_by_role("heading", name="Library")).to_be_visible()


def _progress_frames(page: Page) -> list[str]:
    """The document.progress messages the page receives over its websocket, as they arrive."""
    frames: list[str] = []

    def on_socket(socket: Any) -> None:
        socket.on("framereceived", lambda payload: frames.append(str(payload)))

    page.on("websocket", on_socket)
    return frames


def test_upload_is_parsed_live_for_the_uploader_and_another_member(
    page: Page, browser: Browser, base_url: str, celery_worker: Any, tmp_path: Path
) -> None:
    """GIVEN an editor and a viewer of one team, each with the library open in their own browser
    WHEN the editor uploads a PDF
    THEN both watch it get parsed and become ready without reloading, and the editor can open it."""
    editor = UserFactory.create(display_name="Marie Curie")
    team = make_team(owner=editor, name="Optics lab")
    viewer = MembershipFactory.create(team=team, role=Role.VIEWER).user
    paper = _paper(tmp_path)

    _log_in(page, editor, team)
    editor_frames = _progress_frames(page)
    page.reload()  # the socket opens after the listener is attached
    expect(page.get_by_text("No documents yet")).to_be_visible()

    other = browser.new_context(base_url=base_url)
    try:
        viewer_page = other.new_page()
        _log_in(viewer_page, viewer, team)
        expect(viewer_page.get_by_text("No documents yet")).to_be_visible()
        expect(viewer_page.get_by_role("button", name="Upload PDFs")).to_have_count(0)
        # Marks both pages: a reload would lose the marks.
        page.evaluate("window.__notReloaded = true")
        viewer_page.evaluate("window.__notReloaded = true")

        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Upload PDFs").click()
        chooser.value.set_files(paper)

        uploads = page.get_by_role("list", name="Uploads")
        expect(uploads.get_by_text(paper.name)).to_be_visible()
        # Uploaded, parsed, ready: the row ends with a link to the document.
        expect(uploads.get_by_role("link", name="Open")).to_be_visible(timeout=PARSE_TIMEOUT_MS)
        expect(page.get_by_role("status").filter(has_text="is ready.")).to_have_count(1)

        document = Document.objects.get(team=team)
        assert document.state == Document.State.READY
        assert (document.pages_total or 0) > 0
        assert any('"document.progress"' in frame and '"ready"' in frame for frame in editor_frames)

        # The viewer's library shows it, ready, without a reload.
        documents = viewer_page.locator(".doc-list")
        title = viewer_page.get_by_role("link", name=document.title, exact=True)
        expect(documents.get_by_role("heading", name=document.title, exact=True)).to_be_visible()
        expect(title).to_be_visible(timeout=PARSE_TIMEOUT_MS)
        expect(documents).to_contain_text(f"{document.pages_total} page")
        expect(documents).to_contain_text("Uploaded by Marie Curie")
        assert viewer_page.evaluate("window.__notReloaded") is True

        # The editor opens it from the list (the reader page comes with its own tests).
        assert page.evaluate("window.__notReloaded") is True
        page.locator(".doc-list").get_by_role("link", name=document.title, exact=True).click()
        expect(page).to_have_url(re.compile(rf"/t/{team.pk}/documents/{document.pk}$"))
    finally:
        other.close()


def test_a_file_that_is_not_a_pdf_gets_the_servers_message_and_can_be_dismissed(page: Page, tmp_path: Path) -> None:
    """A file named .pdf that is not one passes the browser's check; the server's verdict is shown."""
    editor = UserFactory.create()
    team = make_team(owner=editor, name="Optics lab")
    fake = tmp_path / "notes.pdf"
    fake.write_bytes(b"These are plain notes, not a PDF at all.\n" * 10)

    _log_in(page, editor, team)
    page.get_by_label("Upload PDFs").set_input_files(fake)

    uploads = page.get_by_role("list", name="Uploads")
    expect(uploads).to_contain_text("notes.pdf is not a PDF file.")
    expect(page.get_by_role("status").filter(has_text="Upload of notes.pdf failed")).to_have_count(1)
    uploads.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("list", name="Uploads")).to_have_count(0)
    assert not Document.objects.filter(team=team).exists()


def test_a_large_file_goes_up_in_parts_straight_to_storage(page: Page, settings: Any, tmp_path: Path) -> None:
    """Above the multipart threshold the browser PUTs each part to storage and must read each part's ETag
    (a cross-origin response header): the upload completes only if it could."""
    settings.UPLOAD_MULTIPART_THRESHOLD = 1024
    editor = UserFactory.create()
    team = make_team(owner=editor, name="Optics lab")
    paper = write_pdf(tmp_path / "in-parts.pdf", [f"Page {n} of a paper sent in parts." for n in range(1, 40)])
    assert paper.stat().st_size > settings.UPLOAD_MULTIPART_THRESHOLD

    _log_in(page, editor, team)
    page.get_by_label("Upload PDFs").set_input_files(paper)

    uploads = page.get_by_role("list", name="Uploads")
    expect(uploads.get_by_role("progressbar", name="Reading in-parts.pdf")).to_be_visible()
    upload = Upload.objects.get(team=team)
    assert upload.method == Upload.Method.MULTIPART
    assert upload.state == Upload.State.COMPLETED
    document = Document.objects.get(team=team)
    assert document.size == paper.stat().st_size
    assert get_storage().head(key=document.storage_key) is not None
