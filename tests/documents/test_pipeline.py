"""The parse pipeline at the service level: stored file -> ``document_parse`` -> pages and metadata in PostgreSQL.

Every file is generated (``tests.documents.pdfs``) and stored on the moto S3 server; the parse runs in the
sandboxed child process, as in the worker. The Celery worker itself is exercised in ``test_worker.py``.
"""

import asyncio
import hashlib
import io
import os
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from core.storage import get_storage
from documents.events import team_group
from documents.models import Document, Page
from documents.services import (
    BACKLOG_PRIORITY,
    TransientError,
    document_fail_unavailable,
    document_parse,
    documents_requeue_stalled,
    parse_priority,
)
from documents.tasks import parse_document
from teams.models import Team
from tests.documents import pdfs
from tests.factories import make_team

pytestmark = pytest.mark.django_db

PAGES = [
    "Coherent Light in Thin Films\nGrace Hopper and Emmy Noether\nhttps://doi.org/10.1364/OL.44.000123",
    "Methods.\narXiv:2403.01234v1 [physics.optics] Measured at (532 nm) with a \\ slit.",
    "",  # an image only: a scan without OCR
    "Results.\nThe fringes moved by half a period.",
]
METADATA = {
    "/Title": "Coherent Light in Thin Films",
    "/Author": "Grace Hopper; Emmy Noether",
    "/Subject": "Optics",
    "/Keywords": "interference, thin films",
    "/CreationDate": "D:20240305120000Z",
    "/Creator": "LaTeX with hyperref",
}
OUTLINE = [pdfs.Bookmark("Introduction", 0, [pdfs.Bookmark("Methods", 1)]), pdfs.Bookmark("Results", 3)]


@pytest.fixture
def article(tmp_path: Path) -> bytes:
    path = pdfs.write_pdf(tmp_path / "article.pdf", PAGES, metadata=METADATA, outline=OUTLINE, image_only=[2])
    return path.read_bytes()


def _url(document: Document) -> str:
    return f"/api/v1/teams/{document.team_id}/documents/{document.pk}"


def _pages(document: Document) -> list[tuple[int, str, bool]]:
    return list(Page.objects.filter(document=document).values_list("index", "text", "has_text_layer"))


class GroupListener:
    """A channel-layer member of one group, as a browser's socket is, on an event loop of its own thread."""

    def __init__(self, group: str) -> None:
        self.group = group
        self.layer = get_channel_layer()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.channel: str = self._run(self.layer.new_channel())
        self._run(self.layer.group_add(group, self.channel))

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=20)

    def received_so_far(self) -> list[dict[str, Any]]:
        """Every event sent to the group until now: a marker is sent last and read up to (Redis keeps order)."""
        marker = {"type": "test.marker", "event": {"type": "test.marker"}}
        self._run(self.layer.group_send(self.group, marker))
        events: list[dict[str, Any]] = []
        while True:
            message = self._run(asyncio.wait_for(self.layer.receive(self.channel), timeout=10))
            if message["type"] == "test.marker":
                return events
            events.append(message["event"])

    def close(self) -> None:
        self._run(self.layer.group_discard(self.group, self.channel))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def listener(team: Team) -> Iterator[GroupListener]:
    listening = GroupListener(team_group(team.pk))
    yield listening
    listening.close()


# --- a good document -------------------------------------------------------------------------------


def test_a_teams_documents_beyond_its_share_are_queued_behind_other_teams(
    stored_document: Callable[..., Document], owner: User, settings: Any
) -> None:
    """The broker priority of a new parse: 0 (first) while the team has at most PARSE_TEAM_SHARE documents
    queued, lower beyond that; another team's document, and documents no longer queued, do not count.
    (test_worker has a real worker serve them in that order.)"""
    settings.PARSE_TEAM_SHARE = 2
    stored_document(b"%PDF-1.7", title="Done", state=Document.State.READY)
    priorities = []
    for number in range(3):  # as uploads complete: each is queued, then its parse enqueued
        priorities.append(parse_priority(stored_document(b"%PDF-1.7", title=f"Queued {number}")))
    other = stored_document(b"%PDF-1.7", title="Elsewhere", in_team=make_team(owner=owner, name="Other lab"))

    assert priorities == [0, 0, BACKLOG_PRIORITY]
    assert parse_priority(other) == 0
    Document.objects.filter(title="Queued 0").update(state=Document.State.PARSING)
    assert parse_priority(stored_document(b"%PDF-1.7", title="Queued 3")) == BACKLOG_PRIORITY
    Document.objects.filter(title__in=["Queued 1", "Queued 2"]).update(state=Document.State.READY)
    assert parse_priority(stored_document(b"%PDF-1.7", title="Queued 4")) == 0, "the backlog went down to 2"


def test_a_parsed_document_is_ready_with_its_pages_and_metadata(
    stored_document: Callable[..., Document], article: bytes, owner_client: APIClient
) -> None:
    document = stored_document(article)

    document_parse(document_id=str(document.pk))

    document.refresh_from_db()
    assert (document.state, document.error_code, document.attempts) == (Document.State.READY, "", 1)
    assert document.pages_total == document.pages_done == len(PAGES)
    assert _pages(document) == [(i, text, i != 2) for i, text in enumerate(PAGES)]
    page = Page.objects.get(document=document, index=0)
    assert (page.width, page.height, page.rotation) == (612.0, 792.0, 0)
    assert document.title == "Coherent Light in Thin Films"
    assert document.authors == ["Grace Hopper", "Emmy Noether"]
    assert document.metadata["subject"] == "Optics"
    assert document.metadata["keywords"] == ["interference", "thin films"]
    assert document.metadata["created_at"] == "2024-03-05T12:00:00+00:00"
    assert document.metadata["creator"] == "LaTeX with hyperref"
    assert document.outline == [
        {"title": "Introduction", "page_index": 0, "children": [{"title": "Methods", "page_index": 1, "children": []}]},
        {"title": "Results", "page_index": 3, "children": []},
    ]
    assert document.doi == "10.1364/OL.44.000123"
    assert document.arxiv_id == "2403.01234v1"
    assert document.sha256 == hashlib.sha256(article).hexdigest()
    assert document.pages_without_text == [2]
    assert document.duplicate_of is None
    assert document.parsed_at is not None

    body = owner_client.get(_url(document)).json()
    assert (body["state"], body["error"], body["pages_done"], body["doi"]) == ("ready", None, 4, document.doi)


def test_a_rerun_replaces_the_pages_instead_of_adding_to_them(
    stored_document: Callable[..., Document], article: bytes
) -> None:
    """GIVEN a parsed document WHEN its task is delivered again after the worker died before acking (the row
    back in ``parsing``, as a killed worker leaves it) THEN the pages are replaced, not duplicated."""
    document = stored_document(article)
    document_parse(document_id=str(document.pk))
    first = _pages(document)
    Document.objects.filter(pk=document.pk).update(state=Document.State.PARSING)

    document_parse(document_id=str(document.pk))

    document.refresh_from_db()
    assert (document.state, document.attempts) == (Document.State.READY, 2)
    assert _pages(document) == first
    assert Page.objects.filter(document=document).count() == len(PAGES)


def test_a_finished_document_is_not_parsed_again(stored_document: Callable[..., Document], article: bytes) -> None:
    """A duplicate delivery of a task whose document is ready (or failed) is a no-op."""
    document = stored_document(article)
    document_parse(document_id=str(document.pk))
    parsed_at = Document.objects.get(pk=document.pk).parsed_at

    document_parse(document_id=str(document.pk))

    document.refresh_from_db()
    assert (document.attempts, document.parsed_at) == (1, parsed_at)
    document_parse(document_id="00000000-0000-0000-0000-000000000000")  # deleted meanwhile: nothing to do


def test_the_same_bytes_twice_in_a_team_are_flagged_as_a_duplicate(
    stored_document: Callable[..., Document], article: bytes, owner: User
) -> None:
    first = stored_document(article, title="Original")
    document_parse(document_id=str(first.pk))
    second = stored_document(article, title="Copy")
    other_team = make_team(owner=owner, name="Another lab")
    elsewhere = Document.objects.create(
        team=other_team,
        uploaded_by=owner,
        title="Elsewhere",
        filename="elsewhere.pdf",
        size=len(article),
        storage_key=f"teams/{other_team.pk}/documents/elsewhere.pdf",
    )
    get_storage().upload_from(key=elsewhere.storage_key, fileobj=io.BytesIO(article), content_type="application/pdf")

    document_parse(document_id=str(second.pk))
    document_parse(document_id=str(elsewhere.pk))

    first.refresh_from_db()
    second.refresh_from_db()
    elsewhere.refresh_from_db()
    assert first.sha256 == second.sha256 == elsewhere.sha256
    assert first.duplicate_of is None
    assert second.duplicate_of == first
    assert elsewhere.duplicate_of is None, "another team's copy is not this team's business"


def test_an_aes_file_with_an_empty_user_password_parses(
    stored_document: Callable[..., Document], tmp_path: Path
) -> None:
    path = pdfs.write_pdf(tmp_path / "locked.pdf", ["Readable by anyone."], user_password="")
    document = stored_document(path.read_bytes())

    document_parse(document_id=str(document.pk))

    document.refresh_from_db()
    assert document.state == Document.State.READY
    assert _pages(document) == [(0, "Readable by anyone.", True)]


def test_nul_bytes_never_reach_postgresql(stored_document: Callable[..., Document], tmp_path: Path) -> None:
    """GIVEN metadata and page text holding NUL and a lone surrogate (PostgreSQL rejects both, in text and
    in jsonb) WHEN the document is parsed THEN it is ready, with those characters gone."""
    path = pdfs.nul_metadata(tmp_path / "nul.pdf")
    document = stored_document(path.read_bytes())
    text = stored_document(pdfs.write_pdf(tmp_path / "text.pdf", ["Before\x00after"]).read_bytes(), title="Text")

    document_parse(document_id=str(document.pk))
    document_parse(document_id=str(text.pk))

    document.refresh_from_db()
    assert (document.state, document.title) == (Document.State.READY, "Null and void")
    assert document.authors == ["Ada Lovelace"]
    assert document.metadata["subject"] == "A"
    assert Document.objects.get(pk=text.pk).state == Document.State.READY
    assert _pages(text) == [(0, "Beforeafter", True)]


# --- hostile and broken files ----------------------------------------------------------------------


def _truncated(tmp_path: Path) -> bytes:
    data = pdfs.write_pdf(tmp_path / "whole.pdf", PAGES, metadata=METADATA).read_bytes()
    return data[: len(data) * 2 // 5]


def _encrypted(tmp_path: Path) -> bytes:
    return pdfs.write_pdf(tmp_path / "secret.pdf", ["Confidential."], user_password="hunter2").read_bytes()


def _page_bomb(tmp_path: Path) -> bytes:
    return pdfs.page_bomb(tmp_path / "bomb.pdf", pages=10_000).read_bytes()


def _decompression_bomb(tmp_path: Path) -> bytes:
    """~300 KB whose one content stream inflates to 300 MB, drawn by 30 pages."""
    return pdfs.decompression_bomb(tmp_path / "bomb.pdf", megabytes=300, pages=30).read_bytes()


HOSTILE: list[Any] = [
    pytest.param(_truncated, {"corrupt"}, id="truncated"),
    pytest.param(_encrypted, {"encrypted"}, id="encrypted"),
    pytest.param(_page_bomb, {"too_many_pages"}, id="page-bomb"),
    # Out of memory under RLIMIT_AS, or out of time while inflating: either way the file is refused.
    pytest.param(_decompression_bomb, {"too_large", "timeout"}, id="decompression-bomb"),
    pytest.param(lambda _: b"%PDF-1.7\n" + os.urandom(20_000), {"corrupt"}, id="header-then-junk"),
    pytest.param(lambda _: b"%PDF-garbage\n" + os.urandom(4_000), {"not_a_pdf"}, id="unparseable-header"),
    pytest.param(lambda _: b"\x89PNG\r\n\x1a\n" + os.urandom(4_000), {"not_a_pdf"}, id="png"),
]


@pytest.mark.parametrize(("make", "codes"), HOSTILE)
def test_a_bad_file_fails_with_its_code_and_the_api_shows_it(
    make: Callable[[Path], bytes],
    codes: set[str],
    stored_document: Callable[..., Document],
    tmp_path: Path,
    owner_client: APIClient,
    settings: Any,
) -> None:
    settings.PARSE_MAX_PAGES = 100
    settings.PARSE_MAX_MEMORY_BYTES = 384 << 20
    settings.PARSE_MAX_SECONDS = 8
    document = stored_document(make(tmp_path))

    document_parse(document_id=str(document.pk))

    document.refresh_from_db()
    assert document.state == Document.State.FAILED
    assert document.error_code in codes
    assert document.error_message
    assert document.attempts == 1, "a bad file is not retried"
    assert not Page.objects.filter(document=document).exists()
    body = owner_client.get(_url(document)).json()
    assert body["state"] == "failed"
    retryable = document.error_code == "timeout"  # the machine may be less busy next time; the rest is the file
    assert body["error"] == {"code": document.error_code, "message": document.error_message, "retryable": retryable}
    retried = owner_client.post(f"{_url(document)}/retry")
    if retryable:
        assert retried.status_code == 202
    else:
        assert (retried.status_code, retried.json()["code"]) == (409, "not_retryable")
        assert "Upload a corrected file" in retried.json()["detail"]
        assert Document.objects.get(pk=document.pk).state == Document.State.FAILED


def test_a_file_that_stopped_the_worker_too_often_fails_without_being_parsed(
    stored_document: Callable[..., Document], article: bytes, settings: Any
) -> None:
    """GIVEN a document delivered again after killing its worker PARSE_MAX_ATTEMPTS times WHEN it comes
    back once more THEN it fails as corrupt, and nothing is parsed."""
    document = stored_document(article, state=Document.State.PARSING, attempts=settings.PARSE_MAX_ATTEMPTS)

    document_parse(document_id=str(document.pk))

    document.refresh_from_db()
    assert (document.state, document.error_code) == (Document.State.FAILED, "corrupt")
    assert str(settings.PARSE_MAX_ATTEMPTS) in document.error_message
    assert document.attempts == settings.PARSE_MAX_ATTEMPTS + 1
    assert (document.sha256, document.pages_total) == ("", None)
    assert not Page.objects.filter(document=document).exists()


# --- storage trouble -------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the probe is closed


@pytest.mark.parametrize("trouble", ["object-missing", "storage-down"])
def test_storage_trouble_requeues_without_counting_an_attempt(
    trouble: str, stored_document: Callable[..., Document], article: bytes, settings: Any
) -> None:
    document = stored_document(article)
    if trouble == "object-missing":
        get_storage().delete(key=document.storage_key)
    else:
        settings.S3_ENDPOINT_URL = f"http://127.0.0.1:{_closed_port()}"
        get_storage.cache_clear()

    with pytest.raises(TransientError):
        document_parse(document_id=str(document.pk))

    document.refresh_from_db()
    assert (document.state, document.attempts, document.error_code) == (Document.State.QUEUED, 0, "")


def test_storage_unavailable_through_every_retry_fails_the_document_retryably(
    stored_document: Callable[..., Document],
    article: bytes,
    owner_client: APIClient,
    listener: GroupListener,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GIVEN a document whose file cannot be fetched WHEN the task has been retried ``max_retries`` times
    (eagerly here, one retry right after the other) THEN ``on_failure`` fails it as ``storage_unavailable``
    -- not stuck in ``queued`` -- and its uploader may retry it."""
    document = stored_document(article)
    get_storage().delete(key=document.storage_key)
    # As in a worker, the failure goes through the task's handlers instead of up to the caller.
    monkeypatch.setitem(parse_document.app.conf, "task_eager_propagates", False)

    result = parse_document.apply(args=(str(document.pk),))

    assert result.state == "FAILURE"
    assert isinstance(result.result, TransientError)

    document.refresh_from_db()
    assert (document.state, document.error_code, document.attempts) == (Document.State.FAILED, "storage_unavailable", 0)
    assert "Try again" in document.error_message
    failed = [event for event in listener.received_so_far() if event["state"] == "failed"]
    assert [event["error"] for event in failed] == [
        {"code": "storage_unavailable", "message": document.error_message, "retryable": True}
    ]
    response = owner_client.post(f"{_url(document)}/retry")
    assert response.status_code < 300, response.json()
    assert Document.objects.get(pk=document.pk).state == Document.State.QUEUED


def test_failing_for_unavailable_storage_leaves_finished_documents_alone(
    stored_document: Callable[..., Document], article: bytes
) -> None:
    document = stored_document(article)
    document_parse(document_id=str(document.pk))

    document_fail_unavailable(document_id=str(document.pk))

    assert Document.objects.get(pk=document.pk).state == Document.State.READY


# --- events ----------------------------------------------------------------------------------------


def test_progress_is_sent_as_it_goes_and_the_change_once_committed(
    stored_document: Callable[..., Document],
    article: bytes,
    listener: GroupListener,
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = stored_document(article)

    with django_capture_on_commit_callbacks() as callbacks:
        document_parse(document_id=str(document.pk))
        before_commit = listener.received_so_far()

    progress = [event for event in before_commit if event["type"] == "document.progress"]
    assert [event["type"] for event in before_commit] == ["document.progress"] * len(progress)
    assert progress[0]["state"] == "parsing"
    assert progress[-1] == {
        "type": "document.progress",
        "team_id": str(document.team_id),
        "document_id": str(document.pk),
        "state": "ready",
        "pages_done": len(PAGES),
        "pages_total": len(PAGES),
        "error": None,
    }
    done = [event["pages_done"] for event in progress]
    assert done == sorted(done)

    for callback in callbacks:
        callback()
    changed = listener.received_so_far()
    assert changed == [
        {
            "type": "document.changed",
            "team_id": str(document.team_id),
            "document_id": str(document.pk),
            "deleted": False,
        }
    ]


def test_a_failure_is_sent_with_its_code(
    stored_document: Callable[..., Document], tmp_path: Path, listener: GroupListener
) -> None:
    document = stored_document(_encrypted(tmp_path))

    document_parse(document_id=str(document.pk))

    states = [(event["state"], event["error"]) for event in listener.received_so_far()]
    document.refresh_from_db()
    failure = {"code": "encrypted", "message": document.error_message, "retryable": False}
    assert states == [("parsing", None), ("failed", failure)]


def test_a_title_set_while_parsing_is_kept(stored_document: Callable[..., Document], tmp_path: Path) -> None:
    """GIVEN a member renames a document while it parses WHEN the parse stores THEN their title stays;
    an untouched title becomes the one in the file."""
    data = pdfs.write_pdf(tmp_path / "p.pdf", ["Text"], metadata={"/Title": "Title from the file"}).read_bytes()
    renamed = stored_document(data, title="Paper")
    Document.objects.filter(pk=renamed.pk).update(title="Our reading for Monday")
    document_parse(document_id=str(renamed.pk))
    renamed.refresh_from_db()
    assert (renamed.state, renamed.title) == (Document.State.READY, "Our reading for Monday")

    untouched = stored_document(data, title="Other")
    document_parse(document_id=str(untouched.pk))
    assert Document.objects.get(pk=untouched.pk).title == "Title from the file"


def test_a_document_deleted_while_parsing_stores_nothing(
    stored_document: Callable[..., Document], article: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a document deleted while the child process parses it WHEN the parse returns THEN nothing is
    stored and the task ends quietly."""
    import documents.parsing

    document = stored_document(article)
    real_parse = documents.parsing.parse_in_subprocess

    def parse_then_delete(*args: Any, **kwargs: Any) -> Any:
        parsed = real_parse(*args, **kwargs)
        Document.objects.filter(pk=document.pk).delete()
        return parsed

    monkeypatch.setattr(documents.parsing, "parse_in_subprocess", parse_then_delete)
    document_parse(document_id=str(document.pk))
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not Page.objects.filter(document_id=document.pk).exists()


@pytest.mark.usefixtures("eager_celery")
def test_a_document_orphaned_while_parsing_is_queued_again_and_parses(
    stored_document: Callable[..., Document], article: bytes, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """GIVEN a document left `parsing` longer than any task can run (its task hit the hard time limit)
    WHEN the periodic sweep runs THEN it is queued and parsed again; a recent one is left alone."""
    orphan = stored_document(article, title="Orphan", state=Document.State.PARSING, attempts=1)
    recent = stored_document(article, title="Recent", state=Document.State.PARSING, attempts=1)
    long_ago = timezone.now() - timedelta(seconds=settings.BROKER_VISIBILITY_TIMEOUT + 120)
    Document.objects.filter(pk=orphan.pk).update(updated_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        assert documents_requeue_stalled() == 1
    orphan.refresh_from_db()
    assert (orphan.state, orphan.attempts) == (Document.State.READY, 2)
    assert Document.objects.get(pk=recent.pk).state == Document.State.PARSING


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_pages_are_stored_alike_with_copy_and_with_inserts(
    vendor: str, stored_document: Callable[..., Document], article: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN PostgreSQL (pages go in with COPY) or the embedded SQLite of `make run` (multi-row INSERTs,
    here taken on PostgreSQL) WHEN a document is parsed THEN the same page rows are stored."""
    from django.db import connection

    monkeypatch.setattr(connection, "vendor", vendor)
    document = stored_document(article)
    document_parse(document_id=str(document.pk))

    rows = list(
        Page.objects.filter(document=document).values_list("index", "width", "height", "rotation", "has_text_layer")
    )
    assert rows == [(index, 612.0, 792.0, 0, bool(text)) for index, text in enumerate(PAGES)]
    texts = list(Page.objects.filter(document=document).values_list("text", flat=True))
    assert [text.split("\n")[0] for text in texts] == [text.split("\n")[0] for text in PAGES]
