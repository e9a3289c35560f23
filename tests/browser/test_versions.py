"""A new version of a document, uploaded from the reader: the document is read again, the reader opens the
new file, and its annotations are carried over -- moved with their text, or listed as orphaned."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from accounts.models import User
from annotations.models import Annotation
from annotations.services import annotation_create
from documents.models import Document, DocumentVersion
from documents.models import Page as PageText
from teams.models import Membership, Team
from teams.roles import Role
from tests.browser.test_annotations import _open
from tests.browser.test_reader import _ready_document
from tests.documents.pdfs import write_pdf
from tests.factories import MembershipFactory, UserFactory, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

V1 = [
    "Introduction.\nThe speed of light in vacuum is a universal constant.",
    "Results. The light cone of an event is the set of points.",
    "Discussion of gravitational lensing.",
]
V2 = [
    "Preface added in the second version.",
    "Introduction.\nThe speed of light in vacuum is a universal constant.",
    "Results, revised. As shown, the light cone of an event is the set of points.",
]


@pytest.fixture
def editor() -> Membership:
    team = make_team(name="Optics group")
    membership: Membership = MembershipFactory.create(
        team=team, user=UserFactory.create(display_name="Ada Editor"), role=Role.EDITOR
    )
    return membership


def _highlight(actor: Membership, document: Document, page: int, exact: str, body: str) -> Annotation:
    text = PageText.objects.get(document=document, index=page).text
    start = text.index(exact)
    anchors = {
        "quote": {
            "exact": exact,
            "prefix": text[max(0, start - 32) : start],
            "suffix": text[start + len(exact) :][:32],
        },
        "position": {"start": start, "end": start + len(exact)},
        "rects": [[72.0, 700.0, 200.0, 712.0]],
    }
    return annotation_create(
        actor=actor, document_id=document.pk, kind="highlight", page_index=page, anchors=anchors, body=body
    )


def test_a_new_version_from_the_reader_moves_and_orphans_annotations(
    browser: Browser, base_url: str, editor: Membership, tmp_path: Path, celery_worker: Any
) -> None:
    """GIVEN an editor's document with a highlight whose text moves to another page in the next version and
    one whose text is gone WHEN the editor uploads the new version from the reader THEN the reader shows
    version 2 once it is read, the first highlight is drawn on its new page, and the other is listed as
    orphaned with its quote."""
    team: Team = editor.team
    ada: User = editor.user
    document = _ready_document(team, ada, write_pdf(tmp_path / "paper.pdf", V1), title="Light")
    DocumentVersion.objects.create(  # as the upload would have made it
        document=document, number=1, storage_key=document.storage_key, filename="paper.pdf", size=document.size
    )
    moved = _highlight(editor, document, 1, "light cone of an event", "Key definition")
    gone = _highlight(editor, document, 2, "gravitational lensing", "Expand this")
    page = _open(browser, base_url, ada, f"/t/{team.pk}/documents/{document.pk}")
    expect(page.get_by_role("list", name="Threads", exact=True).get_by_role("listitem")).to_have_count(2)

    page.get_by_role("button", name="Version 1").click()
    dialog = page.get_by_role("dialog", name="Versions")
    expect(dialog.get_by_role("list", name="Versions").get_by_role("listitem")).to_have_count(1)
    dialog.get_by_label("New version of the PDF").set_input_files(str(write_pdf(tmp_path / "paper-v2.pdf", V2)))
    expect(dialog.get_by_text("paper-v2.pdf uploaded as version 2.")).to_be_visible()
    expect(dialog.get_by_role("list", name="Versions").get_by_role("listitem")).to_have_count(2, timeout=20_000)
    page.screenshot(path=str(tmp_path / "versions-dialog.png"))
    page.keyboard.press("Escape")

    # Read again, then opened: the moved highlight is drawn on page 3, the other listed apart.
    expect(page.get_by_role("button", name="Version 2")).to_be_visible(timeout=30_000)
    expect(page.locator('.reader-page[data-page-number="3"]')).to_be_attached(timeout=30_000)
    orphaned = page.get_by_role("list", name="Orphaned threads")
    expect(orphaned.get_by_role("listitem")).to_have_count(1, timeout=30_000)
    expect(orphaned.locator("blockquote")).to_have_text("gravitational lensing")
    expect(orphaned).to_contain_text("Could not be placed in version 2")
    threads = page.get_by_role("list", name="Threads", exact=True)
    expect(threads.get_by_role("listitem")).to_have_count(1)
    expect(threads).to_contain_text("p. 3")
    page.locator('.reader-page[data-page-number="3"]').scroll_into_view_if_needed()
    expect(page.locator('.reader-page[data-page-number="3"] .annotation-highlight')).to_have_count(1, timeout=20_000)
    page.screenshot(path=str(tmp_path / "versions.png"))

    moved.refresh_from_db()
    gone.refresh_from_db()
    assert (moved.page_index, moved.anchor_status, moved.anchor_version) == (2, "anchored", 2)
    assert (gone.anchor_status, gone.anchor_version) == ("orphaned", 1)
