"""Annotations live between members: how fast a new one reaches a colleague, and what a long thread costs.

- broadcast latency: member A creates a highlight over the REST API (gunicorn, as deployed; PostgreSQL,
  the Redis channel layer); member B's websocket on uvicorn, joined to the document, receives it in a
  process of its own. Timed from just before A's request to B's receipt, on loopback, so it includes A's
  whole request.
- the list endpoint with 10,000 annotations on one document: its latency over HTTP, and the number of
  queries it makes for 10 and for 10,000 annotations (constant; tests/annotations assert it too).
"""

import asyncio
import json
import multiprocessing
import statistics
import time
from typing import Any

import requests

from bench import _harness as harness
from bench import report

SAMPLES = 200
LONG_THREAD = 10_000
HIGHLIGHT: dict[str, Any] = {
    "kind": "highlight",
    "page_index": 0,
    "anchors": {
        "quote": {"exact": "light cone", "prefix": "the ", "suffix": " of"},
        "position": {"start": 4, "end": 14},
        "rects": [[72.0, 700.5, 140.25, 712.0]],
    },
    "color": "yellow",
}


def main() -> None:
    with harness.services() as environment:
        team, owner = harness.team()
        colleague = _colleague(team)
        document = _ready_document(team, owner)
        port = harness.free_port()
        http_port = harness.free_port()
        # As deployed: HTTP on gunicorn (WSGI), /ws/ on uvicorn.
        with (
            harness.process(harness.uvicorn(port), environment),
            harness.process(harness.gunicorn(http_port), environment),
        ):
            harness.wait_for_http(port)
            harness.wait_for_http(http_port)
            _broadcast_latency(http_port, port, team, document, owner, colleague)
            _long_thread(http_port, team, document, owner)


def _broadcast_latency(http_port: int, port: int, team: Any, document: Any, owner: Any, colleague: Any) -> None:
    # Member B listens in a process of their own, as they would on their own machine: a thread of this
    # process would take turns with A's requests for the interpreter lock, and A's time would include B's.
    cookie = harness.session_cookie(colleague)
    context = multiprocessing.get_context("spawn")
    joined, results = context.Event(), context.Queue()
    listener = context.Process(target=_listener, args=(port, cookie, str(document.pk), joined, results), daemon=True)
    listener.start()
    if not joined.wait(30):
        raise RuntimeError("the colleague's socket did not join the document")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {harness.api_token(owner)}"
    url = f"http://127.0.0.1:{http_port}/api/v1/teams/{team.pk}/documents/{document.pk}/annotations"
    session.post(url, json={**HIGHLIGHT, "body": "warm-up"}).raise_for_status()
    time.sleep(0.2)
    sent: dict[str, float] = {}
    answered: list[float] = []
    for number in range(SAMPLES):
        body = f"sample {number}"
        sent[body] = time.perf_counter()  # CLOCK_MONOTONIC: the listener's clock too
        session.post(url, json={**HIGHLIGHT, "body": body}).raise_for_status()
        answered.append((time.perf_counter() - sent[body]) * 1000)
    received: dict[str, float] = results.get(timeout=30)
    listener.join(10)
    latencies = sorted((received[body] - sent[body]) * 1000 for body in sent if body in received)
    if len(latencies) < SAMPLES:
        print(f"annotation events lost: {SAMPLES - len(latencies)} of {SAMPLES}")
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"annotation_broadcast: median {statistics.median(latencies):.2f} ms, max {latencies[-1]:.2f} ms; "
        f"the create request alone: median {statistics.median(answered):.2f} ms"
    )
    report("annotation_broadcast_latency_p95", p95, "ms", "<=", 15)


def _listener(port: int, cookie: str, document_id: str, joined: Any, results: Any) -> None:
    """Member B's process: joins the document, then hands back when each sample arrived."""
    received: dict[str, float] = {}
    asyncio.run(_listen(port, cookie, document_id, received, joined))
    results.put(received)


async def _listen(port: int, cookie: str, document_id: str, received: dict[str, float], joined: Any) -> None:
    import websockets

    headers = {"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"}
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/", additional_headers=headers) as socket_:
        await socket_.send(json.dumps({"type": "document.join", "document_id": document_id}))
        while True:
            message = json.loads(await asyncio.wait_for(socket_.recv(), timeout=10))
            if message.get("type") == "document.joined":
                joined.set()
                break
        while len(received) < SAMPLES:
            try:
                message = json.loads(await asyncio.wait_for(socket_.recv(), timeout=5))
            except TimeoutError:
                break
            now = time.perf_counter()
            if message.get("type") == "annotation.created" and message["annotation"]["body"] != "warm-up":
                received[message["annotation"]["body"]] = now


def _long_thread(port: int, team: Any, document: Any, owner: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotations.models import Annotation

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {harness.api_token(owner)}"
    url = f"http://127.0.0.1:{port}/api/v1/teams/{team.pk}/documents/{document.pk}/annotations"
    queries = {}
    for count in (10, LONG_THREAD):
        existing = Annotation.objects.filter(document=document).count()
        Annotation.objects.bulk_create(
            Annotation(
                team=team,
                document=document,
                page_index=number % 5,
                author=owner,
                kind="highlight",
                color="yellow",
                anchors=HIGHLIGHT["anchors"],
                body=f"note {number}",
            )
            for number in range(existing, count)
        )
        queries[count] = _queries_of_list(team, document, owner, CaptureQueriesContext(connection))
    session.get(url).raise_for_status()  # warm
    seconds = [harness.timed(lambda: session.get(url).raise_for_status()) for _ in range(5)]
    size = len(session.get(url).content)
    print(f"annotation_list_queries: {queries[10]} for 10 annotations, {queries[LONG_THREAD]} for {LONG_THREAD:,}")
    print(
        f"annotation_list_{LONG_THREAD}: median {statistics.median(seconds) * 1000:.0f} ms over HTTP, "
        f"{size / 1e6:.1f} MB of JSON"
    )
    report("annotation_list_queries_growth", queries[LONG_THREAD] - queries[10], "queries", "<=", 0, digits=0)


def _queries_of_list(team: Any, document: Any, owner: Any, capture: Any) -> int:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(owner)
    with capture:
        response = client.get(f"/api/v1/teams/{team.pk}/documents/{document.pk}/annotations")
    assert response.status_code == 200, response.content[:200]
    return len(capture.captured_queries)


def _colleague(team: Any) -> Any:
    from accounts.models import User
    from teams.models import Membership

    user = User.objects.filter(email="colleague@example.org").first()
    if user is None:
        user = User.objects.create_user(email="colleague@example.org", password=None, display_name="Colleague")
        Membership.objects.create(team=team, user=user, role="viewer")
    return user


def _ready_document(team: Any, owner: Any) -> Any:
    from documents.models import Document, Page

    document = Document.objects.create(
        team=team,
        uploaded_by=owner,
        title="Bench paper",
        filename="bench.pdf",
        size=1024,
        storage_key=f"teams/{team.pk}/documents/bench-annotations.pdf",
        state=Document.State.READY,
        pages_total=5,
        pages_done=5,
    )
    Page.objects.bulk_create(
        Page(document=document, index=index, text="In the light cone of an event.", width=612, height=792)
        for index in range(5)
    )
    return document
