"""The document pipeline end to end on the corpus, against raw extraction of the same files in the same run.

- pipeline: each file stored in S3 (moto), a Document row, the parse task through the Redis queue to a
  real Celery worker with one parse lane and one pool process more, as ``docker/start.sh`` runs it with
  ``PARSE_LANES=1`` (the lane parses on one CPU, the way the baseline extracts), pages stored in
  PostgreSQL, progress events sent. Timed from the first upload to the last document ``ready``; raw
  pdfium text extraction of the same files in this process is the baseline, in alternating rounds (best
  of each: this machine's speed varies by a fifth from one second to the next).
- progress latency: a worker-side ``EventSender`` to a member's browser socket (a websocket client of
  uvicorn serving ``scrollkeeper.asgi``), through the Redis channel layer, on loopback.
- web memory: the peak RSS of that web process before and after a 200 MB file is uploaded the way the
  browser does it (start, parts straight to S3, complete), and with the local storage adapter, whose
  endpoint streams the bytes through the web process to disk.

Needs PostgreSQL and Redis on 127.0.0.1 like the tests (it uses the database ``scrollkeeper_bench``,
recreated each run, and Redis database 15) and starts its own moto S3 server.
"""

import asyncio
import contextlib
import io
import json
import logging
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pypdfium2 as pdfium
import requests

from bench import _harness as harness
from bench import corpus_dir, report

ROUNDS = 5
LATENCY_SAMPLES = 300
UPLOAD_BYTES = 200 * 1024 * 1024
PART_BYTES = 16 * 1024 * 1024


def main() -> None:
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    folder = corpus_dir()
    files = sorted(folder.glob("*.pdf")) if folder is not None else []
    if not files:
        print("corpus: none (set SCROLLKEEPER_CORPUS_DIR, or run `make corpus`); parse_pipeline skipped")
        return
    with harness.services() as environment:
        _pipeline(files, environment)
        _progress_latency(environment)
        _web_memory(environment)


# --- the pipeline ----------------------------------------------------------------------------------


def _pipeline(files: list[Path], environment: dict[str, str]) -> None:
    from django.db import transaction

    from documents.models import Document, Page
    from documents.services import _enqueue_parse

    pages = sum(len(pdfium.PdfDocument(file)) for file in files)
    team, user = harness.team()
    raw: list[float] = []
    pipeline: list[float] = []
    worker = ["celery", "--quiet", "-A", "scrollkeeper", "worker", "--concurrency=2", "--loglevel=WARNING"]
    with harness.process(worker, {**environment, "PARSE_LANES": "1"}):
        _wait_for_worker()
        for round_number in range(ROUNDS):
            raw.append(harness.timed(lambda: _pdfium_text(files)))
            Document.objects.filter(team=team).delete()
            started = time.perf_counter()
            for file in files:
                document = _stored_document(team, user, file, suffix=str(round_number))
                with transaction.atomic():
                    _enqueue_parse(document)
            _wait_until_parsed(team, len(files))
            pipeline.append(time.perf_counter() - started)
    states = dict.fromkeys(Document.State.values, 0)
    for state in Document.objects.filter(team=team).values_list("state", flat=True):
        states[state] += 1
    stored = Page.objects.filter(document__team=team).count()
    raw_seconds, pipeline_seconds = min(raw), min(pipeline)
    print(f"corpus: {len(files)} PDFs, {pages} pages; parsed {states}, {stored} page rows stored")
    print(f"raw_pdfium_text: {pages / raw_seconds:.0f} pages/s ({raw_seconds:.2f} s, best of {ROUNDS})")
    print(f"pipeline: {pages / pipeline_seconds:.0f} pages/s ({pipeline_seconds:.2f} s, best of {ROUNDS})")
    report("parse_pipeline_vs_raw", raw_seconds / pipeline_seconds, "ratio", ">=", 0.85)
    report("parse_pipeline_pages_per_second", pages / pipeline_seconds, "pages/s", ">=", 400, digits=0)


def _stored_document(team: Any, user: Any, file: Path, *, suffix: str) -> Any:
    from core.storage import get_storage
    from documents.models import Document

    key = f"teams/{team.pk}/documents/{file.stem}-{suffix}.pdf"
    with file.open("rb") as fileobj:
        get_storage().upload_from(key=key, fileobj=fileobj, content_type="application/pdf")
    return Document.objects.create(
        team=team, uploaded_by=user, title=file.stem, filename=file.name, size=file.stat().st_size, storage_key=key
    )


def _wait_until_parsed(team: Any, count: int) -> None:
    from documents.models import Document

    deadline = time.monotonic() + 600
    finished = (Document.State.READY, Document.State.FAILED)
    while Document.objects.filter(team=team, state__in=finished).count() < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not finish the corpus within 10 minutes")
        time.sleep(0.05)  # each look is a query, on the CPUs the pipeline uses: ~1% of a run's time at most


def _wait_for_worker() -> None:
    from scrollkeeper.celery import app

    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if time.monotonic() > deadline:
            raise RuntimeError("the Celery worker did not start within a minute")


def _pdfium_text(files: list[Path]) -> None:
    for file in files:
        document = pdfium.PdfDocument(file)
        for page in document:
            page.get_textpage().get_text_bounded()
        document.close()


# --- progress latency ------------------------------------------------------------------------------


def _progress_latency(environment: dict[str, str]) -> None:
    from documents.events import DocumentProgress
    from documents.realtime import EventSender

    team, user = harness.team()
    port = harness.free_port()
    with harness.process(harness.uvicorn(port), environment):
        harness.wait_for_http(port)
        received: dict[int, float] = {}
        ready = threading.Event()
        done = threading.Event()
        client = threading.Thread(
            target=lambda: asyncio.run(_listen(port, harness.session_cookie(user), received, ready, done)), daemon=True
        )
        client.start()
        if not ready.wait(10):
            raise RuntimeError("the websocket did not connect")
        sent: dict[int, float] = {}
        with EventSender() as sender:
            for number in range(LATENCY_SAMPLES):
                event: DocumentProgress = {
                    "type": "document.progress",
                    "team_id": str(team.pk),
                    "document_id": f"bench-{number}",  # a new document each time: never throttled
                    "state": "parsing",
                    "pages_done": number,
                    "pages_total": LATENCY_SAMPLES,
                    "error": None,
                }
                sent[number] = time.perf_counter()
                sender.progress(event)
                time.sleep(0.005)
        done.wait(10)
    latencies = sorted((received[n] - sent[n]) * 1000 for n in sent if n in received)
    if len(latencies) < LATENCY_SAMPLES:
        print(f"progress events lost: {LATENCY_SAMPLES - len(latencies)} of {LATENCY_SAMPLES}")
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"progress_latency: median {statistics.median(latencies):.2f} ms, max {latencies[-1]:.2f} ms")
    report("progress_event_latency_p95", p95, "ms", "<=", 15)


async def _listen(
    port: int, cookie: str, received: dict[int, float], ready: threading.Event, done: threading.Event
) -> None:
    import websockets

    headers = {"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"}
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/", additional_headers=headers) as socket_:
        ready.set()
        while len(received) < LATENCY_SAMPLES:
            try:
                message = await asyncio.wait_for(socket_.recv(), timeout=5)
            except TimeoutError:
                break
            now = time.perf_counter()
            event = json.loads(message)
            received[int(event["pages_done"])] = now
    done.set()


# --- web memory during a large upload ----------------------------------------------------------------


def _web_memory(environment: dict[str, str]) -> None:
    _, user = harness.team()
    token = harness.api_token(user)
    team_id = str(user.memberships.get().team_id)
    with tempfile.TemporaryDirectory(prefix="scrollkeeper-bench-") as var_dir:
        local = {**environment, "S3_BUCKET": "", "S3_ENDPOINT_URL": "", "SCROLLKEEPER_VAR_DIR": var_dir}
        for name, env in (("s3", environment), ("local", local)):
            port = harness.free_port()
            with harness.process(harness.uvicorn(port), env) as server:
                harness.wait_for_http(port)
                origin = f"http://127.0.0.1:{port}"
                session = requests.Session()
                session.headers["Authorization"] = f"Bearer {token}"
                # Warm-up: the first upload loads the storage client (boto3's models alone are ~40 MB).
                _upload(session, origin, team_id, size=PART_BYTES)
                before = _peak_rss_mb(server.pid)
                _upload(session, origin, team_id, size=UPLOAD_BYTES)
                after = _peak_rss_mb(server.pid)
            print(f"web_peak_rss_{name}: {before:.0f} MB before, {after:.0f} MB after a 200 MB upload")
            report(f"web_peak_memory_growth_200mb_upload_{name}", after - before, "MB", "<=", 16, digits=1)


def _upload(session: requests.Session, origin: str, team_id: str, *, size: int) -> None:
    """What the browser does: start, send the bytes where the API says (relative to the page), complete."""
    base = f"{origin}/api/v1/teams/{team_id}/documents/uploads"
    chunk = b"%PDF-1.7\n" + os.urandom(PART_BYTES - 9)
    start = session.post(base, json={"filename": "big.pdf", "size": size, "content_type": "application/pdf"})
    start.raise_for_status()
    ticket = start.json()
    parts = []
    if ticket["method"] == "multipart":
        for part in ticket["parts"]:
            offset = (part["part_number"] - 1) * ticket["part_size"]
            data = _repeat(chunk, min(ticket["part_size"], size - offset))
            response = requests.put(urljoin(origin, part["url"]), data=data, timeout=120)
            response.raise_for_status()
            parts.append({"part_number": part["part_number"], "etag": response.headers["ETag"]})
    else:
        target = ticket["target"]
        files = {target["file_field"]: ("big.pdf", _repeat(chunk, size), "application/pdf")}
        requests.post(
            urljoin(origin, target["url"]), data=target["fields"], files=files, timeout=120
        ).raise_for_status()
    session.post(f"{base}/{ticket['id']}/complete", json={"parts": parts}).raise_for_status()


def _repeat(chunk: bytes, size: int) -> bytes:
    """``size`` bytes starting with a PDF header (the bench's own memory is not the one measured)."""
    data = io.BytesIO()
    while data.tell() < size:
        data.write(chunk[: size - data.tell()])
    return data.getvalue()


def _peak_rss_mb(pid: int) -> float:
    """The largest resident set of the process and its children so far (VmHWM), in MB."""
    total = 0.0
    for process in [pid, *_children(pid)]:
        with contextlib.suppress(FileNotFoundError):
            for line in Path(f"/proc/{process}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
    return total


def _children(pid: int) -> list[int]:
    with contextlib.suppress(FileNotFoundError):
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []
