"""The parsing child: ``python -m documents.parsing.child``, started and spoken to by ``isolation``.

It is a template process: it imports pdfium and pypdf once, then parses every document in a fresh process
forked from itself, under resource limits, that dies after that one document. Starting Python and importing
the libraries costs ~0.45 s, ten times what parsing a typical paper takes; a fork costs ~3 ms. A process per
document also means a huge document cannot slow the next one, and a file that subverts pdfium sees no
other team's document.

Two things keep the fork off the critical path: the template parses a small PDF of its own before forking
anything, so pdfium's one-time set-up (fonts, caches) is done once and inherited; and the next job is
forked while the current one runs, so it is waiting when the next request comes.

Protocol, one JSON object per line (Linux only: pidfd, prctl):
  stdin   ``{"job": n, "path": "/abs/file.pdf", "limits": {...}}``, with ``"task": "annotations"`` to read
          the file's own markup annotations (``embedded``) instead of parsing it, or ``"task": "rects"`` and
          ``"quotes": [...]`` for the rectangles of quotes on their pages (``rects``), or ``"task": "annotate"``,
          ``"out"`` and ``"marks": [...]`` to write an annotated copy of the file to ``out`` (``annotating``)
  stdout  ``{"ready": pid}`` once, at start-up
          ``{"progress": [done, total]}`` from job n, any number of times
          ``{"result": {...}}`` or ``{"error": {"code", "message"}}`` from job n, once, its last line
          ``{"exit": {"job": n, ...}}`` from the template once job n is reaped: how it ended

Jobs write their lines straight into the pipe. A progress line is one ``write`` below PIPE_BUF bytes, so it
is atomic; a result line can be cut short when its job is killed mid-write, so exit lines start with a
newline and the reader skips a line that is not valid JSON.
"""

import contextlib
import ctypes
import gc
import json
import logging
import math
import os
import resource
import select
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

import pypdf
from pypdf.generic import ContentStream, DictionaryObject, NameObject

from .annotating import write_annotated_pdf
from .embedded import read_embedded_annotations
from .errors import ErrorCode, ParseError
from .parser import parse_pdf
from .rects import quote_rects
from .results import Limits
from .wire import (
    annotations_to_wire,
    document_to_wire,
    encode,
    error_to_wire,
    limits_from_wire,
    marks_from_wire,
    quotes_from_wire,
)

_PR_SET_PDEATHSIG = 1
JOB_FAILED_EXIT_CODE = 70  # EX_SOFTWARE: the job died of something it could not even report
_NEVER_STARTED = {
    "timed_out": False,
    "exit_code": JOB_FAILED_EXIT_CODE,
    "max_rss_bytes": 0,
    "seconds": 0,
    "cpu_seconds": 0,
}


def main() -> None:
    # The protocol gets its own descriptor, and fd 1 points at stderr: a stray print from a library goes
    # to the worker's log instead of into the protocol.
    out = os.dup(1)
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the worker, which then closes our stdin
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about broken files would flood the log
    with tempfile.TemporaryDirectory(prefix="scrollkeeper-parser-") as folder:
        _warm_up(_write_warm_up_pdf(Path(folder) / "warm-up.pdf"))
    gc.freeze()  # what exists now is never collected, so jobs do not copy those pages on write
    spare = _Job.fork(out)
    try:
        _write(out, {"ready": os.getpid()})
        for line in sys.stdin.buffer:
            request = json.loads(line)
            job = _hand_over(spare, request, out)
            spare = _Job.fork(out)  # the next job, ready before its request comes
            ending = job.wait(limits_from_wire(request["limits"])) if job is not None else _NEVER_STARTED
            _write(out, {"exit": {"job": request["job"], **ending}}, newline_first=True)
    except BrokenPipeError:
        pass  # the worker is gone (killed, or exited without closing us): so are we
    finally:
        spare.discard()


def _hand_over(spare: "_Job", request: dict[str, Any], out: int) -> "_Job | None":
    """The job that took ``request``: the spare, or a new one if the spare was killed (from outside) while
    it waited; None if that one died too."""
    if spare.hand_over(request):
        return spare
    replacement = _Job.fork(out)
    return replacement if replacement.hand_over(request) else None


class _Job:
    """A forked process that waits for its one request, seen from the template."""

    def __init__(self, pid: int, requests: int) -> None:
        self.pid = pid
        self.requests = requests
        self.started = 0.0

    @classmethod
    def fork(cls, out: int) -> "_Job":
        template = os.getpid()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover -- the job; it leaves through os._exit
            code = JOB_FAILED_EXIT_CODE
            try:
                os.close(write_end)
                _die_with(template)
                request = _read_all(read_end)
                if request:  # none when the template discards its spare on the way out
                    _job(json.loads(request), out)
                code = 0
            finally:
                os._exit(code)
        os.close(read_end)
        return cls(pid, write_end)

    def hand_over(self, request: dict[str, Any]) -> bool:
        """Give the job its request; False if it had died before it could take it."""
        self.started = time.monotonic()
        try:
            _write(self.requests, request)
        except BrokenPipeError:
            os.waitpid(self.pid, 0)
            return False
        finally:
            os.close(self.requests)
        return True

    def wait(self, limits: Limits) -> dict[str, Any]:
        """Wait for the job to end; kill it when its time budget runs out, or when the worker is gone (no one
        is left to read its result). How it ended."""
        ended = _wait_for_exit(self.pid, timeout=limits.max_seconds - (time.monotonic() - self.started))
        if ended != "exited":
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        _, status, usage = os.wait4(self.pid, 0)
        return {
            "timed_out": ended == "timed out",
            "exit_code": os.waitstatus_to_exitcode(status),  # negative: killed by that signal
            "max_rss_bytes": usage.ru_maxrss * 1024,
            "seconds": round(time.monotonic() - self.started, 4),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 4),
        }

    def discard(self) -> None:
        os.close(self.requests)  # end of file: the job exits without a request
        os.waitpid(self.pid, 0)


def _wait_for_exit(pid: int, *, timeout: float) -> Literal["exited", "timed out", "orphaned"]:
    """Wait until ``pid`` exits, ``timeout`` s pass, or the worker closes our stdin (it died).

    A pidfd wakes us the moment the job exits: no polling. Stdin is watched for hang-up only (event mask
    0): the worker may already have sent its next request, which is data, not a reason to stop.
    """
    pidfd = os.pidfd_open(pid)
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        poller.register(sys.stdin.fileno(), 0)
        events = dict(poller.poll(max(0, math.ceil(timeout * 1000))))
    finally:
        os.close(pidfd)
    if pidfd in events:
        return "exited"
    return "orphaned" if events else "timed out"


def _job(request: dict[str, Any], out: int) -> None:  # pragma: no cover -- runs in the forked job
    limits = limits_from_wire(request["limits"])
    _confine(limits)

    def on_page(done: int, total: int) -> None:
        _write(out, {"progress": [done, total]})

    try:
        if request.get("task") == "annotations":
            line = encode({"result": annotations_to_wire(read_embedded_annotations(request["path"], limits))})
        elif request.get("task") == "annotate":
            marks = marks_from_wire(request["marks"])
            line = encode({"result": {"written": write_annotated_pdf(request["path"], request["out"], marks, limits)}})
        elif request.get("task") == "rects":
            line = encode({"result": quote_rects(request["path"], quotes_from_wire(request["quotes"]), limits)})
        else:
            line = encode({"result": document_to_wire(parse_pdf(request["path"], limits, on_page=on_page))})
    except ParseError as error:
        line = encode({"error": error_to_wire(error)})
    except MemoryError:  # encoding a large result can hit the cap too
        line = encode({"error": error_to_wire(ParseError(ErrorCode.TOO_LARGE, "The result is too large."))})
    _send(out, line)


def _die_with(template: int) -> None:  # pragma: no cover -- runs in the forked job
    """No job outlives the template: the kernel kills it when the template dies (``PR_SET_PDEATHSIG``)."""
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != template:  # the template died before prctl took effect
        os._exit(JOB_FAILED_EXIT_CODE)


def _confine(limits: Limits) -> None:  # pragma: no cover -- runs in the forked job
    """Caps for one hostile file: address space, CPU time (a backstop to the template's wall clock), no
    core dumps, nothing to read on stdin. (Not ``RLIMIT_FSIZE``: it would kill a job for a warning written
    to a worker's stderr that is redirected to a file.)"""
    memory = limits.max_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(limits.max_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)


def _write_warm_up_pdf(path: Path) -> Path:
    """A one-page PDF with a line of text in a standard font: enough to go through every step of a parse."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): font})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    content = ContentStream(None, writer)
    content.set_data(b"BT /F1 12 Tf 72 720 Td (Warming up: doi:10.1000/182 arXiv:2101.00001) Tj ET")
    page.replace_contents(content)
    writer.add_outline_item(title="Warm-up", page_number=0)
    writer.write(path)
    return path


def _warm_up(path: Path) -> None:
    encode({"result": document_to_wire(parse_pdf(path))})


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _write(fd: int, payload: dict[str, Any], *, newline_first: bool = False) -> None:
    _send(fd, (b"\n" if newline_first else b"") + encode(payload))


def _send(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


if __name__ == "__main__":
    main()
