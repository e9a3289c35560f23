"""The annotated-PDF writer (``documents.parsing.annotating``), in its sandbox as the export runs it."""

from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents.parsing import ErrorCode, Limits, ParseError, PdfMark, annotate_in_subprocess
from tests.documents import pdfs


def _mark(page_index: int, kind: str = "highlight", contents: str = "") -> PdfMark:
    return PdfMark(
        page_index=page_index,
        kind=kind,
        rects=[[72.0, 700.0, 180.0, 712.0]],
        point=[100.0, 200.0] if kind == "note" else None,
        rgb=[1.0, 0.92, 0.23],
        contents=contents,
        author="Ada",
        name=f"urn:test:{page_index}:{kind}",
        created="D:20250301100000Z",
        modified="D:20250301100000Z",
    )


def _broken(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n%%EOF")
    return path


def test_the_marks_are_written_on_their_pages_in_the_sandbox(tmp_path: Path) -> None:
    source = pdfs.write_pdf(tmp_path / "in.pdf", ["One.", "Two."])
    marks = [_mark(0, contents="Look"), _mark(1, "note", contents="A note"), _mark(7)]  # no page 8: skipped

    written = annotate_in_subprocess(source, tmp_path / "out.pdf", marks)

    assert written == 2
    reader = PdfReader(tmp_path / "out.pdf")
    first = [annot.get_object() for annot in reader.pages[0].annotations or []]
    second = [annot.get_object() for annot in reader.pages[1].annotations or []]
    assert [str(annot["/Subtype"]) for annot in first] == ["/Highlight", "/Popup"]
    assert [str(annot["/Subtype"]) for annot in second] == ["/Text", "/Popup"]
    assert str(first[0]["/NM"]) == "urn:test:0:highlight"
    assert [float(value) for value in first[0]["/QuadPoints"]] == pytest.approx(
        [72.0, 712.0, 180.0, 712.0, 72.0, 700.0, 180.0, 700.0]
    )


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda path: pdfs.write_pdf(path, ["a", "b", "c"]), ErrorCode.TOO_MANY_PAGES),
        (lambda path: pdfs.write_pdf(path, ["Secret."], user_password="pw"), ErrorCode.ENCRYPTED),
        (_broken, ErrorCode.CORRUPT),
    ],
)
def test_a_file_that_cannot_be_annotated_is_a_parse_error(
    tmp_path: Path, make: Callable[[Path], Path], code: ErrorCode
) -> None:
    with pytest.raises(ParseError) as raised:
        annotate_in_subprocess(make(tmp_path / "in.pdf"), tmp_path / "out.pdf", [_mark(0)], Limits(max_pages=2))
    assert raised.value.code == code
