"""PDFs made for tests with pypdf: real text in a standard font, metadata, outlines -- and hostile files.

Tests never depend on a corpus folder: everything they parse is written here, into a temporary folder.
"""

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

LETTER = (612.0, 792.0)


@dataclass
class Bookmark:
    title: str
    page: int
    children: list["Bookmark"] = field(default_factory=list)


def write_pdf(
    path: Path,
    pages: Sequence[str] = ("Hello, world.",),
    *,
    metadata: Mapping[str, str] | None = None,
    outline: Sequence[Bookmark] = (),
    rotations: Mapping[int, int] | None = None,
    sizes: Mapping[int, tuple[float, float]] | None = None,
    image_only: Sequence[int] = (),
    user_password: str | None = None,
) -> Path:
    """A PDF with one page per entry of ``pages``, each showing its text (lines split on newlines) in
    Helvetica. Pages listed in ``image_only`` show a grey image instead, like a scan without OCR."""
    writer = PdfWriter()
    for index, text in enumerate(pages):
        width, height = (sizes or {}).get(index, LETTER)
        page = writer.add_blank_page(width=width, height=height)
        if index in image_only:
            page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): _gray_image(writer)})
            _set_contents(writer, page, b"q 400 0 0 500 100 150 cm /Im0 Do Q")
        else:
            page[NameObject("/Resources")] = _helvetica()
            _set_contents(writer, page, text_operators(text))
        if rotations and index in rotations:
            page.rotate(rotations[index])
    if metadata:
        writer.add_metadata(dict(metadata))
    _add_outline(writer, outline, parent=None)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    writer.write(path)
    return path


def text_operators(text: str) -> bytes:
    """``BT /F1 12 Tf 72 720 Td (line) Tj T* (line) Tj ... ET`` for the lines of ``text``."""
    lines = [_pdf_string(line) for line in text.split("\n")]
    return b"BT /F1 12 Tf 14 TL 72 720 Td " + b" T* ".join(line + b" Tj" for line in lines) + b" ET"


def break_first_bookmark(path: Path) -> Path:
    """Point the first outline entry at an object that does not exist (a destination left behind by an
    editor that deleted the page)."""
    writer = PdfWriter(clone_from=path)
    outlines = _dictionary(writer.root_object["/Outlines"])
    first = _dictionary(outlines["/First"])
    missing_page = IndirectObject(len(writer.pages) + 10_000, 0, writer)  # an object number nobody uses
    first[NameObject("/Dest")] = ArrayObject([missing_page, NameObject("/Fit")])
    writer.write(path)
    return path


# --- hostile files ---------------------------------------------------------------------------------


def page_bomb(path: Path, *, pages: int) -> Path:
    """A few hundred bytes per thousand pages: one page object listed ``pages`` times in the page tree."""
    write_pdf(path, ["The same page, again and again."])
    writer = PdfWriter(clone_from=path)
    tree = _dictionary(writer.root_object["/Pages"])
    page = tree.raw_get("/Kids")[0]  # the reference, not the page it points to
    tree[NameObject("/Kids")] = ArrayObject([page] * pages)
    tree[NameObject("/Count")] = NumberObject(pages)
    writer.write(path)
    return path


def decompression_bomb(path: Path, *, megabytes: int, pages: int) -> Path:
    """A content stream of ``megabytes`` MB of spaces, Flate-compressed ~1000:1, drawn by every page."""
    compressor = zlib.compressobj(9)
    block = b" " * (1 << 20)
    data = b"".join(compressor.compress(block) for _ in range(megabytes)) + compressor.flush()
    writer = PdfWriter()
    stream = StreamObject()
    stream.set_data(data)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    shared = writer._add_object(stream)  # pypdf has no public way to share one stream between pages
    for _ in range(pages):
        writer.add_blank_page(width=LETTER[0], height=LETTER[1])[NameObject("/Contents")] = shared
    writer.write(path)
    return path


def xobject_fan_out(path: Path, *, depth: int, width: int, pages: int) -> Path:
    """Form XObjects that each draw the next one ``width`` times, ``depth`` deep: a few KB that make a
    reader draw ``width ** depth`` forms per page."""
    writer = PdfWriter()
    inner: IndirectObject | None = None
    for _ in range(depth):
        form = StreamObject()
        form.set_data(b"q Q" if inner is None else b"/X Do " * width)
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = ArrayObject(
            [NumberObject(0), NumberObject(0), NumberObject(612), NumberObject(792)]
        )
        if inner is not None:
            form[NameObject("/Resources")] = DictionaryObject(
                {NameObject("/XObject"): DictionaryObject({NameObject("/X"): inner})}
            )
        inner = writer._add_object(form)  # forms are streams, which must be indirect objects
    assert inner is not None
    for _ in range(pages):
        page = writer.add_blank_page(width=LETTER[0], height=LETTER[1])
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): DictionaryObject({NameObject("/X"): inner})}
        )
        _set_contents(writer, page, b"/X Do " * width)
    writer.write(path)
    return path


def text_in_a_form(path: Path, text: str) -> Path:
    """One page whose only content draws a form XObject, which shows ``text``: text a page draws only
    through a form, as some producers write every page."""
    writer = PdfWriter()
    form = StreamObject()
    form.set_data(text_operators(text))
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(612), NumberObject(792)]),
            NameObject("/Resources"): _helvetica(),
        }
    )
    page = writer.add_blank_page(width=LETTER[0], height=LETTER[1])
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Fm0"): writer._add_object(form)})}
    )
    _set_contents(writer, page, b"q /Fm0 Do Q")
    writer.write(path)
    return path


def nul_metadata(path: Path) -> Path:
    """Metadata with NUL bytes and a lone surrogate (UTF-16 cut in half) -- PostgreSQL rejects both."""
    write_pdf(path, ["Body text."])
    writer = PdfWriter(clone_from=path)
    writer.add_metadata({"/Title": "Null\x00 and void", "/Author": "Ada\x00 Lovelace"})
    info = writer._info  # add_metadata writes every value as text; this one must reach the file as bytes
    assert info is not None
    # UTF-16BE with its BOM, then a high surrogate with no low one, then "A".
    info[NameObject("/Subject")] = ByteStringObject(b"\xfe\xff\xd8\x00\x00A")
    writer.write(path)
    return path


def catalog_missing_from_trailer(path: Path, *, objects_before: int) -> Path:
    """A one-page PDF whose trailer has no ``/Root``: its catalog comes after ``objects_before`` other
    objects, each listed in the cross-reference table. pdfium and pypdf go looking for the catalog."""
    bodies = [b"0"] * objects_before
    catalog = objects_before + 1
    bodies += [
        b"<< /Type /Catalog /Pages %d 0 R >>" % (catalog + 1),
        b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (catalog + 2),
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] >>" % (catalog + 1),
    ]
    data = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    path.write_bytes(bytes(data))
    return path


# --- helpers ---------------------------------------------------------------------------------------


def _dictionary(value: PdfObject | None) -> DictionaryObject:
    resolved = value.get_object() if value is not None else None
    assert isinstance(resolved, DictionaryObject)
    return resolved


def _helvetica() -> DictionaryObject:
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    return DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})


def _gray_image(writer: PdfWriter) -> DictionaryObject:
    image = StreamObject()
    image.set_data(bytes([90, 160, 160, 90]))
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(2),
            NameObject("/Height"): NumberObject(2),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    return DictionaryObject({NameObject("/Im0"): writer._add_object(image)})


def _set_contents(writer: PdfWriter, page: PageObject, operators: bytes) -> None:
    content = ContentStream(None, writer)
    content.set_data(operators)
    page.replace_contents(content)


def _add_outline(writer: PdfWriter, bookmarks: Sequence[Bookmark], parent: IndirectObject | None) -> None:
    for bookmark in bookmarks:
        item = writer.add_outline_item(title=bookmark.title, page_number=bookmark.page, parent=parent)
        _add_outline(writer, bookmark.children, parent=item)


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252") + b")"
