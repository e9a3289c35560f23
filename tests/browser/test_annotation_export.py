"""A highlight dragged over a page break, and the annotated PDF made by the worker and downloaded from the
reader's Export menu."""

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from annotations.exports import annotation_urn
from annotations.models import Annotation
from documents.models import Page as PageText
from teams.roles import Role
from tests.browser.test_annotations import _open
from tests.browser.test_reader import _ready_document
from tests.documents.pdfs import write_pdf
from tests.factories import MembershipFactory, UserFactory, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["Results\nThe fringes moved by half a", "period when the mirror moved.\nDiscussion follows."]

# From "moved" on page 1 to the end of "period" on page 2, as a reader's drag over the break selects.
SELECT_OVER_THE_BREAK = """() => {
    const find = (number, word) => {
        const layer = document.querySelector(`.reader-page[data-page-number="${number}"] .textLayer`);
        const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(word);
            if (at !== -1) return [node, at];
        }
        throw new Error(`${word} is not on page ${number}`);
    };
    const [first, start] = find(1, 'moved');
    const [last, end] = find(2, 'period');
    const range = document.createRange();
    range.setStart(first, start);
    range.setEnd(last, end + 'period'.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    last.parentElement.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
}"""


def test_a_highlight_over_a_page_break_then_the_annotated_pdf(
    browser: Browser, base_url: str, celery_worker: Any, tmp_path: Path
) -> None:
    """GIVEN an editor reading a two-page document
    WHEN they select from the end of page 1 into page 2 and highlight it, then export the PDF
    THEN the highlight is drawn on both pages and stored with its continuation, and the menu says
    "Preparing PDF…" until the worker has written the copy, which downloads with a /Highlight on each page."""
    team = make_team(name="Optics")
    ada = MembershipFactory.create(team=team, user=UserFactory.create(display_name="Ada"), role=Role.EDITOR).user
    document = _ready_document(team, ada, write_pdf(tmp_path / "paper.pdf", PAGES), title="Paper")
    a = _open(browser, base_url, ada, f"/t/{team.pk}/documents/{document.pk}")
    a.get_by_role("combobox", name="Zoom").select_option("0.5")  # both pages on screen, so both drawn
    expect(a.locator('.reader-page[data-page-number="2"] .textLayer span').first).to_be_attached()

    a.evaluate(SELECT_OVER_THE_BREAK)
    a.get_by_role("button", name="Highlight yellow").click()

    for number in (1, 2):
        expect(a.locator(f'.reader-page[data-page-number="{number}"] .annotation-highlight')).to_have_count(1)
    stored = Annotation.objects.get(document=document)
    first, second = (PageText.objects.get(document=document, index=index).text for index in (0, 1))
    anchors = stored.anchors
    assert (stored.page_index, anchors["page_end"]) == (0, 1)
    assert first[anchors["position"]["start"] :].startswith("moved by half a")
    assert second[: anchors["position"]["end"]] == "period"
    assert anchors["quote"]["exact"].split("\n")[-1] == "period"
    assert [part["page_index"] for part in anchors["continued"]] == [1]
    assert anchors["rects"]
    assert anchors["continued"][0]["rects"]

    a.locator(".reader-header").get_by_text("Export", exact=True).click()
    with a.expect_download(timeout=60_000) as download:
        a.get_by_role("button", name="PDF with annotations").click()
        expect(a.locator(".reader-header").get_by_text("Preparing PDF…").first).to_be_visible()
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = []
    for index in (0, 1):
        marks = [annot.get_object() for annot in reader.pages[index].annotations or []]
        names += [str(mark["/NM"]) for mark in marks if mark["/Subtype"] == "/Highlight"]
    assert names == [annotation_urn(stored.pk), f"{annotation_urn(stored.pk)}#page=2"]
