"""Parsing uploads in a child process, so that no file can take down, stall or bloat the worker that asked.

pypdf's and pdfium's own limits are per stream or per call; nothing in them bounds a whole document. A
73 KB file whose 70 MB stream is drawn by 30 pages, or a 3 KB one whose form XObjects fan out, costs
minutes and gigabytes. So every document is parsed by a job process under an address-space cap
(``RLIMIT_AS``), a wall-clock budget enforced from outside (the job is killed) and a CPU-time backstop,
and whatever the job does -- raise, crash, hang, run out of memory -- the worker gets a ``ParseError``.

Why not ``multiprocessing``: a Celery prefork child is daemonic, and daemonic processes may not start
multiprocessing children. ``subprocess`` has no such rule. Jobs are forked from a template process
(``child``) that has the libraries imported already: starting Python and importing them for every document
would cost ~0.45 s, ten times what parsing a typical paper takes.

One template per ``SubprocessParser`` (the module's default one serves ``parse_in_subprocess``), started on
first use and kept while its owner lives; it exits when its stdin closes. Calls on one parser are
serialised by a lock: a Celery prefork child parses one document at a time anyway. Linux only (pidfd,
prctl), like the containers the workers run in.
"""

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from core.sizes import readable_size

from .annotating import PdfMark
from .embedded import EmbeddedAnnotation
from .errors import ErrorCode, ParseError, file_too_large
from .lanes import parse_lane
from .rects import QuoteQuery, Rects
from .results import DEFAULT_LIMITS, Limits, ParsedDocument, ProgressCallback
from .wire import (
    annotations_from_wire,
    document_from_wire,
    encode,
    error_from_wire,
    limits_to_wire,
    marks_to_wire,
    quotes_to_wire,
    rects_from_wire,
    written_from_wire,
)

START_TIMEOUT_SECONDS = 60.0
GRACE_SECONDS = 5.0
"""Time beyond ``Limits.max_seconds`` before the worker gives up on the template itself: the template kills
the job at the budget, so this only runs out if the template is stuck."""
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_READ_SIZE = 1 << 20
_Result = TypeVar("_Result")
_CHILD_ENVIRONMENT = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONHASHSEED")


class ParserUnavailable(RuntimeError):
    """The parsing process could not be started or died: a fault of the machine, not of the document.

    Worth a retry (``ParseError`` is not: the same file fails the same way).
    """


class SubprocessParser:
    """A ``PdfParser`` that parses every document in a fresh, resource-capped child process."""

    def __init__(self, *, python: str = sys.executable) -> None:
        self._python = python
        self._template: _Template | None = None
        self._lock = threading.Lock()
        self.last_job_pid: int | None = None
        """The process that gave the last result (for monitoring, and to see reuse at work)."""
        _live_parsers.add(self)

    @property
    def template_pid(self) -> int | None:
        """The template process's pid while it runs (for monitoring: its children are the jobs)."""
        template = self._template
        return template.process.pid if template is not None and template.alive() else None

    def start(self) -> None:
        """Start the template now rather than on the first parse (e.g. in Celery's ``worker_process_init``)."""
        with self._lock:
            self._running_template()

    def parse(
        self,
        path: str | PathLike[str],
        *,
        limits: Limits = DEFAULT_LIMITS,
        on_page: ProgressCallback | None = None,
        reuse_key: str | None = None,
    ) -> ParsedDocument:
        """Parse ``path`` in a child process. Raises ``ParseError``, ``ParserUnavailable``, ``OSError`` when
        the file cannot be read, or whatever ``on_page`` raises.

        Documents given the same ``reuse_key`` (the worker gives the team's id) may be parsed one after the
        other by the same child process, sparing the start of a fresh one; see ``child._Job``."""
        task = {"reuse": reuse_key} if reuse_key is not None else {}
        return self._run(path, task, limits, on_page, document_from_wire)

    def read_annotations(
        self, path: str | PathLike[str], *, limits: Limits = DEFAULT_LIMITS
    ) -> list[EmbeddedAnnotation]:
        """The markup annotations inside the PDF at ``path``, read in a child process under ``limits``."""
        return self._run(path, {"task": "annotations"}, limits, None, annotations_from_wire)

    def quote_rects(
        self, path: str | PathLike[str], quotes: list[QuoteQuery], *, limits: Limits = DEFAULT_LIMITS
    ) -> list[Rects | None]:
        """For each quote, the rectangles of its text on its page of the PDF at ``path`` (None where it is
        not found), read in a child process under ``limits``."""
        return self._run(path, {"task": "rects", "quotes": quotes_to_wire(quotes)}, limits, None, rects_from_wire)

    def annotate(
        self,
        path: str | PathLike[str],
        out: str | PathLike[str],
        marks: list[PdfMark],
        *,
        limits: Limits = DEFAULT_LIMITS,
    ) -> int:
        """Write a copy of the PDF at ``path`` with ``marks`` as real PDF annotations to ``out``, in a child
        process under ``limits``; returns how many were written."""
        task = {"task": "annotate", "out": os.path.abspath(out), "marks": marks_to_wire(marks)}
        return self._run(path, task, limits, None, written_from_wire)

    def _run(
        self,
        path: str | PathLike[str],
        task: dict[str, Any],
        limits: Limits,
        on_page: ProgressCallback | None,
        decode: Callable[[Any], _Result],
    ) -> _Result:
        absolute = os.path.abspath(path)
        size = os.stat(absolute).st_size
        if size > limits.max_file_bytes:  # no need to start a job to refuse this
            raise file_too_large(size, limits.max_file_bytes)
        with self._lock:
            # Started before the lane is taken: a template's start (~0.45 s: Python, the libraries, a
            # warm-up parse of a PDF of its own) would otherwise hold a lane that other documents wait for.
            template = self._running_template()
            with parse_lane():
                request = {"path": absolute, "limits": limits_to_wire(limits), **task}
                try:
                    job = template.submit(request)
                except BrokenPipeError:  # it died while idle; the request was not taken, so send it again
                    template = self._restart_template()
                    job = template.submit(request)
                try:
                    reading = _Job(template, job, limits, on_page)
                    answer = reading.answer()
                    self.last_job_pid = reading.pid
                except BaseException:
                    # Whatever interrupted the exchange (the template stuck or dead, on_page raising, Celery's
                    # soft time limit), the template is mid-job: it is killed, with its job, and replaced.
                    template.kill()
                    self._template = None
                    raise
            # The lane is free once the answer is in: the next document's parse starts while this one's
            # result is decoded.
            verdict = answer if isinstance(answer, ParseError) else _verdict_from_wire(answer, decode)
        if isinstance(verdict, ParseError):
            raise verdict
        result: _Result = verdict
        return result

    def close(self) -> None:
        """Stop the template (it would stop by itself when this process exits)."""
        with self._lock:
            if self._template is not None:
                self._template.close()
                self._template = None

    def _running_template(self) -> "_Template":
        if self._template is None or not self._template.alive():
            return self._restart_template()
        return self._template

    def _restart_template(self) -> "_Template":
        if self._template is not None:
            self._template.kill()
        self._template = None
        self._template = _Template.start(self._python)
        return self._template

    def _forget_inherited_template(self) -> None:
        """In a forked child (a Celery pool process): the template belongs to the parent; let go of it."""
        self._lock = threading.Lock()
        if self._template is not None:
            self._template.abandon()
            self._template = None


_live_parsers: "weakref.WeakSet[SubprocessParser]" = weakref.WeakSet()
_default_parser: SubprocessParser | None = None
_default_parser_lock = threading.Lock()


def default_parser() -> SubprocessParser:
    """The process-wide ``SubprocessParser`` behind ``parse_in_subprocess``."""
    global _default_parser
    with _default_parser_lock:
        if _default_parser is None:
            _default_parser = SubprocessParser()
        return _default_parser


def read_annotations_in_subprocess(
    path: str | PathLike[str], limits: Limits = DEFAULT_LIMITS
) -> list[EmbeddedAnnotation]:
    """The markup annotations inside the PDF at ``path``, read in a sandboxed child process."""
    return default_parser().read_annotations(path, limits=limits)


def quote_rects_in_subprocess(
    path: str | PathLike[str], quotes: list[QuoteQuery], limits: Limits = DEFAULT_LIMITS
) -> list[Rects | None]:
    """The rectangles of ``quotes`` in the PDF at ``path``, found in a sandboxed child process."""
    return default_parser().quote_rects(path, quotes, limits=limits)


def annotate_in_subprocess(
    path: str | PathLike[str], out: str | PathLike[str], marks: list[PdfMark], limits: Limits = DEFAULT_LIMITS
) -> int:
    """Write an annotated copy of the PDF at ``path`` to ``out``, in a sandboxed child process."""
    return default_parser().annotate(path, out, marks, limits=limits)


def parse_in_subprocess(
    path: str | PathLike[str],
    limits: Limits = DEFAULT_LIMITS,
    *,
    on_page: ProgressCallback | None = None,
    reuse_key: str | None = None,
) -> ParsedDocument:
    """Parse the PDF at ``path`` (a local file) in a resource-capped child process; see ``SubprocessParser``."""
    return default_parser().parse(path, limits=limits, on_page=on_page, reuse_key=reuse_key)


def _forget_inherited_templates() -> None:
    for parser in list(_live_parsers):
        parser._forget_inherited_template()


def _close_all() -> None:
    for parser in list(_live_parsers):
        parser.close()


os.register_at_fork(after_in_child=_forget_inherited_templates)
atexit.register(_close_all)


# --- the template process --------------------------------------------------------------------------


class _TemplateGone(Exception):
    pass


class _Template:
    """The ``child`` process, and the line-reading end of its stdout."""

    def __init__(self, process: "subprocess.Popen[bytes]") -> None:
        self.process = process
        self.owner = os.getpid()
        self._stdout = process.stdout.fileno() if process.stdout is not None else -1
        self._poller = select.poll()
        self._poller.register(self._stdout, select.POLLIN)
        self._buffer = bytearray()
        self._scanned = 0  # bytes of _buffer known to hold no newline
        self._jobs = 0

    @classmethod
    def start(cls, python: str) -> "_Template":
        process = subprocess.Popen(  # noqa: S603 -- our own interpreter and module, no shell, no user input
            [python, "-m", "documents.parsing.child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_child_environment(),
        )
        template = cls(process)
        try:
            ready = template.next_line(deadline=time.monotonic() + START_TIMEOUT_SECONDS, max_bytes=1024)
            if ready is None or "ready" not in json.loads(ready):
                raise _TemplateGone
        except (_TemplateGone, TimeoutError, ValueError) as error:
            template.kill()
            raise ParserUnavailable("The PDF parsing process did not start; see the worker's stderr.") from error
        return template

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None

    def submit(self, request: dict[str, Any]) -> int:
        """Send ``request`` as the next job; returns the job's number."""
        stdin = self.process.stdin
        if stdin is None:  # never: Popen was given stdin=PIPE
            raise BrokenPipeError
        self._jobs += 1
        stdin.write(encode({"job": self._jobs, **request}))
        stdin.flush()
        return self._jobs

    def next_line(self, *, deadline: float, max_bytes: int, wait: bool = True) -> bytes | None:
        """The next complete line; None when ``wait`` is false and no complete line is buffered yet.

        Raises ``TimeoutError`` at ``deadline``, ``_TemplateGone`` at end of file, and ``ParseError`` when a
        line grows past ``max_bytes`` (a job gone mad must not exhaust the worker's memory either).
        """
        while True:
            newline = self._buffer.find(b"\n", self._scanned)
            if newline >= 0:
                line = bytes(self._buffer[:newline])
                del self._buffer[: newline + 1]
                self._scanned = 0
                return line
            self._scanned = len(self._buffer)
            if self._scanned > max_bytes:
                raise ParseError(ErrorCode.TOO_LARGE, "The parser's result is larger than the text limit allows.")
            if not wait:
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if self._poller.poll(remaining * 1000):
                chunk = os.read(self._stdout, _READ_SIZE)
                if not chunk:
                    raise _TemplateGone
                self._buffer += chunk

    def close(self) -> None:
        """Ask it to exit (end of its stdin), then make sure it did."""
        if self.owner != os.getpid():
            return self.abandon()
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_stdout()

    def kill(self) -> None:
        """Kill it now; its job dies with it (``PR_SET_PDEATHSIG``)."""
        if self.owner != os.getpid():
            return self.abandon()
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        self._close_stdout()

    def abandon(self) -> None:
        """Close this process's copies of the pipes, leaving the template to the process that started it."""
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        self.process.returncode = 0  # it is not ours to wait for; keeps Popen's finaliser quiet

    def _close_stdout(self) -> None:
        with contextlib.suppress(OSError):
            if self.process.stdout is not None:
                self.process.stdout.close()


def _child_environment() -> dict[str, str]:
    """Only what Python needs: the worker's environment holds database and storage credentials, and the
    jobs read hostile files with C code; a file that subverted pdfium should find no secrets to send."""
    env = {name: os.environ[name] for name in _CHILD_ENVIRONMENT if name in os.environ}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    return env


# --- one job ---------------------------------------------------------------------------------------


class _Job:
    """Reads one job's events: progress to ``on_page``, then its answer (the line with its result or error)
    -- or, when it died without one, how it ended. The template reports the end of every job that ends, but
    once a job has given its result that report is not waited for (the job is exiting, off the critical
    path, or kept for the next document of its key); it is read and passed over at the start of the next
    job."""

    def __init__(
        self,
        template: _Template,
        job: int,
        limits: Limits,
        on_page: ProgressCallback | None,
    ) -> None:
        self.template = template
        self.job = job
        self.limits = limits
        self.on_page = on_page
        self.deadline = time.monotonic() + limits.max_seconds + GRACE_SECONDS
        self.pid: int | None = None
        """The job process that answered (``pid`` of its result or error line)."""
        # Every character may take 12 bytes of escaped JSON (a pair of surrogates) plus the JSON around the pages.
        self.max_line_bytes = 12 * limits.max_text_chars + (16 << 20)

    def answer(self) -> dict[str, Any] | ParseError:
        """The job's answer (its event with a ``result`` or an ``error``, for ``_verdict_from_wire``), or the
        ``ParseError`` saying why there is none. Raises only when the exchange itself failed."""
        progress: tuple[int, int] | None = None
        while True:
            # Progress is passed on once the lines that have arrived are read: a burst of pages read
            # while the worker was busy becomes one callback with the latest count.
            line = self._next_line(wait=progress is None)
            if line is None and progress is not None:
                self._report(progress)
                progress = None
                continue
            event = _decode(line)
            if event is None:
                continue
            if "progress" in event:
                done, total = event["progress"]
                progress = (int(done), int(total))
                continue
            if progress is not None:
                self._report(progress)
                progress = None
            if "result" in event or "error" in event:
                self.pid = event.get("pid") if isinstance(event.get("pid"), int) else None
                return event
            if "exit" in event and event["exit"].get("job") == self.job:
                return _error_for_exit(event["exit"], self.limits)

    def _next_line(self, *, wait: bool) -> bytes | None:
        try:
            return self.template.next_line(deadline=self.deadline, max_bytes=self.max_line_bytes, wait=wait)
        except TimeoutError:
            raise ParseError(ErrorCode.TIMEOUT, _timeout_message(self.limits)) from None
        except _TemplateGone:
            raise ParserUnavailable("The PDF parsing process died during a parse.") from None

    def _report(self, progress: tuple[int, int]) -> None:
        if self.on_page is not None:
            self.on_page(*progress)


def _decode(line: bytes | None) -> dict[str, Any] | None:
    """An event, or None for a blank line or a result line cut short when its job was killed mid-write."""
    if not line:
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


def _verdict_from_wire(event: dict[str, Any], decode: Callable[[Any], Any]) -> Any:
    """The job's own verdict. Malformed only if the job was subverted by the file, so that counts as corrupt."""
    try:
        if "result" in event:
            return decode(event["result"])
        return error_from_wire(event["error"])
    except (KeyError, TypeError, ValueError):
        return ParseError(ErrorCode.CORRUPT, "The PDF reader returned a malformed result.")


def _error_for_exit(exit: dict[str, Any], limits: Limits) -> ParseError:
    """Why a job ended without saying so itself: it was killed, or it crashed."""
    code = int(exit["exit_code"])
    if exit["timed_out"] or code == -signal.SIGXCPU:
        return ParseError(ErrorCode.TIMEOUT, _timeout_message(limits))
    # Out of address space, pdfium aborts (SIGABRT) or faults rather than raising; the kernel's OOM killer
    # sends SIGKILL. A crash with half the cap in use is taken as the cap; a crash without, as the file.
    if code == -signal.SIGKILL or (code < 0 and int(exit["max_rss_bytes"]) >= limits.max_memory_bytes // 2):
        return ParseError(
            ErrorCode.TOO_LARGE, f"Reading the PDF needs more than {readable_size(limits.max_memory_bytes)} of memory."
        )
    if code < 0:
        return ParseError(ErrorCode.CORRUPT, f"The PDF crashed the reader ({_signal_name(-code)}).")
    return ParseError(ErrorCode.CORRUPT, "The PDF reader stopped without a result.")


def _timeout_message(limits: Limits) -> str:
    return f"Parsing took longer than {limits.max_seconds:g} s."


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
