"""Managing the library from the browser: a document's title, tags and collections, collections themselves,
and deleting a document -- each shown only to the members whose role allows it."""

import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from core.storage import get_storage
from documents.models import Collection, Document
from documents.services import document_parse
from teams.models import Team
from teams.roles import Role
from tests.documents.pdfs import write_pdf
from tests.factories import PASSWORD, MembershipFactory, UserFactory, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ready_document(team: Team, uploader: User, folder: Path, *, title: str) -> Document:
    """A document stored and parsed for real, as an upload and the worker would leave it."""
    name = re.sub(r"\W+", "-", title.lower()) + ".pdf"
    data = write_pdf(folder / name, [f"{title}, page {n}." for n in (1, 2)]).read_bytes()
    document = Document.objects.create(
        team=team,
        uploaded_by=uploader,
        title=title,
        filename=name,
        size=len(data),
        storage_key=f"teams/{team.pk}/documents/{name}",
    )
    get_storage().upload_from(key=document.storage_key, fileobj=io.BytesIO(data), content_type="application/pdf")
    # In a thread of its own: the parse sends progress events on an event loop, and sync Playwright
    # already runs one in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_parse_and_close_connection, str(document.pk)).result()
    document.refresh_from_db()
    assert document.state == Document.State.READY, document.error_message
    return document


def _parse_and_close_connection(document_id: str) -> None:
    try:
        document_parse(document_id=document_id)
    finally:
        connection.close()  # the thread's own; an open one would block dropping the test database


def _log_in(page: Page, user: User, team: Team) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Library")).to_be_visible(timeout=15_000)
    page.goto(f"/t/{team.pk}/library")
    expect(page.get_by_role("heading", name="Library")).to_be_visible()


def _card(page: Page, title: str) -> Locator:
    return page.locator(".doc-list").get_by_role("listitem", name=title, exact=True)


def _titles(page: Page) -> Locator:
    return page.locator(".doc-list .doc-title")


@pytest.fixture
def lab(tmp_path: Path) -> tuple[Team, User, User, Document, Document]:
    """A team whose owner uploaded one paper and whose editor uploaded another; and a viewer."""
    owner = UserFactory.create(display_name="Grace Hopper")
    team = make_team(owner=owner, name="Optics lab")
    editor = MembershipFactory.create(team=team, role=Role.EDITOR).user
    viewer = MembershipFactory.create(team=team, role=Role.VIEWER).user
    theirs = _ready_document(team, owner, tmp_path, title="The owner's paper")
    mine = _ready_document(team, editor, tmp_path, title="Draft of a paper")
    return team, editor, viewer, mine, theirs


def test_an_editor_files_their_document_and_then_deletes_it(
    page: Page, lab: tuple[Team, User, User, Document, Document]
) -> None:
    """GIVEN an editor, a document they uploaded and one the owner uploaded
    WHEN the editor renames theirs, tags it twice, files it in a collection they create, and deletes it
    THEN the library filters find it by tag and by collection, and after the deletion it and its file are gone;
    the owner's document never offers them Edit."""
    team, editor, _, mine, theirs = lab
    _log_in(page, editor, team)

    expect(_card(page, "Draft of a paper")).to_be_visible()
    expect(_card(page, theirs.title).get_by_role("button", name="Edit")).to_have_count(0)

    # A collection first (editors may create them, not delete them).
    page.get_by_role("button", name="Manage collections").click()
    collections = page.get_by_role("dialog", name="Collections")
    collections.get_by_label("Name").fill("Thesis chapter 2")
    collections.get_by_label("Description (optional)").fill("What chapter 2 cites")
    collections.get_by_role("button", name="Create collection").click()
    expect(collections.get_by_text("What chapter 2 cites")).to_be_visible()
    expect(collections.get_by_role("button", name=re.compile("Delete"))).to_have_count(0)
    collections.get_by_role("button", name="Done").click()
    expect(collections).to_have_count(0)

    # Rename, two tags, the collection.
    _card(page, "Draft of a paper").get_by_role("button", name="Edit").click()
    details = page.get_by_role("dialog", name="Document details")
    details.get_by_label("Title").fill("Optical tweezers, revisited")
    tags = details.get_by_role("combobox", name="Tags")
    tags.type("optics")
    tags.press("Enter")
    tags.type("lasers,")
    expect(details.get_by_role("list", name="Chosen tags").get_by_role("listitem")).to_have_count(2)
    details.get_by_role("group", name="Collections").get_by_label("Thesis chapter 2").check()
    details.get_by_role("button", name="Save").click()
    expect(details).to_have_count(0)

    renamed = _card(page, "Optical tweezers, revisited")
    expect(renamed.get_by_role("list", name="Tags").get_by_role("listitem")).to_have_text(["lasers", "optics"])
    mine.refresh_from_db()
    assert mine.title == "Optical tweezers, revisited"
    assert sorted(tag.name for tag in mine.tags.all()) == ["lasers", "optics"]
    collection = Collection.objects.get(team=team, name="Thesis chapter 2")
    assert list(mine.collections.all()) == [collection]

    # The filters find it.
    expect(_titles(page)).to_have_count(2)
    page.get_by_label("Tag", exact=True).select_option("lasers")
    expect(page).to_have_url(re.compile(r"[?&]tag=lasers"))
    expect(_titles(page)).to_have_text(["Optical tweezers, revisited"])
    page.get_by_label("Tag", exact=True).select_option("")
    expect(_titles(page)).to_have_count(2)
    page.get_by_label("Collection", exact=True).select_option(label="Thesis chapter 2")
    expect(page).to_have_url(re.compile(rf"[?&]collection={collection.pk}"))
    expect(_titles(page)).to_have_text(["Optical tweezers, revisited"])

    # Delete it from the reader: back to the library, where it is gone.
    renamed.get_by_role("link", name="Optical tweezers, revisited").click()
    expect(page).to_have_url(re.compile(rf"/documents/{mine.pk}$"))
    page.locator(".reader-header").get_by_role("button", name="Edit").click()
    details = page.get_by_role("dialog", name="Document details")
    details.get_by_role("button", name="Delete document").click()
    expect(details.get_by_role("group", name="Delete document?")).to_contain_text("Optical tweezers, revisited")
    details.get_by_role("button", name="Yes, delete").click()

    expect(page).to_have_url(re.compile(rf"/t/{team.pk}/library$"))
    expect(_titles(page)).to_have_text([theirs.title])
    assert not Document.objects.filter(pk=mine.pk).exists()
    assert get_storage().head(key=mine.storage_key) is None
    assert Collection.objects.filter(pk=collection.pk).exists()  # documents leave; collections stay


def test_a_viewer_sees_no_edit_controls(page: Page, lab: tuple[Team, User, User, Document, Document]) -> None:
    team, _, viewer, mine, _ = lab
    _log_in(page, viewer, team)

    expect(_titles(page)).to_have_count(2)
    expect(page.locator(".doc-list").get_by_role("button", name="Edit")).to_have_count(0)
    expect(page.get_by_role("button", name="Manage collections")).to_have_count(0)

    _card(page, mine.title).get_by_role("link", name=mine.title).click()
    expect(page.get_by_role("button", name="Download PDF")).to_be_visible()
    expect(page.locator(".reader-header").get_by_role("button", name="Edit")).to_have_count(0)
