"""PDF parsing on the real-world corpus: which library extracts text, and what the full parser costs.

- pypdf against pdfium, raw text extraction, page by page: the choice of pdfium as the primary engine.
- the full parser (``parse_in_subprocess``: child processes, structure, cleaning, JSON) against raw
  pdfium, in one worker process, one document after the other, as one team's uploads are parsed (a job
  process kept from one to the next), and with a fresh process for each.
- what isolation costs for a document in a fresh process, and once per worker (the template's start-up).
- what reading the structure with pypdf would add: the reason pdfium reads it too.

pdfium and the parser are timed in alternating rounds and the best round of each is kept, so that load from
elsewhere on the machine does not land on one side only.
"""

import contextlib
import logging
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pypdf
import pypdfium2 as pdfium

from bench import corpus_dir, report
from documents.parsing import InProcessParser, PdfParser, SubprocessParser, parse_pdf

ROUNDS = 3
OVERHEAD_SAMPLES = 30


def main() -> None:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about the corpus's quirks are noise here
    folder = corpus_dir()
    files = sorted(folder.glob("*.pdf")) if folder is not None else []
    if not files:
        print("corpus: none (set SCROLLKEEPER_CORPUS_DIR, or build ../shared/corpus); parse_raw skipped")
        return
    pages = sum(_page_count(file) for file in files)
    source = "$SCROLLKEEPER_CORPUS_DIR" if os.environ.get("SCROLLKEEPER_CORPUS_DIR") else "default ../shared/corpus"
    print(f"corpus: {folder} (from {source}): {len(files)} PDFs, {pages} pages")

    pypdf_seconds = _timed(lambda: _pypdf_text(files))
    print(f"pypdf_text: {pages / pypdf_seconds:.1f} pages/s ({pypdf_seconds:.1f} s)")

    parser = SubprocessParser()
    started = time.perf_counter()
    parser.start()
    print(f"parser_startup: {time.perf_counter() - started:.2f} s (once per worker process)")
    pdfium, isolated, fresh, in_process = _Best(), _Best(), _Best(), _Best()
    for _ in range(ROUNDS):
        pdfium.measure(lambda: _pdfium_text(files))
        # As the worker parses one team's uploads: a job process kept from one document to the next.
        isolated.measure(lambda: _parse_all(parser, files, reuse_key="one-team"), child=parser.template_pid)
        fresh.measure(lambda: _parse_all(parser, files), child=parser.template_pid)
        in_process.measure(lambda: _parse_all(InProcessParser(), files))
    pdfium_seconds, parser_seconds = pdfium.wall, isolated.wall
    print(f"pdfium_text: {pages / pdfium_seconds:.0f} pages/s ({pdfium_seconds:.2f} s, best of {ROUNDS})")
    print(
        f"parser: {pages / parser_seconds:.0f} pages/s ({parser_seconds:.2f} s, best of {ROUNDS}; one team's "
        f"documents in turn), {pages / fresh.wall:.0f} pages/s with a fresh process for each document"
    )
    print(
        f"parser_in_process: {pages / in_process.wall:.0f} pages/s = {pdfium_seconds / in_process.wall:.2f} ratio "
        "to raw pdfium (the same parse without the child process: what isolation costs is the difference)"
    )
    print(
        f"parser_cpu: {isolated.cpu:.2f} s in all processes against pdfium's {pdfium.cpu:.2f} s "
        f"= {pdfium.cpu / isolated.cpu:.2f} ratio (wall-clock ratios suffer most from a busy machine)"
    )

    report("pdfium_vs_pypdf_speedup", pypdf_seconds / pdfium_seconds, "ratio", ">=", 5, digits=1)
    report("parser_pages_per_second", pages / parser_seconds, "pages/s", ">=", 400, digits=0)
    report("parser_vs_raw_pdfium", pdfium_seconds / parser_seconds, "ratio", ">=", 0.85)

    smallest = min(files, key=_page_count)
    overhead_ms = _isolation_overhead(parser, smallest) * 1000
    report("parser_isolation_overhead", overhead_ms, "ms/document", "<=", 10, digits=1)
    parser.close()

    structure_seconds = _timed(lambda: _pypdf_structure(files))
    print(
        f"pypdf_structure: {structure_seconds:.2f} s for page tree, boxes, outline and metadata "
        f"= {structure_seconds / pdfium_seconds:.2f}x pdfium's whole text extraction (not used)"
    )


class _Best:
    """The best of several rounds, by wall clock and, separately, by CPU time of this process and of the
    parser's child processes (the template and the jobs it has reaped)."""

    def __init__(self) -> None:
        self.wall = self.cpu = float("inf")

    def measure(self, work: Callable[[], object], *, child: int | None = None) -> None:
        cpu = time.process_time() + _cpu_of(child)
        self.wall = min(self.wall, _timed(work))
        self.cpu = min(self.cpu, time.process_time() + _cpu_of(child) - cpu)


def _cpu_of(pid: int | None) -> float:
    """CPU seconds of ``pid``, of its reaped children and of its live ones (a job kept for the next
    document is reaped rounds later), from /proc (0 without a pid). Taken before and after a round, the
    difference is what they all spent in it: a job alive at the start and reaped by the end is counted
    live first, whole afterwards."""
    if pid is None:
        return 0.0
    ticks = sum(int(field) for field in _stat(pid)[11:15])
    with contextlib.suppress(FileNotFoundError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            with contextlib.suppress(FileNotFoundError):  # it exited meanwhile: counted when reaped
                ticks += sum(int(field) for field in _stat(int(child))[11:13])
    return ticks / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (utime is [11], stime [12], cutime [13]...)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _page_count(file: Path) -> int:
    pdf = pdfium.PdfDocument(file)
    try:
        return len(pdf)
    finally:
        pdf.close()


def _pypdf_text(files: list[Path]) -> None:
    for file in files:
        for page in pypdf.PdfReader(file).pages:
            page.extract_text()


def _pdfium_text(files: list[Path]) -> None:
    for file in files:
        pdf = pdfium.PdfDocument(file)
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            textpage.get_text_bounded()
            textpage.close()
            page.close()
        pdf.close()


def _parse_all(parser: PdfParser, files: list[Path], *, reuse_key: str | None = None) -> None:
    for file in files:
        if isinstance(parser, SubprocessParser):
            parser.parse(file, reuse_key=reuse_key)
        else:
            parser.parse(file)


def _isolation_overhead(parser: SubprocessParser, file: Path) -> float:
    """Median extra seconds of a parse in the child over the same parse in this process."""
    differences = []
    for _ in range(OVERHEAD_SAMPLES):
        isolated = _timed(lambda: parser.parse(file))
        in_process = _timed(lambda: parse_pdf(file))
        differences.append(isolated - in_process)
    return statistics.median(differences)


def _pypdf_structure(files: list[Path]) -> None:
    for file in files:
        reader = pypdf.PdfReader(file)
        _ = reader.metadata
        for page in reader.pages:
            _ = (page.cropbox.width, page.cropbox.height, page.rotation)
        with contextlib.suppress(Exception):  # a broken outline costs what it costs; the time is what counts
            _ = reader.outline
