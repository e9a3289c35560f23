"""Parse lanes: how many sandboxed reads a machine runs at once, across processes (documents.parsing.lanes)."""

import contextlib
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from documents.parsing import Lanes, SubprocessParser, use_lanes
from documents.parsing.lanes import parse_lane
from tests.documents import pdfs

WAIT = 10.0
"""Seconds a test waits for something that should happen at once (it fails instead of hanging)."""


class _Holder:
    """A thread that takes a lane when started and keeps it until released."""

    def __init__(self, lanes: Lanes) -> None:
        self.lanes = lanes
        self.taken = threading.Event()
        self.release = threading.Event()
        self.lane: int | None = None
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        with self.lanes.held() as lane:
            self.lane = lane
            self.taken.set()
            self.release.wait(WAIT)

    def start(self) -> "_Holder":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.thread.join(WAIT)


@pytest.fixture
def holders() -> Iterator[list[_Holder]]:
    started: list[_Holder] = []
    yield started
    for holder in started:
        holder.stop()


def test_one_lane_is_held_by_one_at_a_time(tmp_path: Path, holders: list[_Holder]) -> None:
    lanes = Lanes(tmp_path, 1)
    first = _Holder(lanes).start()
    second = _Holder(lanes)
    holders += [first, second]
    assert first.taken.wait(WAIT)

    second.start()
    assert not second.taken.wait(0.2)  # it waits ...
    first.stop()
    assert second.taken.wait(WAIT)  # ... until the lane is free


def test_each_of_several_lanes_takes_one(tmp_path: Path, holders: list[_Holder]) -> None:
    lanes = Lanes(tmp_path, 2)
    first, second, third = _Holder(lanes), _Holder(lanes), _Holder(lanes)
    holders += [first, second, third]
    for holder in (first, second):
        holder.start()
        assert holder.taken.wait(WAIT)
    assert {first.lane, second.lane} == {0, 1}

    third.start()
    assert not third.taken.wait(0.2)
    first.stop()
    second.stop()
    assert third.taken.wait(WAIT)


def test_the_lane_of_a_killed_process_is_free_again(tmp_path: Path) -> None:
    """A pool process killed mid-parse (SIGKILL, the OOM killer) cannot release its lane; the kernel does."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from documents.parsing import Lanes\n"
            f"with Lanes({str(tmp_path)!r}, 1).held():\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        taken = threading.Event()
        waiter = threading.Thread(target=lambda: _take_once(Lanes(tmp_path, 1), taken), daemon=True)
        waiter.start()
        assert not taken.wait(0.2)

        holder.send_signal(signal.SIGKILL)
        assert taken.wait(WAIT)
    finally:
        holder.kill()
        holder.wait()


def _take_once(lanes: Lanes, taken: threading.Event) -> None:
    with lanes.held():
        taken.set()


@contextlib.contextmanager
def _a_parse_behind_a_held_lane(
    tmp_path: Path, holders: list[_Holder], *, template_started: bool
) -> Iterator[tuple[SubprocessParser, _Holder, threading.Event]]:
    """The process reads in one lane, which another holder has; a parse of a small PDF is started in a
    thread. Gives the parser, the holder and the event set once the parse is done."""
    article = pdfs.write_pdf(tmp_path / "article.pdf", ["Lanes."])
    lanes = Lanes(tmp_path / "lanes", 1)
    parser = SubprocessParser()
    if template_started:
        parser.start()
    use_lanes(lanes)
    try:
        holder = _Holder(lanes).start()
        holders.append(holder)
        assert holder.taken.wait(WAIT)
        parsed = threading.Event()

        def parse() -> None:
            parser.parse(article)
            parsed.set()

        threading.Thread(target=parse, daemon=True).start()
        yield parser, holder, parsed
    finally:
        use_lanes(None)
        parser.close()


def test_sandboxed_reads_wait_for_a_lane(tmp_path: Path, holders: list[_Holder]) -> None:
    """GIVEN the process reads in lanes, one of them WHEN another holder has it THEN a parse waits for it."""
    with _a_parse_behind_a_held_lane(tmp_path, holders, template_started=True) as (_, holder, parsed):
        assert not parsed.wait(0.5)

        holder.stop()
        assert parsed.wait(WAIT)


def test_a_parser_starts_its_template_before_it_waits_for_a_lane(tmp_path: Path, holders: list[_Holder]) -> None:
    """A template's start (~0.45 s) is not done while holding a lane that other documents wait for."""
    with _a_parse_behind_a_held_lane(tmp_path, holders, template_started=False) as (parser, holder, parsed):
        deadline = time.monotonic() + WAIT
        while parser.template_pid is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert parser.template_pid is not None  # started while the lane is still held by another
        assert not parsed.is_set()

        holder.stop()
        assert parsed.wait(WAIT)


def test_without_lanes_nothing_is_waited_for() -> None:
    with parse_lane() as lane:
        assert lane is None


def test_a_worker_reads_in_the_machines_lanes(tmp_path: Path, settings: Any) -> None:
    """Celery's worker start configures the lanes from the settings, for every pool process it forks."""
    from scrollkeeper.celery import _parse_in_lanes

    settings.PARSE_LANES = 3
    settings.PARSE_LANES_DIR = str(tmp_path)
    _parse_in_lanes()
    try:
        with parse_lane() as lane:
            assert lane in {0, 1, 2}
            assert sorted(path.name for path in tmp_path.iterdir()) == [f"lane-{lane}.lock"]
    finally:
        use_lanes(None)


def test_at_least_one_lane(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one"):
        Lanes(tmp_path, 0)
