"""The reader: a parsed PDF drawn by pdf.js in Chromium, with its text layer, outline, zoom and pages."""

import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import FloatRect, Locator, Page, ViewportSize, expect

from accounts.models import User
from bench import corpus_dir
from core.storage import get_storage
from documents.models import Document
from documents.services import document_parse
from teams.models import Team
from tests.documents.pdfs import Bookmark, write_pdf
from tests.factories import PASSWORD, UserFactory, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_COUNT = 5
SCANNED_PAGE = 2  # 0-based: page 3 is an image with no text, like a scan without OCR
OUTLINE = [
    Bookmark("Chapter 1", 0),
    Bookmark("Chapter 2", 1, children=[Bookmark("Chapter 2.1", 1)]),
    Bookmark("Chapter 4", 3),
    Bookmark("Chapter 5", 4),
]


def _page_text(number: int) -> str:
    return f"Chapter {number}\nThe reader shows page {number} of five."


@pytest.fixture
def member() -> tuple[User, Team]:
    user = UserFactory.create()
    return user, make_team(owner=user, name="Optics lab")


def _ready_document(team: Team, owner: User, pdf: Path, *, title: str) -> Document:
    """A document stored and parsed for real, as an upload and the worker would leave it."""
    data = pdf.read_bytes()
    document = Document.objects.create(
        team=team,
        uploaded_by=owner,
        title=title,
        filename=pdf.name,
        size=len(data),
        storage_key=f"teams/{team.pk}/documents/{pdf.name}",
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


def _generated_pdf(folder: Path) -> Path:
    return write_pdf(
        folder / "five-chapters.pdf",
        [_page_text(n) for n in range(1, PAGE_COUNT + 1)],
        outline=OUTLINE,
        image_only=[SCANNED_PAGE],
        metadata={"/Title": "Five chapters", "/Author": "Ada Lovelace"},
    )


def _log_in(page: Page, user: User) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Library")).to_be_visible()


def _page(page: Page, number: int) -> Locator:
    return page.locator(f'.reader-page[data-page-number="{number}"]')


def _expect_drawn(page: Page, number: int) -> Locator:
    """The page's canvas is on screen and has ink on it (not just the white background)."""
    canvas = _page(page, number).locator("canvas")
    expect(_page(page, number)).to_have_attribute("data-status", "drawn")
    expect(canvas).to_be_visible()
    inked = canvas.evaluate(
        """canvas => {
            const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
            let dark = 0;
            for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark += 1;
            return dark;
        }"""
    )
    assert inked > 0, f"page {number}'s canvas is blank"
    return canvas


def _expect_at_top(page: Page, number: int) -> None:
    """The page's top edge is at the top of the scrolling viewport, below the column's padding."""
    page.wait_for_function(
        """number => {
            const viewport = document.querySelector('.reader-viewport').getBoundingClientRect();
            const target = document.querySelector(`.reader-page[data-page-number="${number}"]`);
            return Math.abs(target.getBoundingClientRect().top - viewport.top - 16) < 2;
        }""",
        arg=number,
    )


def _canvas_width(page: Page, number: int) -> int:
    return int(_page(page, number).locator("canvas").evaluate("canvas => canvas.width"))


def _css_width(page: Page, number: int) -> float:
    box = _page(page, number).bounding_box()
    assert box is not None
    return box["width"]


def test_reads_a_parsed_pdf_with_text_outline_zoom_and_pages(
    page: Page, member: tuple[User, Team], tmp_path: Path
) -> None:
    user, team = member
    document = _ready_document(team, user, _generated_pdf(tmp_path), title="Five chapters")
    _log_in(page, user)

    page.goto(f"/t/{team.pk}/documents/{document.pk}")
    expect(page.get_by_role("heading", name="Five chapters")).to_be_visible()
    expect(page.get_by_text("5 pages")).to_be_visible()
    toolbar = page.get_by_role("toolbar", name="Reader")
    page_number = toolbar.get_by_role("textbox", name="Page")
    expect(page_number).to_have_value("1")
    expect(toolbar.get_by_text("of 5")).to_be_visible()

    # Page 1: drawn on its canvas, its text selectable in the layer over it.
    _expect_drawn(page, 1)
    text_layer = _page(page, 1).locator(".textLayer")
    expect(text_layer).to_contain_text("The reader shows page 1 of five.")
    text_layer.get_by_text("The reader shows page 1").click(click_count=3)
    assert "The reader shows page 1 of five." in page.evaluate("getSelection().toString()")

    # The keyboard scrolls the pages (the viewport has focus), and the page number follows.
    page.keyboard.press("PageDown")
    page.wait_for_function("() => document.querySelector('.reader-viewport').scrollTop > 0")
    page.keyboard.press("End")
    expect(page_number).to_have_value("5")
    page.keyboard.press("Home")
    expect(page_number).to_have_value("1")

    # The scanned page is announced and marked.
    expect(page.get_by_role("note")).to_have_text("1 page has no text layer (scanned); highlights can't anchor there.")
    expect(_page(page, SCANNED_PAGE + 1)).to_have_attribute("data-no-text", "true")

    # The outline (from the API) moves to its page.
    outline = page.get_by_role("navigation", name="Outline")
    outline.get_by_role("button", name=re.compile(r"^Chapter 4")).click()
    expect(page_number).to_have_value("4")
    _expect_at_top(page, 4)
    _expect_drawn(page, 4)
    outline.get_by_role("button", name="Expand Chapter 2").click()
    outline.get_by_role("button", name=re.compile(r"^Chapter 2\.1")).click()
    expect(page_number).to_have_value("2")

    # Zooming in draws a larger canvas, and stays on the page being read.
    width = _canvas_width(page, 2)
    css_width = _css_width(page, 2)
    toolbar.get_by_role("button", name="Zoom in").click()
    page.wait_for_function(
        f"() => document.querySelector('.reader-page[data-page-number=\"2\"] canvas')?.width > {width}"
    )
    assert _css_width(page, 2) > css_width
    expect(page_number).to_have_value("2")
    expect(_page(page, 2)).to_be_in_viewport()
    zoomed = _canvas_width(page, 2)
    page.keyboard.press("Control+Minus")
    page.wait_for_function(
        f"() => document.querySelector('.reader-page[data-page-number=\"2\"] canvas')?.width < {zoomed}"
    )
    page.keyboard.press("Control+0")  # back to the automatic zoom
    page.wait_for_function(
        f"() => document.querySelector('.reader-page[data-page-number=\"2\"] canvas')?.width === {width}"
    )
    expect(page_number).to_have_value("2")

    # Typing the last page goes there and draws it.
    page_number.fill("5")
    page_number.press("Enter")
    _expect_drawn(page, 5)
    expect(_page(page, 5).locator(".textLayer")).to_contain_text("The reader shows page 5 of five.")
    expect(toolbar.get_by_role("button", name="Next page")).to_be_disabled()
    toolbar.get_by_role("button", name="Previous page").click()
    expect(page_number).to_have_value("4")

    # An address with #page=N opens at that page.
    page.goto(f"/t/{team.pk}/documents/{document.pk}#page=3")
    expect(page.get_by_role("textbox", name="Page")).to_have_value("3")
    _expect_at_top(page, 3)


NARROW = ViewportSize(width=400, height=800)


def _assert_no_sideways_scroll(page: Page) -> None:
    scroll_width, width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= width, f"{page.url}: the page is {scroll_width}px wide in a {width}px window"


def _box(locator: Locator) -> FloatRect:
    box = locator.bounding_box()
    assert box is not None
    return box


def test_a_narrow_screen_scrolls_nowhere_sideways_and_leaves_the_pages_the_height(
    page: Page, member: tuple[User, Team], tmp_path: Path
) -> None:
    """GIVEN an owner (every link in the header) on a 400x800 screen
    WHEN they go through the library, the members and the reader, and open its panels
    THEN no page is wider than the screen, the header is one line with a Menu holding the links, the
    reader's chrome leaves the pages most of the height, and a panel opens over the pages, full width."""
    user, team = member
    document = _ready_document(team, user, _generated_pdf(tmp_path), title="Five chapters")
    page.set_viewport_size(NARROW)
    _log_in(page, user)

    _assert_no_sideways_scroll(page)
    header = page.locator(".app-header")
    assert _box(header)["height"] < 70
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    account = nav.get_by_role("link", name="Account")
    expect(account).to_be_visible()
    assert _box(account)["x"] + _box(account)["width"] <= NARROW["width"]
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    _assert_no_sideways_scroll(page)
    nav.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    expect(nav).to_be_hidden()
    _assert_no_sideways_scroll(page)

    page.goto(f"/t/{team.pk}/documents/{document.pk}")
    _expect_drawn(page, 1)
    _assert_no_sideways_scroll(page)
    pages = page.get_by_role("region", name="Document pages")
    before = _box(pages)
    assert before["height"] >= 0.6 * NARROW["height"], f"the pages get {before['height']}px of 800"

    toolbar = page.get_by_role("toolbar", name="Reader")
    toolbar.get_by_role("button", name="Annotations").click()
    sidebar = page.get_by_role("complementary", name="Annotations")
    expect(sidebar).to_be_visible()
    assert _box(sidebar)["width"] == NARROW["width"]
    assert _box(pages)["width"] == before["width"]  # over the pages, not squeezing them
    _assert_no_sideways_scroll(page)
    toolbar.get_by_role("button", name="Annotations").click()
    expect(sidebar).to_be_hidden()

    toolbar.get_by_role("button", name="Outline").click()
    outline = page.get_by_role("navigation", name="Outline")
    assert _box(outline)["width"] == NARROW["width"]
    toolbar.get_by_role("button", name="Annotations").click()  # one panel at a time: the outline makes way
    expect(sidebar).to_be_visible()
    expect(outline).to_be_hidden()
    toolbar.get_by_role("button", name="Outline").click()
    expect(outline).to_be_visible()
    expect(sidebar).to_be_hidden()
    outline.get_by_role("button", name=re.compile(r"^Chapter 4")).click()
    expect(toolbar.get_by_role("textbox", name="Page")).to_have_value("4")
    expect(outline).to_be_hidden()  # out of the way of the page chosen
    _assert_no_sideways_scroll(page)


@pytest.mark.browser_context_args(device_scale_factor=2)
def test_pages_are_drawn_sharp_on_hidpi_screens(page: Page, member: tuple[User, Team], tmp_path: Path) -> None:
    user, team = member
    document = _ready_document(team, user, _generated_pdf(tmp_path), title="Five chapters")
    _log_in(page, user)
    page.goto(f"/t/{team.pk}/documents/{document.pk}")
    _expect_drawn(page, 1)
    assert _canvas_width(page, 1) == int(_css_width(page, 1) * 2)


def test_reads_a_real_world_pdf(page: Page, member: tuple[User, Team], tmp_path: Path) -> None:
    """GIVEN a paper typeset by LaTeX (hyperref's manual: bookmarks, links, Type 1 fonts) when the
    corpus is beside the repository, a generated PDF otherwise."""
    folder = corpus_dir()
    real = folder / "texbase_hyperref-doc.pdf" if folder else None
    pdf = real if real and real.is_file() else _generated_pdf(tmp_path)
    user, team = member
    document = _ready_document(team, user, pdf, title="A real paper")
    assert document.pages_total
    _log_in(page, user)

    page.goto(f"/t/{team.pk}/documents/{document.pk}")
    toolbar = page.get_by_role("toolbar", name="Reader")
    expect(toolbar.get_by_text(f"of {document.pages_total}")).to_be_visible()
    _expect_drawn(page, 1)
    first_words = next(word for word in document.pages.get(index=0).text.split() if len(word) > 3)
    expect(_page(page, 1).locator(".textLayer")).to_contain_text(first_words)

    if document.outline:
        entry = next(item for item in document.outline if item["page_index"] not in (None, 0))
        page.get_by_role("navigation", name="Outline").get_by_role(
            "button", name=re.compile(f"^{re.escape(entry['title'])}")
        ).first.click()
        expect(toolbar.get_by_role("textbox", name="Page")).to_have_value(str(entry["page_index"] + 1))
        _expect_drawn(page, entry["page_index"] + 1)

    page_number = toolbar.get_by_role("textbox", name="Page")
    page_number.fill(str(document.pages_total))
    page_number.press("Enter")
    _expect_drawn(page, document.pages_total)
    if document.pages_total > 20:
        # Far from the viewport, pages give their canvases back: memory stays bounded in long documents.
        expect(_page(page, 1)).to_have_attribute("data-status", "blank")
        assert page.locator(".reader-page canvas").count() <= 10
