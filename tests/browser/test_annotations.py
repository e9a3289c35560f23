"""Annotations in the reader: two members with the document open see each other's highlights and replies live."""

import re
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import User
from annotations.models import Annotation
from annotations.services import annotation_create
from bench import corpus_dir
from documents.models import Page as PageText
from teams.models import Membership, Team
from teams.roles import Role
from tests.browser.test_reader import _log_in, _ready_document
from tests.documents.pdfs import write_pdf
from tests.factories import MembershipFactory, UserFactory, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "the lazy dog" twice on page 1: the selection is the second one, which the anchor must find.
PAGE_ONE = "Chapter 1\nThe quick brown fox jumps over the lazy dog.\nAt noon the lazy dog sleeps in the shade."
PHRASE = "the lazy dog"
LINE = "At noon"

SELECT_PHRASE = """([phrase, line]) => {
    const layer = document.querySelector('.reader-page[data-page-number="1"] .textLayer');
    const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(phrase);
        if (at === -1 || !node.data.includes(line)) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + phrase.length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        node.parentElement.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
        return true;
    }
    return false;
}"""


@pytest.fixture
def team_of_two() -> tuple[Team, User, User]:
    team = make_team(name="Reading group")
    editor = MembershipFactory.create(team=team, user=UserFactory.create(display_name="Ada Editor"), role=Role.EDITOR)
    viewer = MembershipFactory.create(team=team, user=UserFactory.create(display_name="Bob Viewer"), role=Role.VIEWER)
    return team, editor.user, viewer.user


def _width(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["width"]


def _open(browser: Browser, base_url: str, user: User, path: str) -> Page:
    page = browser.new_context(base_url=base_url).new_page()
    _log_in(page, user)
    page.goto(path)
    expect(page.locator('.reader-page[data-page-number="1"] .textLayer span').first).to_be_attached()
    return page


def test_a_highlight_and_its_thread_reach_the_other_member_live(
    browser: Browser, base_url: str, team_of_two: tuple[Team, User, User], tmp_path: Path
) -> None:
    """GIVEN an editor (A) and a viewer (B) of one team with the same document open
    WHEN A highlights a phrase with a comment, and B replies
    THEN each sees the other's change without reloading, and the anchor matches the stored text."""
    team, ada, bob = team_of_two
    pdf = write_pdf(tmp_path / "fox.pdf", [PAGE_ONE, "Chapter 2\nThe end."])
    document = _ready_document(team, ada, pdf, title="Foxes")
    path = f"/t/{team.pk}/documents/{document.pk}"
    a = _open(browser, base_url, ada, path)
    b = _open(browser, base_url, bob, path)
    threads_a = a.get_by_role("list", name="Threads")
    threads_b = b.get_by_role("list", name="Threads")

    # The viewer may comment but not highlight.
    assert b.evaluate(SELECT_PHRASE, [PHRASE, LINE])
    expect(b.get_by_role("button", name="Comment")).to_be_visible()
    expect(b.get_by_role("button", name="Highlight yellow")).to_have_count(0)
    b.keyboard.press("Escape")

    assert a.evaluate(SELECT_PHRASE, [PHRASE, LINE])
    expect(a.get_by_role("button", name="Highlight yellow")).to_be_visible()
    a.screenshot(path=str(tmp_path / "popover.png"))
    a.get_by_role("button", name="Comment").click()
    a.get_by_role("combobox", name="Comment").fill("Is this **the same** dog? @Bo")
    a.get_by_role("option", name=re.compile("Bob Viewer")).click()
    a.screenshot(path=str(tmp_path / "composer.png"))
    a.get_by_role("button", name="Save", exact=True).click()
    expect(threads_a.get_by_text("Is this")).to_be_visible()
    expect(a.locator('.reader-page[data-page-number="1"] .annotation-highlight')).to_have_count(1)

    # B: the highlight and the thread arrive over the socket.
    expect(b.locator('.reader-page[data-page-number="1"] .annotation-highlight span').first).to_be_visible()
    thread_b = threads_b.get_by_role("listitem").filter(has_text="Is this")
    expect(thread_b.locator("strong", has_text="the same")).to_be_visible()
    expect(thread_b).to_contain_text("@Bob Viewer")
    expect(thread_b.locator("blockquote")).to_have_text(PHRASE)
    thread_b.get_by_role("button", name="Ada Editor").click()
    thread_b.get_by_role("combobox", name="Reply").fill("Yes, the lazy one.")
    thread_b.get_by_role("button", name="Reply", exact=True).click()
    # In the thread's replies (the reply box may still hold the text for a moment: the websocket event can
    # come before the answer to the POST).
    expect(thread_b.get_by_role("list", name="Replies").get_by_text("Yes, the lazy one.")).to_be_visible()

    # A: the reply arrives too.
    expect(threads_a.get_by_text("Yes, the lazy one.")).to_be_visible()
    a.screenshot(path=str(tmp_path / "annotations-a.png"))
    b.screenshot(path=str(tmp_path / "annotations-b.png"))

    annotation = Annotation.objects.get(document=document)
    assert annotation.kind == Annotation.Kind.HIGHLIGHT
    assert annotation.page_index == 0
    assert annotation.mentions == [str(bob.pk)]
    text = PageText.objects.get(document=document, index=0).text
    quote, position = annotation.anchors["quote"], annotation.anchors["position"]
    assert text[position["start"] : position["end"]] == quote["exact"] == PHRASE
    # The second "the lazy dog" on the page, not the first.
    assert position["start"] == text.index(PHRASE, text.index(LINE))
    assert quote["prefix"] == text[max(0, position["start"] - 32) : position["start"]]
    assert annotation.anchors["rects"], "the highlight has rectangles in PDF points"
    x1, y1, x2, y2 = annotation.anchors["rects"][0]
    assert 0 <= x1 < x2 <= 612
    assert 0 <= y1 < y2 <= 792


def test_highlight_by_dragging_then_note_pin_and_keyboard_navigation(
    browser: Browser, base_url: str, team_of_two: tuple[Team, User, User], tmp_path: Path
) -> None:
    """GIVEN an editor with a document open
    WHEN they drag over text and pick a colour, pin a note with the Note tool, and press j / k
    THEN the highlight is stored on the text dragged over, the note sits where they clicked, and the keys
    move between the two threads."""
    team, ada, _ = team_of_two
    pdf = write_pdf(tmp_path / "fox.pdf", [PAGE_ONE, "Chapter 2\nThe end."])
    document = _ready_document(team, ada, pdf, title="Foxes")
    a = _open(browser, base_url, ada, f"/t/{team.pk}/documents/{document.pk}")
    page_one = a.locator('.reader-page[data-page-number="1"]')

    line = page_one.locator(".textLayer span", has_text="quick brown").first
    box = line.bounding_box()
    assert box is not None
    a.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    a.mouse.down()
    a.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2, steps=5)
    a.mouse.up()
    a.get_by_role("button", name="Highlight green").click()
    highlight = page_one.locator(".annotation-highlight")
    expect(highlight).to_have_count(1)
    a.screenshot(path=str(tmp_path / "highlighted.png"))

    # Stored in PDF points, so it is drawn over the same words at another zoom.
    words, width = _width(line), _width(highlight.locator("span").first)
    a.get_by_role("button", name="Zoom in").click()
    a.wait_for_function(
        "w => document.querySelector('.annotation-highlight span').getBoundingClientRect().width > w * 1.05",
        arg=width,
    )
    zoom = _width(line) / words
    assert zoom > 1.05
    assert _width(highlight.locator("span").first) / width == pytest.approx(zoom, rel=0.05)
    a.get_by_role("combobox", name="Zoom").select_option("auto")

    a.get_by_role("button", name="Note", exact=True).click()
    page_box = page_one.bounding_box()
    assert page_box is not None
    a.mouse.click(page_box["x"] + 100, page_box["y"] + 400)
    a.get_by_role("combobox", name="Note").fill("A note in the margin")
    a.get_by_role("button", name="Save", exact=True).click()
    expect(page_one.get_by_role("button", name="Note by you")).to_be_visible()

    threads = a.get_by_role("list", name="Threads")
    expect(threads.locator(":scope > li")).to_have_count(2)
    a.locator(".reader-viewport").focus()
    a.keyboard.press("k")
    expect(threads.locator(":scope > li").first).to_have_class(re.compile("is-selected"))
    a.keyboard.press("j")
    expect(threads.locator(":scope > li").nth(1)).to_have_class(re.compile("is-selected"))

    # A click on the highlight (through the text layer) opens its thread.
    highlight.locator("span").first.scroll_into_view_if_needed()
    highlight_box = highlight.locator("span").first.bounding_box()
    assert highlight_box is not None
    a.mouse.click(highlight_box["x"] + highlight_box["width"] / 2, highlight_box["y"] + highlight_box["height"] / 2)
    expect(threads.locator(":scope > li").first).to_have_class(re.compile("is-selected"))
    a.screenshot(path=str(tmp_path / "note.png"))

    text = PageText.objects.get(document=document, index=0).text
    stored = Annotation.objects.get(document=document, kind=Annotation.Kind.HIGHLIGHT)
    position = stored.anchors["position"]
    assert stored.color == "green"
    assert text[position["start"] : position["end"]] == stored.anchors["quote"]["exact"]
    assert stored.anchors["quote"]["exact"].startswith("The quick")
    note = Annotation.objects.get(document=document, kind=Annotation.Kind.NOTE)
    assert note.body == "A note in the margin"
    x, y = note.anchors["point"]
    assert 50 < x < 120
    assert 400 < y < 520


def test_a_thread_brings_its_page_into_view_and_private_notes_stay_private(
    browser: Browser, base_url: str, team_of_two: tuple[Team, User, User], tmp_path: Path
) -> None:
    """GIVEN a team note on the last of five pages and a private one of the editor's
    WHEN the viewer opens the document and clicks the team note's thread
    THEN the reader scrolls to page 5 and shows its pin; the private note is nowhere for the viewer."""
    team, ada, bob = team_of_two
    pages = [f"Chapter {n}\nThe reader shows page {n} of five." for n in range(1, 6)]
    document = _ready_document(team, ada, write_pdf(tmp_path / "five.pdf", pages), title="Five")
    membership = Membership.objects.get(team=team, user=ada)
    annotation_create(
        actor=membership,
        document_id=document.pk,
        kind="note",
        page_index=4,
        anchors={"point": [100, 700]},
        body="Last page",
    )
    annotation_create(
        actor=membership,
        document_id=document.pk,
        kind="note",
        page_index=0,
        anchors={"point": [100, 700]},
        body="Only mine",
        visibility="private",
    )
    b = _open(browser, base_url, bob, f"/t/{team.pk}/documents/{document.pk}")
    threads = b.get_by_role("list", name="Threads")
    expect(threads.locator(":scope > li")).to_have_count(1)
    expect(threads).not_to_contain_text("Only mine")

    threads.get_by_role("button", name=re.compile("p. 5")).click()
    pin = b.locator('.reader-page[data-page-number="5"]').get_by_role("button", name="Note by Ada Editor")
    expect(pin).to_be_in_viewport()
    expect(b.get_by_role("toolbar", name="Reader").get_by_role("textbox", name="Page")).to_have_value("5")


SELECT_LINES = """([first, count]) => {
    const layer = document.querySelector('.reader-page[data-page-number="1"] .textLayer');
    const spans = [...layer.querySelectorAll('span')].filter(
        span => span.firstChild?.nodeType === Node.TEXT_NODE && span.textContent.trim().length > 2
    );
    const start = spans[Math.min(first, spans.length - 2)];
    const end = spans[Math.min(first + count, spans.length - 1)];
    const range = document.createRange();
    range.setStart(start.firstChild, 0);
    range.setEnd(end.firstChild, end.firstChild.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    start.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
    return range.toString();
}"""


def _comparable(text: str) -> str:
    """The anchoring's normal form (src/annotations/anchoring.ts): no whitespace or dashes, NFKC."""
    folded = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(
        r"[\s\u00ad\u2010-\u2014\u2212\ufffe\u0002-]", "", folded.replace("\u201c", '"').replace("\u201d", '"')
    )


PROSE = [
    "Abstract. We study the first-order effects of efficient coupling in",
    'a two-level system, where the field\'s "fine structure" matters.',
    "1 Introduction",
    "Light cones bound the region an event can influence; the official",
    "definition differs from the one used in the affine setting [3].",
    "Section 2 derives the coefficients, Section 3 compares them with",
    "experiment, and Section 4 discusses the remaining discrepancy of",
    "about 0.5% between the predicted and the measured fringe shift.",
    "2 Derivation",
    "Let H = H0 + V, with V small. To first order the energy shift is",
    "E1 = <n|V|n>, and the off-diagonal terms fix the mixing ratio.",
    "The fluorescence spectrum then shows two peaks whose separation",
    "grows linearly with the field strength, as in Fig. 1 (left).",
    "3 Comparison with experiment",
    "Measurements at 295 K agree within the uncertainty of the fit;",
    "the residuals show no structure beyond the expected shot noise.",
    "Acknowledgments. We thank the office staff for their patience.",
]


def _generated_paper(path: Path) -> Path:
    return write_pdf(path, ["\n".join(PROSE)])


@pytest.mark.parametrize(
    "name", ["texpub_aps_apssamp.pdf", "texbase_hyperref-doc.pdf", "texpub_elsarticle_elstest-5p.pdf"]
)
def test_selections_in_real_papers_anchor_in_the_stored_text(
    browser: Browser, base_url: str, team_of_two: tuple[Team, User, User], name: str, tmp_path: Path
) -> None:
    """GIVEN a real paper from the corpus (a clone without it: a generated page of the same kind of prose),
    parsed by pdfium
    WHEN several lines of pdf.js's text layer on page 1 are highlighted
    THEN the stored position's slice of the stored text is the quote, and it is the text selected."""
    folder = corpus_dir()
    paper = folder / name if folder and (folder / name).is_file() else _generated_paper(tmp_path / name)
    team, ada, _ = team_of_two
    document = _ready_document(team, ada, paper, title=name)
    a = _open(browser, base_url, ada, f"/t/{team.pk}/documents/{document.pk}")

    selected = a.evaluate(SELECT_LINES, [12, 8])
    a.get_by_role("button", name="Highlight yellow").click()
    expect(a.locator('.reader-page[data-page-number="1"] .annotation-highlight')).to_have_count(1)

    stored = Annotation.objects.get(document=document)
    text = PageText.objects.get(document=document, index=0).text
    position, quote = stored.anchors["position"], stored.anchors["quote"]
    assert text[position["start"] : position["end"]] == quote["exact"]
    assert _comparable(quote["exact"]) == _comparable(selected)
    assert len(stored.anchors["rects"]) >= 1


THREE_PAGES = [PAGE_ONE, "Chapter 2\nThe middle.", "Chapter 3\nThe end of the story."]


def _go_to_page(page: Page, number: int) -> None:
    field = page.get_by_role("toolbar", name="Reader").get_by_role("textbox", name="Page")
    field.fill(str(number))
    field.press("Enter")
    expect(field).to_have_value(str(number))


def test_presence_avatars_follow_the_other_reader_and_go_when_their_tab_closes(
    browser: Browser, base_url: str, team_of_two: tuple[Team, User, User], tmp_path: Path
) -> None:
    """GIVEN an editor (A) with a document open
    WHEN the viewer (B) opens it, turns to page 3, and closes the tab
    THEN A's header shows B's avatar on page 1, then on page 3 (a click on it takes A there), then none."""
    team, ada, bob = team_of_two
    document = _ready_document(team, ada, write_pdf(tmp_path / "three.pdf", THREE_PAGES), title="Three")
    path = f"/t/{team.pk}/documents/{document.pk}"
    a = _open(browser, base_url, ada, path)
    others = a.get_by_role("list", name="Also reading")
    expect(others).to_have_count(0)

    b = _open(browser, base_url, bob, path)
    expect(others.get_by_role("button", name="Bob Viewer — page 1")).to_be_visible()
    expect(others.get_by_role("button")).to_have_count(1)
    expect(others.get_by_role("button")).to_have_text("BV")
    # B sees A too, not themself.
    expect(b.get_by_role("list", name="Also reading").get_by_role("button", name="Ada Editor — page 1")).to_be_visible()

    _go_to_page(b, 3)
    bob_on_three = others.get_by_role("button", name="Bob Viewer — page 3")
    expect(bob_on_three).to_be_visible()
    a.screenshot(path=str(tmp_path / "presence.png"))
    bob_on_three.click()
    expect(a.get_by_role("toolbar", name="Reader").get_by_role("textbox", name="Page")).to_have_value("3")

    b.context.close()
    expect(others).to_have_count(0, timeout=10_000)


def test_a_mention_rings_the_bell_live_and_opens_the_thread(
    browser: Browser, base_url: str, team_of_two: tuple[Team, User, User], tmp_path: Path
) -> None:
    """GIVEN the viewer (B) in the library and the editor (A) reading a document
    WHEN A pins a note on page 3 mentioning B
    THEN B's bell counts 1 without a reload, and its entry opens the reader at page 3 with the thread
    selected, read from then on."""
    team, ada, bob = team_of_two
    document = _ready_document(team, ada, write_pdf(tmp_path / "three.pdf", THREE_PAGES), title="Foxes")
    b = browser.new_context(base_url=base_url).new_page()
    _log_in(b, bob)
    b.goto(f"/t/{team.pk}/library")
    bell = b.get_by_role("button", name=re.compile("^Notifications"))
    expect(bell).to_have_accessible_name("Notifications")

    a = _open(browser, base_url, ada, f"/t/{team.pk}/documents/{document.pk}")
    _go_to_page(a, 3)
    page_three = a.locator('.reader-page[data-page-number="3"]')
    expect(page_three).to_have_attribute("data-status", "drawn")
    a.get_by_role("button", name="Note", exact=True).click()
    box = page_three.bounding_box()
    assert box is not None
    a.mouse.click(box["x"] + 120, box["y"] + 200)
    a.get_by_role("combobox", name="Note").fill("Have a look @Bo")
    a.get_by_role("option", name=re.compile("Bob Viewer")).click()
    a.get_by_role("button", name="Save", exact=True).click()
    expect(page_three.get_by_role("button", name="Note by you")).to_be_visible()

    expect(bell).to_have_accessible_name("Notifications, 1 unread")
    expect(b.get_by_test_id("notification-count")).to_have_text("1")
    bell.click()
    entry = b.get_by_role("region", name="Mentions").get_by_role("button", name=re.compile("Ada Editor mentioned you"))
    expect(entry).to_contain_text("Foxes")
    expect(entry).to_contain_text("Have a look @Bob Viewer")
    b.screenshot(path=str(tmp_path / "bell.png"))
    entry.click()

    expect(b).to_have_url(re.compile(f"/t/{team.pk}/documents/{document.pk}"))
    thread = b.get_by_role("list", name="Threads").locator(":scope > li", has_text="Have a look")
    expect(thread).to_have_class(re.compile("is-selected"))
    expect(b.get_by_role("toolbar", name="Reader").get_by_role("textbox", name="Page")).to_have_value("3")
    pin = b.locator('.reader-page[data-page-number="3"]').get_by_role("button", name="Note by Ada Editor")
    expect(pin).to_be_in_viewport()
    expect(bell).to_have_accessible_name("Notifications")
    b.screenshot(path=str(tmp_path / "opened.png"))


def test_an_editor_draws_an_area_that_stays_on_its_place_at_any_zoom(
    browser: Browser, base_url: str, team_of_two: tuple[Team, User, User], tmp_path: Path
) -> None:
    """GIVEN an editor with a document open
    WHEN they turn the Area tool on and drag a rectangle on page 1, with a comment
    THEN an area annotation is stored with that rectangle in PDF points and drawn as an outlined box
    that grows with the zoom."""
    team, ada, _ = team_of_two
    document = _ready_document(
        team, ada, write_pdf(tmp_path / "fox.pdf", [PAGE_ONE, "Chapter 2\nThe end."]), title="Fox"
    )
    a = _open(browser, base_url, ada, f"/t/{team.pk}/documents/{document.pk}")
    area_tool = a.get_by_role("toolbar", name="Reader").get_by_role("button", name="Area", exact=True)
    a.locator(".reader-viewport").focus()
    a.keyboard.press("a")
    expect(area_tool).to_have_attribute("aria-pressed", "true")
    a.keyboard.press("Escape")
    expect(area_tool).to_have_attribute("aria-pressed", "false")
    area_tool.click()
    expect(area_tool).to_have_attribute("aria-pressed", "true")

    page_one = a.locator('.reader-page[data-page-number="1"]')
    box = page_one.bounding_box()
    assert box is not None
    a.mouse.move(box["x"] + 100, box["y"] + 100)
    a.mouse.down()
    a.mouse.move(box["x"] + 200, box["y"] + 180, steps=4)
    a.mouse.move(box["x"] + 300, box["y"] + 250, steps=4)
    a.mouse.up()
    a.get_by_role("combobox", name="Comment on the area").fill("The opening lines")
    a.get_by_role("button", name="Save area").click()
    area = page_one.locator(".annotation-highlight.is-area span")
    expect(area).to_have_count(1)
    expect(area_tool).to_have_attribute("aria-pressed", "false")
    expect(a.get_by_role("list", name="Threads").get_by_text("The opening lines")).to_be_visible()
    a.screenshot(path=str(tmp_path / "area.png"))

    stored = Annotation.objects.get(document=document)
    assert stored.kind == Annotation.Kind.AREA
    assert stored.body == "The opening lines"
    [[x1, y1, x2, y2]] = stored.anchors["rects"]
    points = 612 / box["width"]  # PDF points per CSS pixel at this zoom
    assert x1 == pytest.approx(100 * points, abs=1.5)
    assert x2 == pytest.approx(300 * points, abs=1.5)
    assert y2 == pytest.approx(792 - 100 * points, abs=1.5)
    assert y1 == pytest.approx(792 - 250 * points, abs=1.5)

    width = _width(area)
    assert width == pytest.approx(200, abs=2)
    a.get_by_role("button", name="Zoom in").click()
    a.wait_for_function(
        "w => document.querySelector('.annotation-highlight.is-area span').getBoundingClientRect().width > w * 1.05",
        arg=width,
    )
    zoomed = _width(page_one) / box["width"]
    assert _width(area) / width == pytest.approx(zoomed, rel=0.03)
