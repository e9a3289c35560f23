"""Two members at the same moment: a request that loses a race with a concurrent change gets a clean 409,
with the API's error shape, instead of a server error."""

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction

from annotations.models import Annotation
from documents.models import Document
from teams.roles import Role
from tests.annotations.conftest import HIGHLIGHT, make_document
from tests.teams.conftest import build_lab

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10.0


def _a_request_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else a transaction sees its first reading again
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_annotating_a_document_deleted_at_that_moment_is_a_conflict() -> None:
    """The member's request has found the document; before it commits its highlight, another member's
    deletion of the document commits. Foreign keys are checked at commit: the highlight cannot be kept."""
    lab = build_lab()
    document = make_document(lab.team)
    client = lab.client(Role.EDITOR)
    url = lab.url(f"/documents/{document.pk}/annotations")
    responses: list[Any] = []

    def annotate() -> None:
        try:
            responses.append(
                client.post(url, {"kind": "highlight", "page_index": 0, "anchors": HIGHLIGHT}, format="json")
            )
        finally:
            connections.close_all()

    with transaction.atomic():
        # Holds off inserts of annotations, so the request stops right after it found the document.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Annotation._meta.db_table} IN SHARE MODE")
        request = threading.Thread(target=annotate)
        request.start()
        deadline = time.monotonic() + WAIT
        while not _a_request_waits_for_a_lock():
            assert time.monotonic() < deadline, "the request never reached its insert"
            time.sleep(0.01)
        Document.objects.filter(pk=document.pk).delete()
    request.join(WAIT)

    assert len(responses) == 1, "the request failed with a server error"
    assert responses[0].status_code == 409
    assert responses[0].json()["code"] == "concurrent_change"
    assert "Reload and try again" in responses[0].json()["detail"]
    assert not Annotation.objects.exists()
