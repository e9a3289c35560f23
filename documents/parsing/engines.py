"""The two PDF libraries behind one protocol: pdfium reads documents, pypdf is the fallback.

Measured on the corpus (``make bench``): pdfium extracts text 14-17x faster than pypdf, and it reads the
document's structure -- page count, page boxes, outline, information dictionary -- in C as well, while
pypdf must first parse every object stream its page tree touches: as long as pdfium's whole extraction.
So pdfium is the engine for everything, and pypdf is used where pdfium fails: for a whole file pdfium
cannot open, and for single pages where pdfium finds (almost) no text but pypdf does (CID fonts without a
usable ToUnicode map are the known case). Swapping the roles is one argument of ``parse_pdf``.

Engines return text as the library gives it; the parser cleans it. Outline titles are cleaned here because
the tree is built here.
"""

import ctypes
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PasswordType
from pypdf.generic import Destination, IndirectObject

from .cleaning import MIN_VISIBLE_CHARS, clean_line, visible_char_count
from .errors import ErrorCode, ParseError
from .results import Limits, OutlineItem

MAX_OUTLINE_ITEMS = 10_000
MAX_OUTLINE_DEPTH = 32
ROOT_SEARCH_BYTES = 1 << 30
"""How much of the file pypdf may scan looking for a catalog the trailer does not point to. Each object it
tries that is missing from the cross-reference table costs a scan of the whole file: on a broken 10 MB file,
its default (10,000 objects) took 38 s. The budget gives that file 100 objects, a 1 MB one 1,000."""

RawMetadata = dict[str, str]
"""Information-dictionary values as the library decoded them, under the keys ``title``, ``author``,
``subject``, ``keywords``, ``created``, ``creator`` and ``producer`` (missing keys are absent)."""


@dataclass(frozen=True, slots=True)
class PageContent:
    width: float
    height: float
    rotation: int
    text: str
    text_objects: int | None = None
    """How many text objects the page draws, counted only when the library found (almost) no text -- and
    then only up to one more than the visible characters it found. None: not known."""
    markup_annotations: int | None = None
    """Highlight-like and note annotations on the page (what ``embedded`` imports). None: not known."""


class CannotOpen(Exception):
    """This library cannot read the file (for a reason other than a password); another one may."""


class PdfEngine(Protocol):
    """One open document, read through one library. Methods may raise anything the library raises."""

    name: str

    def page_count(self) -> int: ...

    def metadata(self) -> RawMetadata: ...

    def outline(self, *, warnings: list[str]) -> list[OutlineItem]:
        """The bookmark tree: at most ``MAX_OUTLINE_ITEMS`` entries, ``MAX_OUTLINE_DEPTH`` deep; what was cut is
        said in ``warnings``."""
        ...

    def page(self, index: int) -> PageContent: ...

    def close(self) -> None: ...


EngineOpener = Callable[[Path], PdfEngine]
"""Opens ``path`` or raises ``CannotOpen``, or ``ParseError(ENCRYPTED)`` when it needs a password."""


def normalise_rotation(degrees: int) -> int:
    """``/Rotate`` as 0, 90, 180 or 270; values that are not a multiple of 90 are invalid and ignored."""
    return degrees % 360 if degrees % 90 == 0 else 0


# --- pdfium ----------------------------------------------------------------------------------------

_PDFIUM_METADATA_KEYS = {
    "title": "Title",
    "author": "Author",
    "subject": "Subject",
    "keywords": "Keywords",
    "created": "CreationDate",
    "creator": "Creator",
    "producer": "Producer",
}


class PdfiumEngine:
    name = "pdfium"

    def __init__(self, pdf: Any) -> None:
        self._pdf = pdf

    @classmethod
    def open(cls, path: Path) -> "PdfiumEngine":
        """pdfium tries the empty user password by itself, so only a real password fails here."""
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as error:
            if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
                raise ParseError(ErrorCode.ENCRYPTED, "The PDF is protected by a password.") from error
            raise CannotOpen(str(error)) from error
        return cls(pdf)

    def page_count(self) -> int:
        return len(self._pdf)

    def metadata(self) -> RawMetadata:
        values = {key: self._metadata_value(pdf_key) for key, pdf_key in _PDFIUM_METADATA_KEYS.items()}
        return {key: value for key, value in values.items() if value}

    def _metadata_value(self, pdf_key: str) -> str:
        return _utf16_text(functools.partial(pdfium_c.FPDF_GetMetaText, self._pdf, pdf_key.encode("ascii") + b"\0"))

    def outline(self, *, warnings: list[str]) -> list[OutlineItem]:
        # get_toc walks the tree depth-first, stops at cycles and at max_depth, and gives each bookmark's level.
        roots: list[OutlineItem] = []
        open_parents: list[OutlineItem] = []  # open_parents[level] is the last item seen at that level
        for count, bookmark in enumerate(self._pdf.get_toc(max_depth=MAX_OUTLINE_DEPTH)):
            if count == MAX_OUTLINE_ITEMS:
                warnings.append(f"The outline was cut at {MAX_OUTLINE_ITEMS} entries.")
                break
            title = _utf16_text(functools.partial(pdfium_c.FPDFBookmark_GetTitle, bookmark.raw))
            item = OutlineItem(title=clean_line(title) or "", page_index=self._bookmark_page_index(bookmark))
            del open_parents[bookmark.level :]
            (open_parents[-1].children if open_parents else roots).append(item)
            open_parents.append(item)
        return roots

    def _bookmark_page_index(self, bookmark: Any) -> int | None:
        """The page a bookmark opens, from its ``/Dest`` or from a ``/GoTo`` action (hyperref writes those)."""
        dest = pdfium_c.FPDFBookmark_GetDest(self._pdf, bookmark)
        if not dest:
            action = pdfium_c.FPDFBookmark_GetAction(bookmark)
            if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_GOTO:
                return None
            dest = pdfium_c.FPDFAction_GetDest(self._pdf, action)
            if not dest:
                return None
        index = int(pdfium_c.FPDFDest_GetDestPageIndex(self._pdf, dest))
        return index if index >= 0 else None

    def page(self, index: int) -> PageContent:
        # pdfium's own functions, not pypdfium2's page and text-page objects: those register finalizers and
        # weak references for every page, and their get_text_bounded runs the extraction twice (once only
        # to size the buffer). Under cProfile the corpus's parse now costs less than pypdfium2's own
        # extraction loop (3.87 against 3.96 s).
        page = pdfium_c.FPDF_LoadPage(self._pdf.raw, index)
        if not page:
            raise pdfium.PdfiumError(f"pdfium cannot load page {index + 1}.")
        try:
            text = _bounded_text(page)
            quarter_turns = int(pdfium_c.FPDFPage_GetRotation(page))  # -1: unknown
            rotation = normalise_rotation(quarter_turns * 90) if quarter_turns > 0 else 0
            # pdfium gives the size as displayed, after rotation
            width, height = float(pdfium_c.FPDF_GetPageWidthF(page)), float(pdfium_c.FPDF_GetPageHeightF(page))
            if rotation in (90, 270):
                width, height = height, width
            visible = visible_char_count(text, at_most=MIN_VISIBLE_CHARS)
            return PageContent(
                width=width,
                height=height,
                rotation=rotation,
                text=text,
                text_objects=_count_text_objects(page, up_to=visible + 1) if visible < MIN_VISIBLE_CHARS else None,
                markup_annotations=_count_markup_annotations(page),
            )
        finally:
            pdfium_c.FPDF_ClosePage(page)

    def close(self) -> None:
        self._pdf.close()


def _utf16_text(read: Callable[[Any, int], int]) -> str:
    """A string pdfium writes as UTF-16LE into a buffer (called once for the size, once to fill it).

    Decoded with ``surrogatepass``: a lone surrogate in a title must not fail the parse (pypdfium2's own
    getters decode strictly); the parser's cleaning removes it.
    """
    size = int(read(None, 0))
    if size <= 2:  # just the terminating NUL
        return ""
    buffer = ctypes.create_string_buffer(size)
    read(buffer, size)
    return buffer.raw[: (size - 2) & ~1].decode("utf-16-le", "surrogatepass")


def _bounded_text(page: Any, *, units: int | None = None) -> str:
    """The text inside the page's box, as pypdfium2's ``get_text_bounded`` gives it, in one pass: the buffer
    (``units`` UTF-16 code units) is sized from the page's character count by default -- pdfium counts the
    spaces and line breaks it inserts among them -- and only a text that fills it is asked for again at
    its exact size.

    (pypdfium2 sizes its buffer in characters, so a page with characters outside the BMP, like the math
    alphabets, loses some of its text there; not here.)"""
    textpage = pdfium_c.FPDFText_LoadPage(page)
    if not textpage:
        raise pdfium.PdfiumError("pdfium cannot load the page's text.")
    try:
        box = pdfium_c.FS_RECTF()
        if not pdfium_c.FPDF_GetPageBoundingBox(page, box):
            raise pdfium.PdfiumError("pdfium cannot get the page's box.")
        chars = int(pdfium_c.FPDFText_CountChars(textpage))
        if chars <= 0:
            return ""
        bounds = (textpage, box.left, box.top, box.right, box.bottom)
        size = 2 * chars + 16 if units is None else units  # a character outside the BMP takes two units
        buffer = (ctypes.c_ushort * size)()
        written = int(pdfium_c.FPDFText_GetBoundedText(*bounds, buffer, size))
        if written >= size:  # maybe cut short
            size = int(pdfium_c.FPDFText_GetBoundedText(*bounds, None, 0))
            buffer = (ctypes.c_ushort * size)()
            written = int(pdfium_c.FPDFText_GetBoundedText(*bounds, buffer, size))
        if written > 0 and buffer[written - 1] == 0:  # the count includes the terminating NUL
            written -= 1
        return ctypes.string_at(buffer, 2 * max(0, written)).decode("utf-16-le", "ignore")
    finally:
        pdfium_c.FPDFText_ClosePage(textpage)


def _count_text_objects(page: Any, *, up_to: int) -> int:
    """Text objects on ``page`` and in the forms it draws (one level down), counting stops at ``up_to``.

    A page without any (blank, or a scan without OCR) has no text for pypdf to find either: counting them
    saves opening pypdf, whose page tree costs as much as pdfium's whole extraction on a long document.
    """
    count = 0
    for index in range(max(0, int(pdfium_c.FPDFPage_CountObjects(page)))):
        if count >= up_to:
            break
        found = pdfium_c.FPDFPage_GetObject(page, index)
        kind = pdfium_c.FPDFPageObj_GetType(found) if found else None
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            count += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            for inner in range(max(0, int(pdfium_c.FPDFFormObj_CountObjects(found)))):
                if count >= up_to:
                    break
                drawn = pdfium_c.FPDFFormObj_GetObject(found, inner)
                count += bool(drawn) and pdfium_c.FPDFPageObj_GetType(drawn) == pdfium_c.FPDF_PAGEOBJ_TEXT
    return min(count, up_to)


_MARKUP_SUBTYPES = frozenset(
    {
        pdfium_c.FPDF_ANNOT_HIGHLIGHT,
        pdfium_c.FPDF_ANNOT_UNDERLINE,
        pdfium_c.FPDF_ANNOT_SQUIGGLY,
        pdfium_c.FPDF_ANNOT_STRIKEOUT,
        pdfium_c.FPDF_ANNOT_TEXT,
        pdfium_c.FPDF_ANNOT_FREETEXT,
    }
)


def _count_markup_annotations(page: Any) -> int:
    """The page's annotations of the kinds ``embedded`` imports. Most papers carry only links, so knowing
    this from the parse spares them a second download and reading of the file (the import task). It costs
    ~10 µs an annotation, links included: ~3 ms for a paper full of references, ~6% of the parse on the
    corpus, against ~35 ms for the import it saves."""
    count = 0
    for index in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
        annotation = pdfium_c.FPDFPage_GetAnnot(page, index)
        if annotation:
            count += pdfium_c.FPDFAnnot_GetSubtype(annotation) in _MARKUP_SUBTYPES
            pdfium_c.FPDFPage_CloseAnnot(annotation)
    return count


# --- pypdf -----------------------------------------------------------------------------------------

_PYPDF_METADATA_KEYS = {
    "title": "/Title",
    "author": "/Author",
    "subject": "/Subject",
    "keywords": "/Keywords",
    "created": "/CreationDate",
    "creator": "/Creator",
    "producer": "/Producer",
}


@contextmanager
def pypdf_limits(limits: Limits) -> Iterator[None]:
    """pypdf's per-stream limits lowered to ``limits.max_stream_bytes``, for the current context only.

    Its defaults (75 MB per decoded stream) are far above any real page. The jbig2dec binary is switched
    off: a parser of untrusted files starts no programs.
    """
    cap = limits.max_stream_bytes
    with pypdf.apply_configuration(
        maximum_declared_stream_length=cap,
        array_based_stream_maximum_output_length=cap,
        jbig2_maximum_output_length=cap,
        lzw_maximum_output_length=cap,
        run_length_maximum_output_length=cap,
        zlib_maximum_output_length=cap,
        brotli_maximum_output_length=cap,
        image_maximum_buffer_size=cap,
        stream_decoding_work_maximum_length=4 * cap,
        outline_maximum_entries=MAX_OUTLINE_ITEMS,
        outline_maximum_depth=MAX_OUTLINE_DEPTH,
        jbig2dec_binary=None,
        disable_legacy_handling=True,
    ):
        yield


class PypdfEngine:
    name = "pypdf"

    def __init__(self, reader: pypdf.PdfReader) -> None:
        self._reader = reader

    @classmethod
    def open(cls, path: Path) -> "PypdfEngine":
        try:
            recovery = max(16, min(10_000, ROOT_SEARCH_BYTES // max(1, path.stat().st_size)))
            reader = pypdf.PdfReader(path, root_object_recovery_limit=recovery)
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise ParseError(ErrorCode.ENCRYPTED, "The PDF is protected by a password.")
            reader.root_object  # noqa: B018 -- a catalog the trailer misses is searched for now, within the budget
        except (ParseError, MemoryError):
            raise
        except Exception as error:
            raise CannotOpen(f"{type(error).__name__}: {error}") from error
        return cls(reader)

    def page_count(self) -> int:
        return len(self._reader.pages)

    def metadata(self) -> RawMetadata:
        info = self._reader.metadata
        if info is None:
            return {}
        values = {key: _pdf_string(info.get(pdf_key)) for key, pdf_key in _PYPDF_METADATA_KEYS.items()}
        return {key: value for key, value in values.items() if value}

    def outline(self, *, warnings: list[str]) -> list[OutlineItem]:
        left = MAX_OUTLINE_ITEMS

        def build(entries: list[Any], depth: int) -> list[OutlineItem]:
            # pypdf gives [item, [its children...], item, ...]: a list follows the item it belongs to.
            nonlocal left
            items: list[OutlineItem] = []
            for entry in entries:
                if isinstance(entry, list):
                    if items and depth < MAX_OUTLINE_DEPTH:
                        items[-1].children.extend(build(entry, depth + 1))
                elif isinstance(entry, Destination) and left > 0:
                    left -= 1
                    items.append(OutlineItem(title=clean_line(entry.title) or "", page_index=self._page_of(entry)))
            return items

        roots = build(self._reader.outline, 0)
        if left == 0:
            warnings.append(f"The outline may have been cut at {MAX_OUTLINE_ITEMS} entries.")
        return roots

    def _page_of(self, destination: Destination) -> int | None:
        try:
            index = self._reader.get_destination_page_number(destination)
        except Exception:  # noqa: BLE001 -- a broken destination is tolerated: the entry just has no page
            return None
        return index if index is not None and index >= 0 else None

    def page(self, index: int) -> PageContent:
        page = self._reader.pages[index]
        box = page.cropbox
        return PageContent(
            width=float(box.width),
            height=float(box.height),
            rotation=normalise_rotation(int(page.rotation)),
            text=page.extract_text(),
        )

    def close(self) -> None:
        self._reader.close()


def _pdf_string(value: object) -> str | None:
    """A text string as pypdf decoded it; a byte string (no BOM, not PDFDocEncoding) read as Latin-1."""
    if isinstance(value, IndirectObject):
        value = value.get_object()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return None
