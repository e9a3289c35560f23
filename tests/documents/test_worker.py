"""The parse task in real Celery workers (prefork, as deployed), killed and restarted by the test.

Each worker is a subprocess on the test's own PostgreSQL database, Redis database and moto bucket, so the
tests commit what they set up (``transaction=True``) and watch the rows the worker writes. Every test has
a queue of its own. Nothing here asserts on speed: the deadlines only stop a test that would hang.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import transaction
from django.db.models import Count

from accounts.models import User
from bench import REPO_ROOT
from documents.models import Document, Page
from documents.services import parse_priority
from documents.tasks import parse_document
from tests.documents import pdfs
from tests.factories import make_team

pytestmark = pytest.mark.django_db(transaction=True)

LINE = "The quick brown fox jumps over the lazy dog; pack my box with five dozen jugs."
# Pages dense with text: parsing them takes seconds (about 600 pages a second here), long enough to catch
# the worker mid-parse. The test does not depend on the speed: see _interrupt.
LONG_REPORT_PAGES = 2000
# The broker's production visibility timeout is ten minutes; the worker started after a crash gets the
# killed worker's task back after this many seconds instead (plus up to its 5-second restore interval).
SHORT_VISIBILITY_TIMEOUT = 2
DEADLINE = 120.0


def _page_text(index: int) -> str:
    return "\n".join(f"{index}.{line} {LINE}" for line in range(50))


class Worker:
    """``celery worker`` in a session (process group) of its own, so it can be killed whole."""

    def __init__(self, environment: dict[str, str], *, queue: str, log: Path) -> None:
        self.log = log
        command = [
            sys.executable, "-m", "celery", "-A", "scrollkeeper", "worker", "--pool=prefork", "--concurrency=1",
            "-Q", queue, "-n", f"{log.stem}-{uuid.uuid4().hex[:8]}@%h", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    def pool_processes(self) -> list[int]:
        """The prefork pool's processes: the main process's children."""
        return _children(self.process.pid)

    def parsing_processes(self) -> list[int]:
        """The parser's template processes (``documents.parsing.child``) among the pool's children."""
        return [child for pool in self.pool_processes() for child in _children(pool) if _runs_the_parser(child)]

    def kill(self) -> None:
        """SIGKILL to the main process and its pool at once, as the OOM killer or a lost machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def kill_pool(self) -> None:
        """SIGKILL to the pool process alone (the OOM killer's usual choice: the one parsing), and wait until
        the main process has noticed and started another."""
        (pool,) = self.pool_processes()
        os.kill(pool, signal.SIGKILL)
        _wait_for(lambda: pool not in self.pool_processes(), "the worker to replace its pool process", self)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        # The parser's processes are in the group too; whatever outlived the main process goes now.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _runs_the_parser(pid: int) -> bool:
    try:
        return b"documents.parsing.child" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


@pytest.fixture
def worker_environment(settings: Any, tmp_path: Path) -> dict[str, str]:
    """What a deployed worker would be given, pointing at this test's database, Redis database and bucket."""
    database = settings.DATABASES["default"]
    credentials = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else "")
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_", "SCROLLKEEPER_", "DJANGO_", "CELERY_", "PARSE_", "S3_"))
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "scrollkeeper.settings.base",
        "DJANGO_ENV": "test",
        "DATABASE_URL": f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "DB_CONN_MAX_AGE": "0",
        "REDIS_URL": settings.REDIS_URL,
        "S3_ENDPOINT_URL": settings.S3_ENDPOINT_URL,
        "S3_BUCKET": settings.S3_BUCKET,
        "S3_ACCESS_KEY_ID": settings.S3_ACCESS_KEY_ID,
        "S3_SECRET_ACCESS_KEY": settings.S3_SECRET_ACCESS_KEY,
        "SCROLLKEEPER_VAR_DIR": str(tmp_path / "var"),
    }


class Workers:
    """The workers of one test, all on a queue of its own; every one still running is stopped at the end."""

    def __init__(self, environment: dict[str, str], folder: Path) -> None:
        self.environment = environment
        self.folder = folder
        self.queue = f"parse-test-{uuid.uuid4().hex}"
        self.started: list[Worker] = []

    def start(self, **environment: str) -> Worker:
        log = self.folder / f"worker-{len(self.started) + 1}.log"
        worker = Worker({**self.environment, **environment}, queue=self.queue, log=log)
        self.started.append(worker)
        return worker

    def enqueue(self, document: Document) -> None:
        """As ``documents.services`` enqueues a parse (with its priority), on this test's queue."""
        parse_document.apply_async(args=(str(document.pk),), queue=self.queue, priority=parse_priority(document))

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


@pytest.fixture
def workers(worker_environment: dict[str, str], tmp_path: Path) -> Iterator[Workers]:
    started = Workers(worker_environment, tmp_path)
    yield started
    started.stop_all()


def _wait_for(condition: Callable[[], bool], what: str, *workers: Worker) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {worker.log.name}\n{worker.output()}" for worker in workers)
            pytest.fail(f"gave up waiting for {what} after {DEADLINE:.0f} s\n{logs}")
        time.sleep(0.05)


def _finished(document: Document) -> Callable[[], bool]:
    finished = {Document.State.READY, Document.State.FAILED}
    return lambda: Document.objects.filter(pk=document.pk, state__in=finished).exists()


def _kill_mid_parse(
    kill: Callable[[], None], document: Document, *, attempt: int, pages_done: bool, worker: Worker
) -> None:
    """Call ``kill`` once ``document`` is being parsed for the ``attempt``-th time (with pages reported done,
    if ``pages_done``), its result not stored.

    Whatever the machine's speed, the worker cannot finish in between: the document's row is locked from
    the moment it is seen mid-parse until ``kill`` returns, and both the progress updates and the final
    store wait for that lock.
    """

    def mid_parse() -> bool:
        state, done, attempts = Document.objects.values_list("state", "pages_done", "attempts").get(pk=document.pk)
        if state in {Document.State.READY, Document.State.FAILED}:
            pytest.fail(f"the parse ended ({state}) before it could be interrupted: make the file longer")
        return state == Document.State.PARSING and attempts == attempt and (done > 0 or not pages_done)

    _wait_for(mid_parse, f"parse attempt {attempt} to be under way", worker)
    with transaction.atomic():
        locked = Document.objects.select_for_update().values_list("state", "attempts").get(pk=document.pk)
        assert locked == (Document.State.PARSING, attempt)
        kill()


# --- the test: a worker killed mid-parse ---------------------------------------------------


def test_a_worker_killed_mid_parse_leaves_the_document_ready_after_a_new_worker_starts(
    workers: Workers, stored_document: Callable[..., Document], tmp_path: Path
) -> None:
    """GIVEN a long document being parsed WHEN its worker is killed with SIGKILL (the main process and its
    pool at once, so nothing acks or rejects the task) THEN the broker hands the task to the next worker
    once the visibility timeout has passed, and the document ends ``ready`` with one row per page, after
    two counted attempts."""
    path = pdfs.write_pdf(tmp_path / "report.pdf", [_page_text(i) for i in range(LONG_REPORT_PAGES)])
    document = stored_document(path.read_bytes(), title="Long report")
    first = workers.start()
    workers.enqueue(document)

    _kill_mid_parse(first.kill, document, attempt=1, pages_done=True, worker=first)
    assert Document.objects.get(pk=document.pk).state == Document.State.PARSING, "nothing finishes a killed parse"
    second = workers.start(CELERY_VISIBILITY_TIMEOUT=str(SHORT_VISIBILITY_TIMEOUT))
    _wait_for(_finished(document), "the second worker to finish the document", second)

    document.refresh_from_db()
    assert (document.state, document.error_code, document.attempts) == (Document.State.READY, "", 2)
    assert document.pages_total == document.pages_done == LONG_REPORT_PAGES
    pages = Page.objects.filter(document=document)
    assert pages.count() == LONG_REPORT_PAGES
    assert not pages.values("index").annotate(rows=Count("id")).filter(rows__gt=1).exists()
    assert sorted(pages.values_list("index", flat=True)) == list(range(LONG_REPORT_PAGES))
    for index in (0, LONG_REPORT_PAGES // 2, LONG_REPORT_PAGES - 1):
        assert pages.get(index=index).text == _page_text(index)


def test_a_pool_process_killed_mid_parse_is_replaced_and_the_task_rerun_at_once(
    workers: Workers, stored_document: Callable[..., Document], tmp_path: Path
) -> None:
    """GIVEN a file that kills the pool process parsing it, every time (as the OOM killer would) WHEN the
    worker's main process survives THEN it requeues the task at once (``reject_on_worker_lost``), and after
    PARSE_MAX_ATTEMPTS deaths the document fails as corrupt instead of killing workers forever."""
    path = pdfs.write_pdf(tmp_path / "report.pdf", [_page_text(i) for i in range(LONG_REPORT_PAGES // 4)])
    document = stored_document(path.read_bytes(), title="Poison")
    worker = workers.start()
    workers.enqueue(document)

    for attempt in range(1, 4):
        _kill_mid_parse(worker.kill_pool, document, attempt=attempt, pages_done=False, worker=worker)
    _wait_for(_finished(document), "the fourth delivery", worker)

    document.refresh_from_db()
    assert (document.state, document.error_code, document.attempts) == (Document.State.FAILED, "corrupt", 4)
    assert worker.process.poll() is None
    assert not Page.objects.filter(document=document).exists()


# --- hostile files: the parser's child dies, the worker does not --------------------------------------


def test_files_that_kill_the_parser_fail_while_the_worker_lives_on(
    workers: Workers, stored_document: Callable[..., Document], tmp_path: Path
) -> None:
    """GIVEN a worker whose parse budget is 2 s WHEN it is sent a file that draws forms for ever and one that
    inflates to 300 MB (their parse jobs are killed at the time budget, or die at the address-space cap),
    then a good one THEN the first two fail with their codes, the good one is ready, all in the same pool
    process."""
    fan_out = pdfs.xobject_fan_out(tmp_path / "fan-out.pdf", depth=7, width=10, pages=30)
    bomb = pdfs.decompression_bomb(tmp_path / "bomb.pdf", megabytes=300, pages=30)
    good = pdfs.write_pdf(tmp_path / "good.pdf", ["A page after the storm."])
    documents = [
        stored_document(fan_out.read_bytes(), title="Fan-out"),
        stored_document(bomb.read_bytes(), title="Bomb"),
        stored_document(good.read_bytes(), title="Good"),
    ]
    worker = workers.start(PARSE_MAX_SECONDS="2")
    # Once it says it is ready: while it starts, short-lived helpers come and go among its children.
    _wait_for(lambda: " ready." in worker.log.read_text(errors="replace"), "the worker to be ready", worker)
    pool = worker.pool_processes()
    assert len(pool) == 1
    for document in documents:
        workers.enqueue(document)

    for document in documents:
        _wait_for(_finished(document), f"{document.title} to be parsed", worker)

    fan_out_document, bomb_document, good_document = (Document.objects.get(pk=d.pk) for d in documents)
    # Which limit a hostile file meets first depends on the machine: both files grow memory as they go.
    for hostile in (fan_out_document, bomb_document):
        assert hostile.state == Document.State.FAILED
        assert hostile.error_code in {"timeout", "too_large"}, hostile.error_message
    assert good_document.state == Document.State.READY
    assert list(Page.objects.filter(document=good_document).values_list("text", flat=True)) == [
        "A page after the storm."
    ]
    assert [d.attempts for d in (fan_out_document, bomb_document, good_document)] == [1, 1, 1]
    assert worker.process.poll() is None, "the worker is still running"
    assert worker.pool_processes() == pool, "the same pool process parsed all three"


# --- a pool process gets ready before its first task --------------------------------------------------


def test_a_new_pool_process_starts_its_parsing_process_before_its_first_task(workers: Workers) -> None:
    """GIVEN a worker that has been sent no task WHEN it starts THEN its pool process starts the parser's
    template at once (``worker_process_init``), so the first document after a (re)start does not wait for it."""
    worker = workers.start()

    _wait_for(lambda: len(worker.parsing_processes()) == 1, "the pool process to start its parser", worker)


# --- one team's backlog, another team's paper --------------------------------------------------------


def test_a_teams_backlog_waits_behind_another_teams_document(
    workers: Workers, stored_document: Callable[..., Document], owner: User, settings: Any, tmp_path: Path
) -> None:
    """GIVEN a team that queued five documents, two of them within its share, then another team that queued
    one WHEN a worker starts on them THEN it parses the other team's document right after the first team's
    share, before the rest of that team's backlog."""
    settings.PARSE_TEAM_SHARE = 2
    paper = pdfs.write_pdf(tmp_path / "paper.pdf", ["A short paper."]).read_bytes()
    for number in range(5):
        workers.enqueue(stored_document(paper, title=f"Backlog {number}"))
    other_team = make_team(owner=owner, name="Other lab")
    workers.enqueue(stored_document(paper, title="Elsewhere", in_team=other_team))

    worker = workers.start()
    _wait_for(lambda: not Document.objects.exclude(state=Document.State.READY).exists(), "every parse", worker)

    parsed = Document.objects.order_by("parsed_at").values_list("title", flat=True)
    assert list(parsed) == ["Backlog 0", "Backlog 1", "Elsewhere", "Backlog 2", "Backlog 3", "Backlog 4"]


# --- the setting the first test relies on ------------------------------------------------------------


@pytest.mark.parametrize(("visibility_timeout", "accepted"), [("301", True), ("300", False)])
def test_production_refuses_a_visibility_timeout_within_the_hard_time_limit(
    visibility_timeout: str, accepted: bool
) -> None:
    """A visibility timeout at or under the hard time limit would hand running tasks to a second worker."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "CELERY_TASK_TIME_LIMIT": "300",
        "CELERY_VISIBILITY_TIMEOUT": visibility_timeout,
        "SCROLLKEEPER_VAR_DIR": "/nonexistent",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    }
    script = "import scrollkeeper.settings.base as s; print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=False
    )

    if accepted:
        assert (result.returncode, result.stdout.strip()) == (0, visibility_timeout), result.stderr
    else:
        assert result.returncode != 0
        assert "CELERY_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT" in result.stderr
