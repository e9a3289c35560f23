"""Presence: who views which document and page, over the /ws/ socket, gone as soon as a tab closes."""

from typing import Any

import pytest

from documents import presence
from documents.models import Document
from tests.documents.test_realtime import _cookie, _socket, run
from tests.factories import MembershipFactory, UserFactory, make_team

pytestmark = pytest.mark.django_db(transaction=True)


def _document(team: Any) -> Document:
    return Document.objects.create(
        team=team, title="Paper", filename="p.pdf", size=1, storage_key=f"teams/{team.pk}/p.pdf", state="ready"
    )


async def _next_presence(socket: Any) -> dict[str, Any]:
    while True:
        message = await socket.receive_json_from(timeout=3)
        if message["type"] == "presence.state":
            return dict(message)


def _who(state: dict[str, Any]) -> dict[str, int]:
    return {viewer["name"]: viewer["page"] for viewer in state["viewers"]}


def test_members_see_each_other_turn_pages_and_leave() -> None:
    """GIVEN two members of a team WHEN both open the same document THEN each sees both; a page change
    reaches the other; closing a tab removes its viewer from the other's list at once."""
    team = make_team()
    ada = MembershipFactory.create(team=team, user__display_name="Ada").user
    bob = MembershipFactory.create(team=team, user__display_name="Bob").user
    document = _document(team)
    ada_cookie, bob_cookie = _cookie(ada), _cookie(bob)
    doc = str(document.pk)

    async def scenario() -> None:
        a, b = _socket(ada_cookie), _socket(bob_cookie)
        assert (await a.connect())[0]
        assert (await b.connect())[0]
        await a.send_json_to({"type": "document.join", "document_id": doc})
        assert await a.receive_json_from(timeout=3) == {"type": "document.joined", "document_id": doc}
        assert _who(await _next_presence(a)) == {"Ada": 0}
        await b.send_json_to({"type": "document.join", "document_id": doc, "page": 2})
        assert _who(await _next_presence(b)) == {"Ada": 0, "Bob": 2}
        both = await _next_presence(a)
        assert both == {
            "type": "presence.state",
            "document_id": doc,
            "viewers": [
                {"user_id": str(ada.pk), "name": "Ada", "page": 0},
                {"user_id": str(bob.pk), "name": "Bob", "page": 2},
            ],
        }

        await a.send_json_to({"type": "presence.page", "document_id": doc, "page": 4})
        assert _who(await _next_presence(b)) == {"Ada": 4, "Bob": 2}
        assert _who(await _next_presence(a)) == {"Ada": 4, "Bob": 2}

        await a.send_json_to({"type": "presence.ping"})
        assert await a.receive_nothing(timeout=0.2)  # a heartbeat changes nothing, so nothing is sent

        await b.disconnect()
        assert _who(await _next_presence(a)) == {"Ada": 4}
        await a.disconnect()
        assert await presence.presence_viewers(document_id=doc) == []

    run(scenario)


def test_two_tabs_of_one_member_are_one_viewer_on_the_latest_page() -> None:
    team = make_team()
    ada = MembershipFactory.create(team=team, user__display_name="Ada").user
    cookie, doc = _cookie(ada), str(_document(team).pk)

    async def scenario() -> None:
        first, second = _socket(cookie), _socket(cookie)
        assert (await first.connect())[0]
        assert (await second.connect())[0]
        await first.send_json_to({"type": "document.join", "document_id": doc, "page": 1})
        await _next_presence(first)
        await second.send_json_to({"type": "document.join", "document_id": doc, "page": 3})
        assert _who(await _next_presence(second)) == {"Ada": 3}
        assert _who(await _next_presence(first)) == {"Ada": 3}
        await second.disconnect()
        assert _who(await _next_presence(first)) == {"Ada": 1}  # the remaining tab's page
        await first.send_json_to({"type": "document.leave", "document_id": doc})
        assert await first.receive_nothing(timeout=0.2)
        assert await presence.presence_viewers(document_id=doc) == []
        await first.disconnect()

    run(scenario)


def test_an_outsider_cannot_join_and_is_neither_shown_nor_told() -> None:
    team = make_team()
    member = MembershipFactory.create(team=team, user__display_name="Ada").user
    outsider = UserFactory.create(display_name="Eve")
    make_team(owner=outsider, name="Other lab")
    member_cookie, outsider_cookie, doc = _cookie(member), _cookie(outsider), str(_document(team).pk)

    async def scenario() -> None:
        inside, outside = _socket(member_cookie), _socket(outsider_cookie)
        assert (await inside.connect())[0]
        assert (await outside.connect())[0]
        await inside.send_json_to({"type": "document.join", "document_id": doc})
        await _next_presence(inside)
        await outside.send_json_to({"type": "document.join", "document_id": doc})
        assert (await outside.receive_json_from(timeout=3))["code"] == "not_found"
        await outside.send_json_to({"type": "presence.page", "document_id": doc, "page": 1})
        assert (await outside.receive_json_from(timeout=3))["code"] == "not_joined"
        assert await outside.receive_nothing(timeout=0.3)
        await inside.send_json_to({"type": "presence.page", "document_id": doc, "page": 1})
        assert _who(await _next_presence(inside)) == {"Ada": 1}
        assert await outside.receive_nothing(timeout=0.3)
        await inside.disconnect()
        await outside.disconnect()

    run(scenario)


def test_an_entry_without_heartbeat_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = "00000000-0000-0000-0000-000000000001"

    async def scenario() -> None:
        monkeypatch.setattr(presence, "TTL", -1.0)
        viewer = presence.Viewer(user_id="u1", name="Ada", page=0)
        await presence.presence_set(document_id=doc, channel="c1", viewer=viewer)
        assert await presence.presence_viewers(document_id=doc) == []

    run(scenario)


def test_a_heartbeat_renews_the_entry_and_reports_expired_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = "00000000-0000-0000-0000-000000000002"
    ada = presence.Viewer(user_id="u1", name="Ada", page=2)
    bob = presence.Viewer(user_id="u2", name="Bob", page=0)

    async def scenario() -> None:
        await presence.presence_set(document_id=doc, channel="ada", viewer=ada)
        assert not await presence.presence_refresh(document_id=doc, channel="ada", viewer=ada)
        monkeypatch.setattr(presence, "TTL", -1.0)
        await presence.presence_set(document_id=doc, channel="bob", viewer=bob)  # already expired
        monkeypatch.setattr(presence, "TTL", 30.0)
        assert await presence.presence_refresh(document_id=doc, channel="ada", viewer=ada)  # Bob went
        assert await presence.presence_viewers(document_id=doc) == [{"user_id": "u1", "name": "Ada", "page": 2}]
        await presence.presence_remove(document_id=doc, channel="ada")
        assert await presence.presence_refresh(document_id=doc, channel="ada", viewer=ada)  # back after a gap
        await presence.presence_remove(document_id=doc, channel="ada")

    run(scenario)
