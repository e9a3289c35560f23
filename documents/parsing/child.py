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
          ``{"progress": [done, total]}`` from job n, at most every ``PROGRESS_INTERVAL_SECONDS``
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

from . import confinement
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
MAX_DOCUMENTS_PER_JOB = 32
"""A reused job exits after this many documents (its CPU limit is sized for them)."""
REUSE_MAX_RSS_BYTES = 256 << 20
"""A job whose memory peaked above this exits after its document rather than wait for another."""
IDLE_SECONDS = 5.0
"""An idle job kept for the next document of its key exits when none comes within this time."""
PROGRESS_INTERVAL_SECONDS = 0.05
"""A job reports its page count at most this often (and always its first and last page)."""
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
    _say_what_confinement_lacks()
    if not confinement_works():
        return  # no "ready": the worker reports the parser unavailable, and its tasks retry
    spare = _Job.fork(out)
    idle: _Job | None = None  # a job done with a document, kept for the next one of the same key
    try:
        _write(out, {"ready": os.getpid()})
        requests = _Requests()
        while (line := requests.next(wait=IDLE_SECONDS if idle is not None else None)) != b"":
            if line is None:  # nothing came for a while: the idle job's memory goes back
                _retire(idle)
                idle = None
                continue
            request = json.loads(line)
            job = idle if idle is not None and idle.takes(request) and idle.hand_over(request) else None
            if job is None:
                _retire(idle)
                idle = None
                job = _hand_over(spare, request, out)
                spare = _Job.fork(out)  # the next job, ready before its request comes
            else:
                idle = None
            ending = job.wait(limits_from_wire(request["limits"])) if job is not None else _NEVER_STARTED
            if ending is None and job is not None:  # done, and ready for another document of its key
                idle = job.kept_for(request)
            else:
                _write(out, {"exit": {"job": request["job"], **(ending or _NEVER_STARTED)}}, newline_first=True)
    except BrokenPipeError:
        pass  # the worker is gone (killed, or exited without closing us): so are we
    finally:
        _retire(idle)
        spare.discard()


class _Requests:
    """Request lines from the worker on stdin, read unbuffered so that waiting with a timeout sees every
    line (a buffered reader may hold a line that ``select`` cannot tell about)."""

    def __init__(self) -> None:
        self.fd = sys.stdin.fileno()
        self.buffer = bytearray()

    def next(self, *, wait: float | None) -> bytes | None:
        """The next line; b"" at end of input (the worker closed us); None if ``wait`` seconds passed
        without one."""
        while (newline := self.buffer.find(b"\n")) < 0:
            if wait is not None and not select.select([self.fd], [], [], wait)[0]:
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return b""
            self.buffer += chunk
        line = bytes(self.buffer[: newline + 1])
        del self.buffer[: newline + 1]
        return line


def _retire(job: "_Job | None") -> None:
    if job is not None:
        job.discard()


def _hand_over(spare: "_Job", request: dict[str, Any], out: int) -> "_Job | None":
    """The job that took ``request``: the spare, or a new one if the spare was killed (from outside) while
    it waited; None if that one died too."""
    if spare.hand_over(request):
        return spare
    replacement = _Job.fork(out)
    return replacement if replacement.hand_over(request) else None


class _Job:
    """A forked process that waits for its requests, seen from the template.

    A job parses one document and exits -- unless the request carries a ``reuse`` key (the worker gives
    the team's id): then, done with it, the job tells the template so and waits, and the next request with
    the same key and limits is handed to it. A job that has parsed ``MAX_DOCUMENTS_PER_JOB`` documents, or
    whose memory peaked above ``REUSE_MAX_RSS_BYTES``, exits instead. Reuse spares the fork and the fresh
    heap (~2,300 page faults a document); a file that subverted pdfium in a job would see the next
    documents of the same team only, which its members may read anyway.
    """

    def __init__(self, pid: int, requests: int, done: int) -> None:
        self.pid = pid
        self.requests = requests
        self.done = done
        self.started = 0.0
        self.key: str | None = None
        self.limits: dict[str, Any] | None = None
        self.documents = 0

    @classmethod
    def fork(cls, out: int) -> "_Job":
        template = os.getpid()
        read_end, write_end = os.pipe()
        done_read, done_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover -- the job; it leaves through os._exit
            code = JOB_FAILED_EXIT_CODE
            try:
                # Only its own pipes: a copy of another job's request pipe would keep that job from ever
                # seeing the end of its requests.
                _close_fds_but(read_end, done_write, out)
                _die_with(template)
                _serve(read_end, done_write, out)
                code = 0
            finally:
                os._exit(code)
        os.close(read_end)
        os.close(done_write)
        return cls(pid, write_end, done_read)

    def takes(self, request: dict[str, Any]) -> bool:
        """Whether this (idle) job may parse ``request``: same key, same limits."""
        return request.get("reuse") is not None and (request["reuse"], request["limits"]) == (self.key, self.limits)

    def kept_for(self, request: dict[str, Any]) -> "_Job":
        self.key, self.limits = request.get("reuse"), request["limits"]
        self.documents += 1
        return self

    def hand_over(self, request: dict[str, Any]) -> bool:
        """Give the job a request; False if it had died before it could take it."""
        self.started = time.monotonic()
        try:
            _write(self.requests, request)
        except BrokenPipeError:
            self._close()
            os.waitpid(self.pid, 0)
            return False
        return True

    def wait(self, limits: Limits) -> dict[str, Any] | None:
        """Wait for the job to be done with its document (None: it waits for another) or to end; kill it
        when its time budget runs out, or when the worker is gone (no one is left to read its result).
        How it ended."""
        ended = _wait_for_job(self, timeout=limits.max_seconds - (time.monotonic() - self.started))
        if ended == "done":
            return None
        self._close()
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
        """End of its requests: the job exits (a spare without having had any)."""
        self._close()
        with contextlib.suppress(ChildProcessError):  # already reaped: it died taking a request
            os.waitpid(self.pid, 0)

    def _close(self) -> None:
        """Close our ends of its pipes, once (their numbers may be reused by the next pipes made)."""
        for fd in (self.requests, self.done):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.requests = self.done = -1


def _close_fds_but(*keep: int) -> None:  # pragma: no cover -- runs in the forked job
    """Close every descriptor above stderr but ``keep``."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):  # the listing's own descriptor, closed by now
                os.close(fd)


def _serve(requests: int, done: int, out: int) -> None:  # pragma: no cover -- runs in the forked job
    """The job's life: requests, one per line, until the template closes the pipe or it may not go on."""
    confined = False
    with os.fdopen(requests, "rb") as lines:
        for line in lines:
            request = json.loads(line)
            succeeded = _job(request, out, reused=confined)
            confined = True
            if not (succeeded and _reusable(request)):  # after a file that failed, a fresh process
                return
            os.write(done, b".")  # after the result: the template may hand over the next document


def _reusable(request: dict[str, Any]) -> bool:  # pragma: no cover -- runs in the forked job
    global _documents_done
    _documents_done += 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return request.get("reuse") is not None and _documents_done < MAX_DOCUMENTS_PER_JOB and peak < REUSE_MAX_RSS_BYTES


_documents_done = 0


def _wait_for_job(job: _Job, *, timeout: float) -> Literal["done", "exited", "timed out", "orphaned"]:
    """Wait until the job says it is done with its document, exits, ``timeout`` s pass, or the worker
    closes our stdin (it died).

    A pidfd wakes us the moment the job exits: no polling. Stdin is watched for hang-up only (event mask
    0): the worker may already have sent its next request, which is data, not a reason to stop.
    """
    pidfd = os.pidfd_open(job.pid)
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        poller.register(job.done, select.POLLIN)
        poller.register(sys.stdin.fileno(), 0)
        events = dict(poller.poll(max(0, math.ceil(timeout * 1000))))
    finally:
        os.close(pidfd)
    if job.done in events and events[job.done] & select.POLLIN and os.read(job.done, 1):
        return "done"
    if pidfd in events or job.done in events:  # its end of the done pipe closed: it exited
        return "exited"
    return "orphaned" if events else "timed out"


def _job(request: dict[str, Any], out: int, *, reused: bool) -> bool:  # pragma: no cover -- in the job
    """Run one request and write its result or error; whether it succeeded."""
    limits = limits_from_wire(request["limits"])
    if reused:
        _renew_cpu_budget(limits)
    else:
        _confine(limits, request)

    last_sent = [-math.inf]

    def on_page(done: int, total: int) -> None:
        # Each line wakes the worker, on a CPU this job may want: a page count every 50 ms is plenty for
        # a worker that forwards four a second. The first and the last always go.
        now = time.monotonic()
        if done in (0, total) or now - last_sent[0] >= PROGRESS_INTERVAL_SECONDS:
            last_sent[0] = now
            _write(out, {"progress": [done, total]})

    try:
        if request.get("task") == "annotations":
            result: Any = annotations_to_wire(read_embedded_annotations(request["path"], limits))
        elif request.get("task") == "annotate":
            marks = marks_from_wire(request["marks"])
            result = {"written": write_annotated_pdf(request["path"], request["out"], marks, limits)}
        elif request.get("task") == "rects":
            result = quote_rects(request["path"], quotes_from_wire(request["quotes"]), limits)
        else:
            result = document_to_wire(parse_pdf(request["path"], limits, on_page=on_page))
        line = encode({"result": result, "pid": os.getpid()})
    except ParseError as error:
        line = encode({"error": error_to_wire(error), "pid": os.getpid()})
    except MemoryError:  # encoding a large result can hit the cap too
        too_large = ParseError(ErrorCode.TOO_LARGE, "The result is too large.")
        line = encode({"error": error_to_wire(too_large), "pid": os.getpid()})
    else:
        _send(out, line)
        return True
    _send(out, line)
    return False


def _die_with(template: int) -> None:  # pragma: no cover -- runs in the forked job
    """No job outlives the template: the kernel kills it when the template dies (``PR_SET_PDEATHSIG``)."""
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != template:  # the template died before prctl took effect
        os._exit(JOB_FAILED_EXIT_CODE)


def _confine(limits: Limits, request: dict[str, Any]) -> None:  # pragma: no cover -- runs in the forked job
    """Caps for hostile files: address space, CPU time (a backstop to the template's wall clock, renewed
    for each document of a reused job), no core dumps, nothing to read on stdin. (Not ``RLIMIT_FSIZE``:
    it would kill a job for a warning written to a worker's stderr that is redirected to a file.) Then
    the kernel's sandboxes (``confinement``), which last the job's life: a job kept for the documents of
    one key may read the folder of its first file, where the worker keeps that key's files, and nothing
    of any other."""
    memory = limits.max_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    per_document = math.ceil(limits.max_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (per_document, per_document * MAX_DOCUMENTS_PER_JOB + 2))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    path = request["path"]
    readable = os.path.dirname(path) if request.get("reuse") is not None else path
    confinement.confine(read=[readable], write=[os.path.dirname(request["out"])] if "out" in request else [])


def confinement_works() -> bool:
    """Whether a job can confine itself, tried once in a throwaway process. A kernel that offers the
    sandboxes but refuses them to this process (a container's own filter, say) stops the template from
    starting: parsing unconfined would be silent, and every job failing would blame the users' files."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover -- the throwaway process; it leaves through os._exit
        code = JOB_FAILED_EXIT_CODE
        try:
            confinement.confine(read=[os.devnull])
            code = 0
        except OSError as error:
            sys.stderr.write(f"scrollkeeper parser: parse jobs cannot be confined here: {error}\n")
            sys.stderr.flush()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _say_what_confinement_lacks() -> None:
    """Once, in the worker's log: the sandboxes this kernel does not offer, which jobs then go without."""
    missing = [name for name, offered in confinement.available().items() if not offered]
    if missing:
        lacking = " and no ".join(missing)
        sys.stderr.write(f"scrollkeeper parser: this kernel offers no {lacking}; parse jobs run without.\n")
        sys.stderr.flush()


def _renew_cpu_budget(limits: Limits) -> None:  # pragma: no cover -- runs in the forked job
    """The next document of a reused job gets the same CPU budget as the first (the limit counts the
    process's whole life)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + limits.max_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (min(soft, hard), hard))


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
