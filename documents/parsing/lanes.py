"""Parse lanes: at most N sandboxed reads of uploaded files run at once on a machine, however many worker
processes want one.

A worker runs more pool processes than lanes (lanes + 1 by default, see ``docker/start.sh``), so that while
a lane parses one document, another process claims, downloads and stores the next: a lane never waits for
the queue, storage or the database. Lanes are at most the CPUs, so parses do not share cores with each
other, and the memory the jobs may take stays within lanes x ``Limits.max_memory_bytes``.

A lane is an ``flock`` on a file of one folder: the kernel drops the lock when its holder dies (a pool
process killed mid-parse), so a lane is never lost. Locks are taken on a descriptor opened for that one
hold and closed after it, so neither a fork nor a thread shares one.
"""

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


class Lanes:
    def __init__(self, folder: str | os.PathLike[str], count: int) -> None:
        if count < 1:
            raise ValueError(f"at least one parse lane is needed, not {count}")
        self.folder = Path(folder)
        self.count = count

    @contextlib.contextmanager
    def held(self) -> Iterator[int]:
        """Wait for a free lane and hold it for the block; gives the lane's number."""
        lane, fd = self._acquire()
        try:
            yield lane
        finally:
            os.close(fd)  # drops the lock

    def _acquire(self) -> tuple[int, int]:
        self.folder.mkdir(parents=True, exist_ok=True)
        # Each process starts its search at a lane of its own, so waiting processes spread over the lanes.
        first = os.getpid() % self.count
        order = [(first + offset) % self.count for offset in range(self.count)]
        for lane in order:
            fd = self._open(lane)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return lane, fd
        fd = self._open(first)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # all busy: wait for this process's own lane
        except BaseException:
            os.close(fd)
            raise
        return first, fd

    def _open(self, lane: int) -> int:
        return os.open(self.folder / f"lane-{lane}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


_lanes: Lanes | None = None


def use_lanes(lanes: Lanes | None) -> None:
    """Make every sandboxed read of this process (and of processes forked from it) hold one of ``lanes``;
    None: no limit (the default: one process parses one document at a time anyway)."""
    global _lanes
    _lanes = lanes


def parse_lane() -> contextlib.AbstractContextManager[int | None]:
    """A lane of the configured ``Lanes`` for the block, or nothing to wait for when none are configured."""
    return _lanes.held() if _lanes is not None else contextlib.nullcontext()
