"""The /ws/ socket: session-authenticated, origin-checked, and only ever hearing its user's teams."""

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts.models import User
from core.exceptions import ConflictError
from documents.events import DocumentProgress, team_group
from documents.realtime import EventSender, send_to_group
from scrollkeeper.asgi import application
from teams.models import Team
from teams.services import member_change_role, member_remove, team_transfer_ownership
from tests.factories import MembershipFactory, UserFactory, make_team

pytestmark = pytest.mark.django_db(transaction=True)


def _cookie(user: User) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _socket(cookie: bytes | None, origin: bytes = b"http://localhost") -> WebsocketCommunicator:
    """A socket sending the session ``cookie`` of :func:`_cookie`, made before the scenario runs."""
    headers = [(b"origin", origin), (b"host", b"localhost")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/", headers=headers)


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run on a fresh event loop in its own thread: the browser tests leave Playwright's loop running
    in the main thread."""

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def _progress(team: Team, document_id: str = "d1") -> dict[str, Any]:
    return {
        "type": "document.progress",
        "team_id": str(team.pk),
        "document_id": document_id,
        "state": "parsing",
        "pages_done": 1,
        "pages_total": 3,
        "error": None,
    }


def test_members_hear_their_team_and_outsiders_do_not() -> None:
    team = make_team()
    member = _cookie(MembershipFactory.create(team=team).user)
    outsider = UserFactory.create()
    make_team(owner=outsider, name="Other lab")
    outsider_cookie = _cookie(outsider)

    async def scenario() -> None:
        inside, outside = _socket(member), _socket(outsider_cookie)
        assert (await inside.connect())[0]
        assert (await outside.connect())[0]
        await asyncio.to_thread(send_to_group, team_group(team.pk), _progress(team))
        assert await inside.receive_json_from(timeout=3) == _progress(team)
        assert await outside.receive_nothing(timeout=0.3)
        await inside.disconnect()
        await outside.disconnect()

    run(scenario)


def test_anonymous_and_foreign_origins_are_refused() -> None:
    user = _cookie(UserFactory.create())

    async def scenario() -> None:
        connected, _ = await _socket(None).connect()
        assert not connected
        connected, _ = await _socket(user, origin=b"https://evil.example").connect()
        assert not connected

    run(scenario)


def test_removal_from_a_team_closes_the_socket() -> None:
    owner = UserFactory.create()
    team = make_team(owner=owner)
    member = MembershipFactory.create(team=team)
    owner_membership = team.memberships.get(user=owner)
    cookie = _cookie(member.user)

    async def scenario() -> None:
        socket = _socket(cookie)
        assert (await socket.connect())[0]
        await database_sync_to_async(member_remove)(actor=owner_membership, membership_id=member.pk)
        output = await socket.receive_output(timeout=3)
        assert output == {"type": "websocket.close", "code": 4403}

    run(scenario)


def test_a_role_change_reaches_only_that_members_sockets() -> None:
    """GIVEN Bob (an editor) and Carol in a team, and an outsider, all connected WHEN an owner makes Bob a
    viewer THEN Bob's open pages hear it (to reload the team and its permissions), his socket stays
    open, and nobody else hears anything."""
    team = make_team()
    owner = team.memberships.get()
    bob = MembershipFactory.create(team=team, role="editor")
    carol = MembershipFactory.create(team=team, role="editor")
    outsider = UserFactory.create()
    make_team(owner=outsider, name="Other lab")
    client = Client()
    client.force_login(owner.user)
    cookies = [_cookie(bob.user), _cookie(carol.user), _cookie(outsider)]

    async def scenario() -> None:
        bobs, carols, outsiders = (_socket(cookie) for cookie in cookies)
        for socket in (bobs, carols, outsiders):
            assert (await socket.connect())[0]
        changed = await database_sync_to_async(client.patch)(
            f"/api/v1/teams/{team.pk}/members/{bob.pk}", {"role": "viewer"}, "application/json"
        )
        assert changed.status_code == 200
        assert await bobs.receive_json_from(timeout=3) == {
            "type": "membership.changed",
            "team_id": str(team.pk),
            "role": "viewer",
        }
        assert await carols.receive_nothing(timeout=0.3)
        assert await outsiders.receive_nothing(timeout=0.3)
        assert await bobs.receive_nothing(timeout=0.1)  # still open: Bob is still a member
        for socket in (bobs, carols, outsiders):
            await socket.disconnect()

    run(scenario)


def test_a_refused_role_change_is_not_announced() -> None:
    """The last owner cannot step down (409): the transaction rolls back, and her pages hear nothing."""
    team = make_team()
    owner = team.memberships.get()
    cookie = _cookie(owner.user)

    async def scenario() -> None:
        socket = _socket(cookie)
        assert (await socket.connect())[0]
        with pytest.raises(ConflictError):
            await database_sync_to_async(member_change_role)(actor=owner, membership_id=owner.pk, role="viewer")
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    run(scenario)


def test_a_transfer_of_ownership_reaches_both_members() -> None:
    """The new owner's pages and the previous owner's other tabs (now an admin's) both reload the team."""
    team = make_team()
    owner = team.memberships.get()
    bob = MembershipFactory.create(team=team, role="editor")
    cookies = [_cookie(owner.user), _cookie(bob.user)]

    async def scenario() -> None:
        owners, bobs = (_socket(cookie) for cookie in cookies)
        assert (await owners.connect())[0]
        assert (await bobs.connect())[0]
        await database_sync_to_async(team_transfer_ownership)(actor=owner, membership_id=bob.pk)
        heard = {"type": "membership.changed", "team_id": str(team.pk)}
        assert await bobs.receive_json_from(timeout=3) == {**heard, "role": "owner"}
        assert await owners.receive_json_from(timeout=3) == {**heard, "role": "admin"}
        await owners.disconnect()
        await bobs.disconnect()

    run(scenario)


def test_progress_is_throttled_but_state_changes_always_go_out() -> None:
    team = make_team()
    member = _cookie(MembershipFactory.create(team=team).user)

    async def scenario() -> None:
        socket = _socket(member)
        assert (await socket.connect())[0]

        def send_burst() -> None:
            with EventSender() as sender:
                for done in range(1, 21):
                    sender.progress(cast(DocumentProgress, {**_progress(team), "pages_done": done, "pages_total": 20}))
                ready = {**_progress(team), "state": "ready", "pages_done": 20, "pages_total": 20}
                sender.progress(cast(DocumentProgress, ready))

        await asyncio.to_thread(send_burst)
        received = [await socket.receive_json_from(timeout=3)]
        while not await socket.receive_nothing(timeout=0.3):
            received.append(await socket.receive_json_from())
        assert received[0]["pages_done"] == 1
        assert received[-1]["state"] == "ready"
        assert len(received) < 5  # twenty page events inside 250 ms collapse to the first and the state change
        await socket.disconnect()

    run(scenario)


@pytest.fixture
def sender_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a Celery worker or a WSGI web process: sends go through one event loop kept in a thread."""
    from documents import realtime

    monkeypatch.setattr(realtime, "_sender_thread_wanted", True)


@pytest.mark.usefixtures("sender_thread")
def test_a_worker_sends_every_event_through_one_kept_loop() -> None:
    """GIVEN a process that sends through its sender thread WHEN events go out from two tasks and a request
    THEN members hear all of them, in order, and every send ran on that one loop (one Redis connection
    for the life of the process, instead of a loop and a connection per task)."""
    from documents import realtime

    team = make_team()
    member = _cookie(MembershipFactory.create(team=team).user)

    async def scenario() -> None:
        socket = _socket(member)
        assert (await socket.connect())[0]

        def two_tasks_and_a_request() -> None:
            for task in ("a", "b"):
                with EventSender() as sender:
                    sender.progress(cast(DocumentProgress, _progress(team, document_id=task)))
            send_to_group(team_group(team.pk), _progress(team, document_id="c"))

        await asyncio.to_thread(two_tasks_and_a_request)
        heard = [(await socket.receive_json_from(timeout=3))["document_id"] for _ in range(3)]
        assert heard == ["a", "b", "c"]
        await socket.disconnect()

    run(scenario)
    thread = realtime._running_sender_thread()
    assert thread is not None
    assert thread.loop.is_running()
    with EventSender() as sender:
        assert sender._sender is thread  # the tasks' senders used it too, not loops of their own


def test_members_hear_of_collections_made_and_deleted() -> None:
    """A collection made or deleted by one member shows in the others' libraries without a reload."""
    team = make_team()
    owner = team.memberships.get().user
    member = _cookie(MembershipFactory.create(team=team).user)
    outsider = UserFactory.create()
    make_team(owner=outsider, name="Other lab")
    outsider_cookie = _cookie(outsider)
    client = Client()
    client.force_login(owner)
    collections = f"/api/v1/teams/{team.pk}/collections"
    changed = {"type": "collections.changed", "team_id": str(team.pk)}

    async def scenario() -> None:
        inside, outside = _socket(member), _socket(outsider_cookie)
        assert (await inside.connect())[0]
        assert (await outside.connect())[0]
        made = await database_sync_to_async(client.post)(collections, {"name": "Reading group"}, "application/json")
        assert made.status_code == 201
        assert await inside.receive_json_from(timeout=3) == changed
        deleted = await database_sync_to_async(client.delete)(f"{collections}/{made.json()['id']}")
        assert deleted.status_code == 204
        assert await inside.receive_json_from(timeout=3) == changed
        assert await outside.receive_nothing(timeout=0.3)
        await inside.disconnect()
        await outside.disconnect()

    run(scenario)
