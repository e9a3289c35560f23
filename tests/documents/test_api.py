"""The library API: listing, filtering, detail with ETags, pages, downloads, edits and deletion."""

import socket
from collections.abc import Callable
from typing import Any

import pytest
import requests
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.storage import get_storage
from documents.models import Document, Page
from documents.services import collection_create
from teams.models import AuditEvent, Team
from teams.roles import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"1" * 300 + b"\n%%EOF\n"


def _url(team: Team, suffix: str = "") -> str:
    return f"/api/v1/teams/{team.pk}/documents{suffix}"


@pytest.fixture
def ready(stored_document: Callable[..., Document]) -> Document:
    document = stored_document(PDF, title="Quantum optics", state=Document.State.READY, pages_total=3, pages_done=3)
    Page.objects.bulk_create(
        Page(document=document, index=i, text=f"page {i} text", width=612, height=792) for i in range(3)
    )
    return document


def test_list_is_paginated_newest_first_with_filters(
    owner_client: APIClient, team: Team, stored_document: Callable[..., Document]
) -> None:
    first = stored_document(PDF, title="Alpha", state=Document.State.READY)
    second = stored_document(PDF + b" ", title="Beta", state=Document.State.FAILED)
    third = stored_document(PDF + b"  ", title="Gamma")

    body = owner_client.get(_url(team)).json()
    assert [item["title"] for item in body["results"]] == ["Gamma", "Beta", "Alpha"]
    assert set(body) == {"next", "previous", "results"}

    body = owner_client.get(_url(team), {"page_size": 2}).json()
    assert len(body["results"]) == 2
    rest = owner_client.get(body["next"]).json()
    assert [item["id"] for item in rest["results"]] == [str(first.pk)]

    assert [i["id"] for i in owner_client.get(_url(team), {"state": "failed"}).json()["results"]] == [str(second.pk)]
    titles = [i["title"] for i in owner_client.get(_url(team), {"ordering": "title"}).json()["results"]]
    assert titles == ["Alpha", "Beta", "Gamma"]
    assert owner_client.get(_url(team), {"state": "nonsense"}).json()["code"] == "invalid"
    misspelt = owner_client.get(_url(team), {"ordering": "titel"})
    assert (misspelt.status_code, misspelt.json()["code"], list(misspelt.json()["fields"])) == (
        400,
        "invalid",
        ["ordering"],
    )
    assert len(owner_client.get(_url(team), {"ordering": ""}).json()["results"]) == 3  # empty: the default order
    assert third.pk


def test_titles_sort_as_people_read_them_across_pages(
    owner_client: APIClient, team: Team, stored_document: Callable[..., Document]
) -> None:
    for number, title in enumerate(["libtasn1 manual", "Beta decay", "ACM sample", "an Introduction", "Zeta"]):
        stored_document(PDF + b" " * number, title=title)

    def titles(ordering: str) -> list[str]:
        page = owner_client.get(_url(team), {"ordering": ordering, "page_size": "2"}).json()
        found = [item["title"] for item in page["results"]]
        while page["next"]:
            page = owner_client.get(page["next"]).json()
            found += [item["title"] for item in page["results"]]
        return found

    assert titles("title") == ["ACM sample", "an Introduction", "Beta decay", "libtasn1 manual", "Zeta"]
    assert titles("-title") == ["Zeta", "libtasn1 manual", "Beta decay", "an Introduction", "ACM sample"]


def test_list_query_count_does_not_grow_with_documents(
    owner_client: APIClient, team: Team, stored_document: Callable[..., Document], django_assert_max_num_queries: Any
) -> None:
    for index in range(12):
        document = stored_document(PDF + b" " * index, title=f"Doc {index}")
        document.tags.create(team=team, name=f"tag {index}")
    with django_assert_max_num_queries(9) as listing:
        assert len(owner_client.get(_url(team)).json()["results"]) == 12
    # The list shows neither outlines nor metadata, so it does not read them (a manual's outline: ~100 KB).
    read = " ".join(query["sql"] for query in listing.captured_queries)
    assert '"documents_document"."outline"' not in read
    assert '"documents_document"."metadata"' not in read


def test_tags_and_collections_filter_and_edit(owner_client: APIClient, team: Team, ready: Document) -> None:
    collection = collection_create(actor=team.memberships.get(role=Role.OWNER), name="Reading group")
    response = owner_client.patch(
        _url(team, f"/{ready.pk}"),
        {"title": "Renamed", "tags": ["optics", "Optics", " lasers "], "collection_ids": [str(collection.pk)]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Renamed"
    assert response.json()["tags"] == ["lasers", "optics"]
    assert [c["name"] for c in response.json()["collections"]] == ["Reading group"]

    assert len(owner_client.get(_url(team), {"tag": "OPTICS"}).json()["results"]) == 1
    assert len(owner_client.get(_url(team), {"collection": str(collection.pk)}).json()["results"]) == 1
    tags = owner_client.get(f"/api/v1/teams/{team.pk}/tags").json()["results"]
    assert [tag["name"] for tag in tags] == ["lasers", "optics"]


def test_a_collection_name_is_taken_whatever_its_case(owner_client: APIClient, team: Team) -> None:
    url = f"/api/v1/teams/{team.pk}/collections"
    assert owner_client.post(url, {"name": "Reading group"}, format="json").status_code == 201

    response = owner_client.post(url, {"name": " reading GROUP "}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "name_taken"
    assert body["fields"]["name"] == ["The team already has a collection named “Reading group”. Choose another name."]
    assert [c["name"] for c in owner_client.get(url).json()["results"]] == ["Reading group"]


def test_a_rename_is_in_the_audit_log_and_an_unchanged_title_is_not(
    owner_client: APIClient, team: Team, ready: Document
) -> None:
    owner_client.patch(_url(team, f"/{ready.pk}"), {"title": "Quantum optics, revised"}, format="json")
    owner_client.patch(_url(team, f"/{ready.pk}"), {"title": "Quantum optics, revised", "tags": ["x"]}, format="json")

    renames = AuditEvent.objects.filter(team=team, action="document.renamed")
    assert [event.data for event in renames] == [
        {"document_id": str(ready.pk), "from": "Quantum optics", "to": "Quantum optics, revised"}
    ]


def test_detail_has_an_etag_and_answers_304(owner_client: APIClient, team: Team, ready: Document) -> None:
    response = owner_client.get(_url(team, f"/{ready.pk}"))
    assert response.status_code == 200
    etag = response["ETag"]
    assert response.json()["outline"] == []

    again = owner_client.get(_url(team, f"/{ready.pk}"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304

    owner_client.patch(_url(team, f"/{ready.pk}"), {"title": "Changed"}, format="json")
    changed = owner_client.get(_url(team, f"/{ready.pk}"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["title"] == "Changed"


def test_only_a_fresh_detail_reads_the_outline(owner_client: APIClient, team: Team, ready: Document) -> None:
    outline = [{"title": "Introduction", "page_index": 0, "children": []}]
    Document.objects.filter(pk=ready.pk).update(outline=outline)
    url = _url(team, f"/{ready.pk}")

    def outline_read(path: str, query: dict[str, Any] | None = None, *, etag: str = "") -> bool:
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(path, query, HTTP_IF_NONE_MATCH=etag).status_code in {200, 304}
        return any('"documents_document"."outline"' in query["sql"] for query in queries.captured_queries)

    assert outline_read(url)
    assert owner_client.get(url).json()["outline"] == outline
    etag = owner_client.get(url)["ETag"]
    # The 304, the reader's pages and the download look the document up without it (~100 KB for a manual).
    assert not outline_read(url, etag=etag)
    assert not outline_read(f"{url}/pages", {"start": 0})
    assert not outline_read(f"{url}/download")
    assert not outline_read(f"{url}/versions")


def test_pages_in_windows(owner_client: APIClient, team: Team, ready: Document) -> None:
    body = owner_client.get(_url(team, f"/{ready.pk}/pages"), {"start": 1, "stop": 3}).json()
    assert [page["index"] for page in body["results"]] == [1, 2]
    assert body["results"][0]["text"] == "page 1 text"
    response = owner_client.get(_url(team, f"/{ready.pk}/pages"), {"start": -1})
    assert response.status_code == 400


def test_download_url_serves_the_file_as_an_attachment(owner_client: APIClient, team: Team, ready: Document) -> None:
    body = owner_client.get(_url(team, f"/{ready.pk}/download")).json()
    response = requests.get(body["url"], timeout=10)
    assert response.content == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    inline = owner_client.get(_url(team, f"/{ready.pk}/download"), {"inline": "1"}).json()
    assert requests.get(inline["url"], timeout=10).headers["Content-Disposition"].startswith("inline")


def test_editors_edit_their_own_documents_only(
    team: Team, member: Callable[[str], Any], stored_document: Callable[..., Document]
) -> None:
    editor, client = member(Role.EDITOR)
    mine = stored_document(PDF, title="Mine", uploaded_by=editor.user)
    theirs = stored_document(PDF + b" ", title="Theirs")
    assert client.patch(_url(team, f"/{mine.pk}"), {"title": "Mine 2"}, format="json").status_code == 200
    response = client.patch(_url(team, f"/{theirs.pk}"), {"title": "Hijacked"}, format="json")
    assert response.status_code == 403
    assert client.delete(_url(team, f"/{theirs.pk}")).status_code == 403
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_admins_delete_any_document_and_its_file(
    team: Team, member: Callable[[str], Any], ready: Document, django_capture_on_commit_callbacks: Any
) -> None:
    _, admin = member(Role.ADMIN)
    key = ready.storage_key
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.delete(_url(team, f"/{ready.pk}")).status_code == 204
    assert not Document.objects.filter(pk=ready.pk).exists()
    assert not Page.objects.filter(document_id=ready.pk).exists()
    assert get_storage().head(key=key) is None
    assert AuditEvent.objects.filter(team=team, action="document.deleted").exists()


def test_viewers_read_but_do_not_change(team: Team, member: Callable[[str], Any], ready: Document) -> None:
    _, viewer = member(Role.VIEWER)
    assert viewer.get(_url(team, f"/{ready.pk}")).status_code == 200
    assert viewer.patch(_url(team, f"/{ready.pk}"), {"title": "x"}, format="json").status_code == 403
    assert viewer.delete(_url(team, f"/{ready.pk}")).status_code == 403


def test_retry_only_for_failed_documents(owner_client: APIClient, team: Team, ready: Document) -> None:
    response = owner_client.post(_url(team, f"/{ready.pk}/retry"))
    assert response.status_code == 409
    assert response.json()["code"] == "not_failed"


def test_another_teams_documents_are_not_found(ready: Document) -> None:
    stranger = MembershipFactory.create(role=Role.OWNER)
    client = APIClient()
    client.force_login(stranger.user)
    assert client.get(_url(ready.team, f"/{ready.pk}")).status_code == 404
    assert client.get(_url(stranger.team, f"/{ready.pk}")).status_code == 404


def test_a_failing_channel_layer_does_not_fail_a_committed_delete(
    owner_client: APIClient, team: Team, ready: Document, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """GIVEN Redis unreachable for websocket events WHEN a document is deleted THEN the answer is 204 and
    its file is removed all the same (browsers catch up over REST when their socket reconnects)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{closed}/0"]},
        }
    }
    key = ready.storage_key
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.delete(f"/api/v1/teams/{team.pk}/documents/{ready.pk}")
    assert response.status_code == 204
    assert not Document.objects.filter(pk=ready.pk).exists()
    assert get_storage().head(key=key) is None
