"""The PDF parser: one contract for both parsers, hostile files in the sandbox, and the pieces it is made of.

Every PDF is generated (``tests.documents.pdfs``); real-world ones are added from the corpus folder when
one is configured (``SCROLLKEEPER_CORPUS_DIR``, or ``../shared/corpus`` beside the repository).
"""

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from bench import REPO_ROOT, corpus_dir
from documents.parsing import (
    DEFAULT_LIMITS,
    ErrorCode,
    InProcessParser,
    Limits,
    ParsedDocument,
    ParseError,
    PdfParser,
    SubprocessParser,
    engines,
    parse_pdf,
)
from documents.parsing.cleaning import clean_line, clean_text
from documents.parsing.dates import parse_pdf_date
from documents.parsing.engines import (
    CannotOpen,
    PageContent,
    PdfEngine,
    PdfiumEngine,
    PypdfEngine,
    _bounded_text,
    _count_text_objects,
)
from documents.parsing.identifiers import find_arxiv_id, find_doi
from documents.parsing.isolation import _error_for_exit
from documents.parsing.parser import _at_most, _authors
from tests.documents import pdfs

ARTICLE_PAGES = [
    "A Study of Everything\nAda Lovelace and Alan Turing\nhttps://doi.org/10.1103/PhysRevLett.116.061102.",
    "arXiv:2101.00001v2 [cs.LG] Section one, with (parentheses) and a \\ backslash.",  # one line: rotated
    "",  # replaced by an image: a scanned page
]


@pytest.fixture(scope="module")
def isolated() -> Iterator[SubprocessParser]:
    """One template process for the module, as one Celery worker process keeps one."""
    parser = SubprocessParser()
    yield parser
    parser.close()


@pytest.fixture(params=["in_process", "subprocess"])
def parser(request: pytest.FixtureRequest, isolated: SubprocessParser) -> PdfParser:
    return InProcessParser() if request.param == "in_process" else isolated


@pytest.fixture
def article(tmp_path: Path) -> Path:
    return pdfs.write_pdf(
        tmp_path / "article.pdf",
        ARTICLE_PAGES,
        metadata={
            "/Title": "A Study of Everything",
            "/Author": "Ada Lovelace; Alan Turing",
            "/Subject": "Everything",
            "/Keywords": "pdf, parsing; tests",
            "/CreationDate": "D:20240102030405+01'00'",
            "/Creator": "LaTeX with hyperref",
        },
        outline=[pdfs.Bookmark("Introduction", 0, [pdfs.Bookmark("Background", 1)]), pdfs.Bookmark("Scans", 2)],
        rotations={1: 90},
        sizes={1: (595.0, 842.0)},
        image_only=[2],
    )


def code_of(parser: PdfParser, path: Path, limits: Limits = DEFAULT_LIMITS) -> ErrorCode:
    with pytest.raises(ParseError) as raised:
        parser.parse(path, limits=limits)
    return raised.value.code


# --- the contract, for both parsers ----------------------------------------------------------------


def test_reads_text_structure_and_metadata(parser: PdfParser, article: Path) -> None:
    document = parser.parse(article)

    assert document.page_count == len(document.pages) == 3
    first, rotated, scanned = document.pages
    assert first.text == ARTICLE_PAGES[0]
    assert (first.width, first.height, first.rotation, first.has_text_layer) == (612.0, 792.0, 0, True)
    assert rotated.text == ARTICLE_PAGES[1]
    assert (rotated.width, rotated.height, rotated.rotation) == (595.0, 842.0, 90), "the box as stored, unrotated"
    assert (scanned.text, scanned.has_text_layer) == ("", False)

    assert document.metadata.title == "A Study of Everything"
    assert document.metadata.authors == ["Ada Lovelace", "Alan Turing"]
    assert document.metadata.subject == "Everything"
    assert document.metadata.keywords == ["pdf", "parsing", "tests"]
    assert document.metadata.created_at == datetime(2024, 1, 2, 2, 4, 5, tzinfo=UTC)
    assert document.metadata.creator == "LaTeX with hyperref"

    assert [(item.title, item.page_index) for item in document.outline] == [("Introduction", 0), ("Scans", 2)]
    assert [(item.title, item.page_index) for item in document.outline[0].children] == [("Background", 1)]

    assert document.doi == "10.1103/PhysRevLett.116.061102"
    assert document.arxiv_id == "2101.00001v2"
    assert document.sha256 == _sha256(article)
    assert document.quality.pages_without_text == [2]
    assert document.quality.pages_by_extractor == {"pdfium": 3}


def test_reports_progress_up_to_the_last_page(parser: PdfParser, article: Path) -> None:
    """GIVEN a 3-page document WHEN it is parsed THEN progress only grows, against the right total, up to
    (3, 3). The child process passes on the latest count of each burst, so only the in-process parser is
    expected to report every page."""
    calls: list[tuple[int, int]] = []
    parser.parse(article, on_page=lambda done, total: calls.append((done, total)))

    assert calls[-1] == (3, 3)
    assert {total for _, total in calls} == {3}
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    if isinstance(parser, InProcessParser):
        assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_a_broken_outline_destination_is_tolerated(parser: PdfParser, article: Path) -> None:
    document = parser.parse(pdfs.break_first_bookmark(article))

    assert [(item.title, item.page_index) for item in document.outline] == [("Introduction", None), ("Scans", 2)]
    assert document.outline[0].children[0].page_index == 1


def test_a_password_protected_pdf_is_encrypted(parser: PdfParser, tmp_path: Path) -> None:
    path = pdfs.write_pdf(tmp_path / "secret.pdf", ["Confidential."], user_password="hunter2")

    assert code_of(parser, path) == ErrorCode.ENCRYPTED


def test_an_empty_user_password_opens(parser: PdfParser, tmp_path: Path) -> None:
    """Encrypted only against editing (AES-256, empty user password): readers open it without asking."""
    path = pdfs.write_pdf(tmp_path / "locked.pdf", ["Readable by anyone."], user_password="")

    assert parser.parse(path).pages[0].text == "Readable by anyone."


@pytest.mark.parametrize(
    "head",
    [b"\x89PNG\r\n\x1a\n", b"%PDF-garbage\n", b" " * 1020 + b"%PDF-1.7\n"],
    ids=["png", "unparseable-header", "header-after-1024-bytes"],
)
def test_junk_is_not_a_pdf(parser: PdfParser, tmp_path: Path, head: bytes) -> None:
    path = tmp_path / "holiday.pdf"
    path.write_bytes(head + os.urandom(4000))

    assert code_of(parser, path) == ErrorCode.NOT_A_PDF


@pytest.mark.parametrize("keep", [200, 0.4], ids=["header-only", "first-40-percent"])
def test_a_truncated_pdf_is_corrupt(parser: PdfParser, article: Path, keep: float) -> None:
    data = article.read_bytes()
    article.write_bytes(data[: int(keep if keep > 1 else len(data) * keep)])

    assert code_of(parser, article) == ErrorCode.CORRUPT


def test_a_header_followed_by_garbage_is_corrupt(parser: PdfParser, tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(20_000))

    assert code_of(parser, path) == ErrorCode.CORRUPT


def test_a_page_bomb_has_too_many_pages(parser: PdfParser, tmp_path: Path) -> None:
    """GIVEN 60 KB that list one page 10,000 times WHEN the limit is 100 pages THEN it is refused before a
    single page is read."""
    path = pdfs.page_bomb(tmp_path / "bomb.pdf", pages=10_000)
    reported: list[tuple[int, int]] = []

    with pytest.raises(ParseError) as raised:
        parser.parse(path, limits=Limits(max_pages=100), on_page=lambda done, total: reported.append((done, total)))
    assert raised.value.code == ErrorCode.TOO_MANY_PAGES
    assert raised.value.message == "The PDF has 10,000 pages; at most 100 are allowed."
    assert reported == []  # not even the start of a page count: nothing was read


def test_a_file_over_the_size_limit_is_too_large(parser: PdfParser, article: Path) -> None:
    size = article.stat().st_size
    with pytest.raises(ParseError) as raised:
        parser.parse(article, limits=Limits(max_file_bytes=size - 1))
    assert raised.value.code == ErrorCode.TOO_LARGE
    assert raised.value.message == f"The file is {size:,} bytes; at most {size - 1:,} bytes allowed."


def test_text_over_the_cap_is_too_large(parser: PdfParser, tmp_path: Path) -> None:
    path = pdfs.write_pdf(tmp_path / "long.pdf", ["x" * 80] * 3)

    assert code_of(parser, path, Limits(max_text_chars=200)) == ErrorCode.TOO_LARGE
    assert parser.parse(path, limits=Limits(max_text_chars=240)).text_chars == 240


def test_nul_and_lone_surrogates_are_stripped_from_metadata(parser: PdfParser, tmp_path: Path) -> None:
    metadata = parser.parse(pdfs.nul_metadata(tmp_path / "nul.pdf")).metadata

    assert metadata.title == "Null and void"
    assert metadata.authors == ["Ada Lovelace"]
    assert metadata.subject == "A"


def test_metadata_and_outline_titles_are_cut_to_what_a_page_can_show(parser: PdfParser, tmp_path: Path) -> None:
    """A file may carry megabytes of metadata and outline (a hostile one; or a collaboration's paper with
    thousands of authors): each line is cut to 500 characters, authors and keywords to the first 100, the
    subject to 2,000 characters -- so a library page never carries them."""
    metadata = {
        "/Title": "T" * 100_000,
        "/Author": "; ".join(f"Author {number}" for number in range(5000)),
        "/Keywords": ", ".join(f"kw{number}" for number in range(5000)),
        "/Subject": "S " * 50_000,
    }
    path = pdfs.write_pdf(
        tmp_path / "long.pdf", ["Body text."], metadata=metadata, outline=[pdfs.Bookmark("O" * 5000, 0)]
    )

    parsed = parser.parse(path)

    assert parsed.metadata.title == "T" * 499 + "…"
    assert parsed.metadata.authors == [f"Author {number}" for number in range(100)]
    assert parsed.metadata.keywords == [f"kw{number}" for number in range(100)]
    assert parsed.metadata.subject == ("S " * 1000)[:1999] + "…"
    assert [item.title for item in parsed.outline] == ["O" * 499 + "…"]


def test_a_line_is_cut_after_cleaning_and_warnings_after_fifty() -> None:
    assert clean_line("\x00" * 70 + "kept", max_chars=10) == "kept", "what cleaning removes does not count"
    assert clean_line("word " * 10, max_chars=10) == "word word…"
    assert _at_most([f"Page {n}: unreadable" for n in range(1, 53)], 50)[-2:] == [
        "Page 50: unreadable",
        "… and 2 more warnings.",
    ]


def test_a_missing_file_is_the_callers_error(parser: PdfParser, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        parser.parse(tmp_path / "gone.pdf")


# --- real-world PDFs, and the same answer in and out of the sandbox ------------------------------


def _corpus_cases() -> list[Any]:
    """Up to ten corpus files spread over the folder, plus generated ones so the list is never empty."""
    folder = corpus_dir()
    files = sorted(folder.glob("*.pdf")) if folder is not None else []
    sample = files[:: max(1, len(files) // 10)][:10]
    return [
        *(pytest.param(file, id=f"corpus/{file.name}") for file in sample),
        pytest.param("article", id="generated/article"),
        pytest.param("scan", id="generated/scan"),
    ]


@pytest.mark.parametrize("source", _corpus_cases())
def test_real_world_pdfs_parse_the_same_in_and_out_of_the_sandbox(
    source: Path | str, isolated: SubprocessParser, article: Path, tmp_path: Path
) -> None:
    if source == "article":
        path = article
    elif source == "scan":
        path = pdfs.write_pdf(tmp_path / "scan.pdf", ["", ""], image_only=[0, 1])
    else:
        assert isinstance(source, Path)
        path = source

    document = isolated.parse(path)

    assert document == parse_pdf(path), "the JSON round trip loses nothing"
    assert document.page_count == len(document.pages) >= 1
    assert [page.index for page in document.pages] == list(range(document.page_count))
    assert sum(document.quality.pages_by_extractor.values()) == document.page_count
    assert document.quality.pages_without_text == [p.index for p in document.pages if not p.has_text_layer]
    assert document.sha256 == _sha256(path)
    for page in document.pages:
        assert min(page.width, page.height) > 0
        assert page.rotation in {0, 90, 180, 270}
        assert _storable(page.text), f"page {page.index} holds characters PostgreSQL or UTF-8 reject"
    assert all(_storable(value) for value in _strings(document))


# --- hostile files, in the sandbox ---------------------------------------------------------------


@pytest.fixture(scope="module")
def decompression_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~300 KB whose one content stream inflates to 300 MB, drawn by 30 pages."""
    return pdfs.decompression_bomb(tmp_path_factory.mktemp("bomb") / "bomb.pdf", megabytes=300, pages=30)


def test_a_decompression_bomb_is_stopped_and_the_worker_lives_on(
    isolated: SubprocessParser, decompression_bomb: Path, article: Path
) -> None:
    code = code_of(isolated, decompression_bomb, Limits(max_memory_bytes=384 << 20, max_seconds=8))

    assert code in {ErrorCode.TOO_LARGE, ErrorCode.TIMEOUT}  # stopped by the memory cap or the budget
    assert isolated.parse(article).page_count == 3, "the next document parses as if nothing happened"


def test_an_xobject_fan_out_runs_out_of_time(isolated: SubprocessParser, tmp_path: Path, article: Path) -> None:
    """GIVEN a few KB of forms that draw each other 10 times, 7 deep (10 million draws a page) WHEN the
    budget is one second THEN the job is killed at one second (TIMEOUT: the template killed it at the
    budget; the job's own checks between pages never come, a page takes minutes)."""
    path = pdfs.xobject_fan_out(tmp_path / "fan-out.pdf", depth=7, width=10, pages=30)

    assert code_of(isolated, path, Limits(max_seconds=1)) == ErrorCode.TIMEOUT
    assert isolated.parse(article).page_count == 3


def test_a_team_s_documents_follow_one_another_in_one_process_and_other_teams_get_their_own(
    isolated: SubprocessParser, article: Path
) -> None:
    """GIVEN documents parsed one after the other WHEN they share a reuse key (the worker gives the team's
    id) THEN one job process parses them; another key, or none, gets a process of its own."""

    def job_of(key: str | None) -> int | None:
        assert isolated.parse(article, reuse_key=key).page_count == 3
        return isolated.last_job_pid

    first = job_of("team-a")
    assert job_of("team-a") == first
    assert job_of("team-a") == first
    other = job_of("team-b")
    assert other != first
    assert job_of("team-b") == other
    unshared = job_of(None)
    assert unshared not in {first, other}
    assert job_of(None) != unshared
    assert job_of("team-a") not in {first, other}  # team A's job was let go when team B's document came


def test_after_a_file_that_failed_the_next_document_gets_a_fresh_process(
    isolated: SubprocessParser, tmp_path: Path, article: Path
) -> None:
    """GIVEN a team's job process that has just refused a file (junk, then one that runs out of time)
    WHEN the team's next document comes THEN a new process parses it: no state of a hostile file's
    parse is carried over, and a reused process keeps the time budget of a fresh one."""
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 64)
    fan_out = pdfs.xobject_fan_out(tmp_path / "fan-out.pdf", depth=7, width=10, pages=30)

    assert isolated.parse(article, reuse_key="team-c").page_count == 3
    reused = isolated.last_job_pid
    with pytest.raises(ParseError):
        isolated.parse(junk, reuse_key="team-c")
    assert isolated.last_job_pid == reused  # the refusal came from the kept process
    assert isolated.parse(article, reuse_key="team-c").page_count == 3
    assert isolated.last_job_pid != reused

    one_second = Limits(max_seconds=1)
    assert isolated.parse(article, limits=one_second, reuse_key="team-c").page_count == 3
    kept = isolated.last_job_pid
    assert kept is not None
    with pytest.raises(ParseError) as raised:
        isolated.parse(fan_out, limits=one_second, reuse_key="team-c")  # same key and limits: the kept job
    assert raised.value.code == ErrorCode.TIMEOUT
    with pytest.raises(ProcessLookupError):  # it was the one killed at the budget
        os.kill(kept, 0)
    assert isolated.parse(article, limits=one_second, reuse_key="team-c").page_count == 3


def test_an_exception_from_on_page_reaches_the_caller(isolated: SubprocessParser, article: Path) -> None:
    """The worker's own errors (a lost database, Celery's soft time limit) are not the document's fault."""

    def on_page(done: int, total: int) -> None:
        raise ConnectionError("database went away")

    with pytest.raises(ConnectionError):
        isolated.parse(article, on_page=on_page)
    assert isolated.parse(article).page_count == 3


def test_a_dead_template_process_is_replaced(isolated: SubprocessParser, article: Path) -> None:
    isolated.start()
    template = isolated._template
    assert template is not None
    os.kill(template.process.pid, signal.SIGKILL)
    template.process.wait()

    assert isolated.parse(article).page_count == 3


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_worker_starts_its_own_template(isolated: SubprocessParser, article: Path) -> None:
    """GIVEN a parser whose template runs WHEN the process forks (a Celery prefork pool) THEN the child
    parses through a template of its own, and the parent's keeps working."""
    isolated.start()
    pid = os.fork()
    if pid == 0:  # pragma: no cover -- the forked child reports through its exit code
        code = 1
        try:
            code = 0 if isolated.parse(article).page_count == 3 else 2
        finally:
            isolated.close()
            os._exit(code)

    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert isolated.parse(article).page_count == 3


def test_the_parsing_processes_do_not_inherit_the_workers_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://scrollkeeper:secret@db/scrollkeeper")
    parser = SubprocessParser()
    parser.start()
    try:
        template = parser.template_pid
        assert template is not None
        environments = [Path(f"/proc/{pid}/environ").read_bytes() for pid in (template, *_children(template))]
    finally:
        parser.close()

    assert all(b"DATABASE_URL" not in environment for environment in environments)
    assert all(b"PYTHONPATH=" in environment for environment in environments)


def _parse_in_a_daemonic_process(path: str, results: Any) -> None:  # pragma: no cover -- runs in the child
    from documents.parsing import parse_in_subprocess

    results.put(parse_in_subprocess(path).pages[0].text)


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_daemonic_celery_pool_process_can_parse(article: Path) -> None:
    """Celery's prefork pool runs tasks in daemonic billiard processes, which multiprocessing refuses to let
    start children; the parser's child is a plain subprocess, which they may start."""
    import billiard

    results = billiard.Queue()
    process = billiard.Process(target=_parse_in_a_daemonic_process, args=(str(article), results), daemon=True)
    process.start()

    assert results.get(timeout=30) == ARTICLE_PAGES[0]
    process.join(timeout=10)
    assert process.exitcode == 0


def test_no_parsing_process_outlives_a_killed_worker(tmp_path: Path) -> None:
    """GIVEN a worker in the middle of a 30-second parse WHEN it is killed (OOM killer, Celery's hard time
    limit) THEN the template and its jobs go too, long before the budget ends."""
    fan_out = pdfs.xobject_fan_out(tmp_path / "fan-out.pdf", depth=7, width=10, pages=30)
    script = (
        "import sys; from documents.parsing import Limits, SubprocessParser; parser = SubprocessParser(); "
        "parser.start(); print(parser.template_pid, flush=True); "
        f"parser.parse({str(fan_out)!r}, limits=Limits(max_seconds=30))"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=REPO_ROOT)
    assert worker.stdout is not None
    template = int(worker.stdout.readline())
    deadline = time.monotonic() + 10
    while len(_children(template)) < 2 and time.monotonic() < deadline:  # the job is drawing, the spare waits
        time.sleep(0.05)
    processes = [template, *_children(template)]
    assert len(processes) == 3, "the template, the job and the spare"

    worker.kill()
    worker.wait()
    deadline = time.monotonic() + 5

    while any(map(_running, processes)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_running, processes))


@pytest.mark.parametrize(
    ("ending", "expected"),
    [
        ({"timed_out": True, "exit_code": -signal.SIGKILL, "max_rss_bytes": 0}, ErrorCode.TIMEOUT),
        ({"timed_out": False, "exit_code": -signal.SIGXCPU, "max_rss_bytes": 0}, ErrorCode.TIMEOUT),
        ({"timed_out": False, "exit_code": -signal.SIGKILL, "max_rss_bytes": 0}, ErrorCode.TOO_LARGE),
        ({"timed_out": False, "exit_code": -signal.SIGABRT, "max_rss_bytes": 900 << 20}, ErrorCode.TOO_LARGE),
        ({"timed_out": False, "exit_code": -signal.SIGSEGV, "max_rss_bytes": 60 << 20}, ErrorCode.CORRUPT),
        ({"timed_out": False, "exit_code": 70, "max_rss_bytes": 60 << 20}, ErrorCode.CORRUPT),
    ],
    ids=["killed-at-deadline", "cpu-limit", "oom-killer", "abort-near-memory-cap", "crash", "died-silently"],
)
def test_a_job_that_ends_without_a_word_gets_a_code_from_how_it_ended(
    ending: dict[str, object], expected: ErrorCode
) -> None:
    assert _error_for_exit(ending, Limits(max_memory_bytes=1 << 30)).code == expected


def test_a_job_out_of_memory_says_the_cap_as_people_read_it() -> None:
    ending = {"timed_out": False, "exit_code": -signal.SIGKILL, "max_rss_bytes": 0}
    error = _error_for_exit(ending, Limits(max_memory_bytes=1 << 30))
    assert error.message == "Reading the PDF needs more than 1 GB of memory."


# --- the pypdf fallback --------------------------------------------------------------------------


class _PdfiumBlindOn(PdfiumEngine):
    """pdfium as it behaves on some CJK CID fonts: text objects on the page, (almost) no text out."""

    blind_pages: frozenset[int] = frozenset()

    def page(self, index: int) -> PageContent:
        content = super().page(index)
        if index not in self.blind_pages:
            return content
        return dataclasses.replace(content, text="\ufffd\ufffd", text_objects=3)


def _pdfium_blind_on(*pages: int) -> "type[_PdfiumBlindOn]":
    return type("Blind", (_PdfiumBlindOn,), {"blind_pages": frozenset(pages)})


def test_pypdf_reads_a_page_where_pdfium_finds_no_text(article: Path) -> None:
    document = parse_pdf(article, primary=_pdfium_blind_on(1).open)

    assert document.pages[1].text == ARTICLE_PAGES[1]
    assert [page.extractor for page in document.pages] == ["pdfium", "pypdf", "pdfium"]
    assert document.quality.pages_by_extractor == {"pdfium": 2, "pypdf": 1}


def test_a_page_without_text_objects_does_not_open_pypdf(tmp_path: Path) -> None:
    """A scan has nothing pypdf could find; opening it would cost its whole page tree."""
    opened: list[Path] = []

    def fallback(path: Path) -> PdfEngine:
        opened.append(path)
        return PypdfEngine.open(path)

    parse_pdf(pdfs.write_pdf(tmp_path / "scan.pdf", ["", "Text."], image_only=[0]), fallback=fallback)

    assert opened == []


def test_pypdf_reads_the_whole_file_when_pdfium_cannot_open_it(article: Path) -> None:
    def pdfium_fails(path: Path) -> PdfEngine:
        raise CannotOpen("Data format error")

    document = parse_pdf(article, primary=pdfium_fails)

    assert document.pages[0].text.startswith("A Study of Everything")
    assert document.quality.pages_by_extractor == {"pypdf": 3}
    assert document.quality.warnings == ["Read with pypdf only: the primary engine failed: Data format error"]
    assert [(item.title, item.page_index) for item in document.outline] == [("Introduction", 0), ("Scans", 2)]
    assert document.metadata.authors == ["Ada Lovelace", "Alan Turing"]


def test_pypdf_looks_for_a_catalog_the_trailer_misses_within_a_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each object pypdf tries costs a scan of the whole file when it is missing from the cross-reference
    table: the search is bounded by the bytes it may scan, so a large broken file is given up on soon."""
    path = pdfs.catalog_missing_from_trailer(tmp_path / "no-root.pdf", objects_before=100)

    assert PypdfEngine.open(path).page_count() == 1

    monkeypatch.setattr(engines, "ROOT_SEARCH_BYTES", 50 * path.stat().st_size)  # 50 objects' worth
    with pytest.raises(CannotOpen, match="recovery limit"):
        PypdfEngine.open(path)


# --- the pieces ----------------------------------------------------------------------------------


def test_pdfium_engine_reads_pages_as_pypdfium2_does(article: Path) -> None:
    """The engine calls pdfium's functions itself (one extraction a page instead of two); what it reads is
    what pypdfium2's page objects give, sizes as displayed."""
    engine = PdfiumEngine.open(article)
    document = pdfium.PdfDocument(article)
    rotations = []
    try:
        for index, page in enumerate(document):
            content = engine.page(index)
            rotations.append(content.rotation)
            textpage = page.get_textpage()
            assert content.text == textpage.get_text_bounded()
            textpage.close()
            width, height = page.get_size()
            rotation = page.get_rotation()
            if rotation in (90, 270):
                width, height = height, width
            assert (content.width, content.height, content.rotation) == (width, height, rotation)
            page.close()
    finally:
        engine.close()
        document.close()
    assert rotations == [0, 90, 0]


def test_a_page_text_longer_than_the_first_buffer_is_read_whole(article: Path) -> None:
    with _raw_page(article, 0) as page:
        assert _bounded_text(page, units=4) == _bounded_text(page) == ARTICLE_PAGES[0].replace("\n", "\r\n")


def test_text_drawn_only_through_a_form_counts(tmp_path: Path) -> None:
    """A page whose text is all inside a form XObject is not taken for a scan (whose pages pypdf is spared)."""
    with _raw_page(pdfs.text_in_a_form(tmp_path / "form.pdf", "Inside a form."), 0) as page:
        assert _count_text_objects(page, up_to=5) == 1
    with _raw_page(pdfs.write_pdf(tmp_path / "scan.pdf", [""], image_only=[0]), 0) as page:
        assert _count_text_objects(page, up_to=5) == 0

    assert parse_pdf(tmp_path / "form.pdf").pages[0].text == "Inside a form."


@contextlib.contextmanager
def _raw_page(path: Path, index: int) -> Iterator[Any]:
    document = pdfium.PdfDocument(path)
    page = pdfium_c.FPDF_LoadPage(document.raw, index)
    try:
        yield page
    finally:
        pdfium_c.FPDF_ClosePage(page)
        document.close()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("D:20240102030405+01'00'", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1)))),
        (
            "D:20221113193753-05'30",
            datetime(2022, 11, 13, 19, 37, 53, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
        ),
        ("D:20230210092735Z", datetime(2023, 2, 10, 9, 27, 35, tzinfo=UTC)),
        ("D:20230210092735Z00'00'", datetime(2023, 2, 10, 9, 27, 35, tzinfo=UTC)),
        ("D:20130829102832", datetime(2013, 8, 29, 10, 28, 32, tzinfo=UTC)),
        ("20130829", datetime(2013, 8, 29, tzinfo=UTC)),
        ("D:2004", datetime(2004, 1, 1, tzinfo=UTC)),
        ("2021-03-04T05:06:07+02:00", datetime(2021, 3, 4, 5, 6, 7, tzinfo=timezone(timedelta(hours=2)))),
        ("D:20241341000000", None),
        ("Tuesday", None),
        ("", None),
        (None, None),
    ],
)
def test_pdf_dates(raw: str | None, expected: datetime | None) -> None:
    assert parse_pdf_date(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://doi.org/10.1103/PhysRevLett.116.061102.", "10.1103/PhysRevLett.116.061102"),
        ("DOI: 10.1145/3544548.3581388;", "10.1145/3544548.3581388"),
        ("doi:10.1000/182, see", "10.1000/182"),
        ("(http://dx.doi.org/10.1016/S0140-6736(20)30183-5)", "10.1016/S0140-6736(20)30183-5"),
        ("https://doi.org/10.1000%2F182", "10.1000/182"),
        ("Tel. 110.1234/56", None),
        ("no identifier here", None),
    ],
)
def test_dois(text: str, expected: str | None) -> None:
    assert find_doi([text]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("arXiv:2101.00001v2 [cs.LG] 1 Jan 2021", "2101.00001v2"),
        ("arXiv: 1412.6980", "1412.6980"),
        ("https://arxiv.org/abs/1706.03762v7", "1706.03762v7"),
        ("arXiv:hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136v2", "math.GT/0309136v2"),
        ("arXiv:2113.00001", None),  # there is no 13th month
        ("Table 2101.00001", None),  # a bare number is not an arXiv id
    ],
)
def test_arxiv_ids(text: str, expected: str | None) -> None:
    assert find_arxiv_id([text]) == expected


def test_identifiers_come_from_the_first_text_that_has_one() -> None:
    assert find_doi(["Subject without one", "page 1: doi:10.1000/own", "page 2: doi:10.2000/cited"]) == "10.1000/own"


def test_clean_text_keeps_lines_and_drops_what_cannot_be_stored() -> None:
    assert clean_text("Line one\r\nline two\rthree\x00\x02 four\ud800\ufffe five\ttab") == (
        "Line one\nline two\nthree four five\ttab"
    )
    assert clean_text("pack\ufffeages") == "packages", "pdfium's mark of a hyphen at a line end"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Sebastian Rahtz; Heiko Oberdiek; The LaTeX3 Project",
            ["Sebastian Rahtz", "Heiko Oberdiek", "The LaTeX3 Project"],
        ),
        ("Jos Migchielsen; CV Radhakrishnan; ", ["Jos Migchielsen", "CV Radhakrishnan"]),
        ("Lídia del Rio, Christian Gogolin, Marcus Huber, ", ["Lídia del Rio", "Christian Gogolin", "Marcus Huber"]),
        ("Ada Lovelace and Alan Turing", ["Ada Lovelace", "Alan Turing"]),
        ("Lovelace, Ada", ["Lovelace, Ada"]),
        ("gnuplot", ["gnuplot"]),
        (None, []),
    ],
)
def test_authors(raw: str | None, expected: list[str]) -> None:
    assert _authors(raw) == expected


# --- helpers -------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _storable(text: str) -> bool:
    """What PostgreSQL's text type takes: valid UTF-8 (no lone surrogates) and no NUL."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _strings(document: ParsedDocument) -> Iterator[str]:
    metadata = document.metadata
    yield from (value for value in (metadata.title, metadata.subject, metadata.creator, metadata.producer) if value)
    yield from metadata.authors
    yield from metadata.keywords
    yield from document.quality.warnings
    stack = list(document.outline)
    while stack:
        item = stack.pop()
        yield item.title
        stack.extend(item.children)
