"""Annotations live: a member viewing a document hears its changes; outsiders cannot even join, and a
private annotation reaches its author's sockets only."""

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts.models import User
from annotations import services
from scrollkeeper.asgi import application
from teams.roles import Role
from tests.annotations.conftest import HIGHLIGHT, make_document
from tests.teams.conftest import build_lab

pytestmark = pytest.mark.django_db(transaction=True)


def _cookie(user: User) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _socket(cookie: bytes) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie)]
    return WebsocketCommunicator(application, "/ws/", headers=headers)


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """On a fresh event loop in its own thread, as tests/documents/test_realtime.py does."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result()


async def _viewing(cookie: bytes, document_id: str) -> WebsocketCommunicator:
    socket = _socket(cookie)
    assert (await socket.connect())[0]
    await socket.send_json_to({"type": "document.join", "document_id": document_id})
    assert await socket.receive_json_from(timeout=3) == {"type": "document.joined", "document_id": document_id}
    # Then who is viewing it (documents/presence.py), this socket's user among them.
    assert (await socket.receive_json_from(timeout=3))["type"] == "presence.state"
    return socket


async def _settle(*sockets: WebsocketCommunicator) -> None:
    """Take the presence updates that others' joining sent, so that the next message is the change."""
    for socket in sockets:
        while not await socket.receive_nothing(timeout=0.2):
            assert (await socket.receive_json_from())["type"] == "presence.state"


def test_members_viewing_the_document_hear_a_new_annotation_and_its_replies() -> None:
    lab = build_lab()
    document = make_document(lab.team)
    viewer, bystander = _cookie(lab.viewer.user), _cookie(lab.admin.user)
    create = database_sync_to_async(services.annotation_create)
    reply = database_sync_to_async(services.reply_create)

    async def scenario() -> None:
        watching = await _viewing(viewer, str(document.pk))
        elsewhere = _socket(bystander)  # a member of the team, but not viewing this document
        assert (await elsewhere.connect())[0]
        annotation = await create(
            actor=lab.editor, document_id=document.pk, kind="highlight", page_index=0, anchors=HIGHLIGHT, body="Look"
        )
        event = await watching.receive_json_from(timeout=3)
        assert (event["type"], event["team_id"], event["document_id"]) == (
            "annotation.created",
            str(lab.team.pk),
            str(document.pk),
        )
        assert (event["annotation"]["id"], event["annotation"]["body"]) == (str(annotation.pk), "Look")
        await reply(actor=lab.admin, document_id=document.pk, annotation_id=annotation.pk, body="Seen")
        event = await watching.receive_json_from(timeout=3)
        assert (event["type"], event["annotation_id"], event["reply"]["body"]) == (
            "reply.created",
            str(annotation.pk),
            "Seen",
        )
        assert await elsewhere.receive_nothing(timeout=0.3)

        await watching.send_json_to({"type": "document.leave", "document_id": str(document.pk)})
        # The socket handles messages in order: once this is answered, the leave has been done.
        await watching.send_json_to({"type": "no.such.type"})
        assert (await watching.receive_json_from(timeout=3))["code"] == "unknown_type"
        await create(
            actor=lab.editor, document_id=document.pk, kind="area", page_index=0, anchors={"rects": [[0, 0, 1, 1]]}
        )
        assert await watching.receive_nothing(timeout=0.3)
        await watching.disconnect()
        await elsewhere.disconnect()

    run(scenario)


def test_a_member_of_another_team_cannot_join_the_document() -> None:
    lab, other = build_lab("Lab"), build_lab("Other lab")
    document = make_document(lab.team)
    outsider = _cookie(other.owner.user)

    async def scenario() -> None:
        socket = _socket(outsider)
        assert (await socket.connect())[0]
        for document_id in (str(document.pk), "not-a-uuid"):
            await socket.send_json_to({"type": "document.join", "document_id": document_id})
            assert await socket.receive_json_from(timeout=3) == {
                "type": "error",
                "code": "not_found",
                "document_id": document_id,
            }
        await database_sync_to_async(services.annotation_create)(
            actor=lab.editor, document_id=document.pk, kind="highlight", page_index=0, anchors=HIGHLIGHT
        )
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    run(scenario)


def test_a_private_annotation_reaches_no_one_but_its_author() -> None:
    """GIVEN the author and two members view the document WHEN the author makes a private annotation
    THEN only the author's sockets hear of it (also one not viewing the document); once shared, all do."""
    lab = build_lab()
    document = make_document(lab.team)
    author = _cookie(lab.editor.user)
    others = [_cookie(lab.member(role).user) for role in (Role.OWNER, Role.VIEWER)]
    call = database_sync_to_async

    async def scenario() -> None:
        author_viewing = await _viewing(author, str(document.pk))
        author_elsewhere = _socket(author)
        assert (await author_elsewhere.connect())[0]
        watching = [await _viewing(cookie, str(document.pk)) for cookie in others]
        await _settle(author_viewing, *watching)
        draft = await call(services.annotation_create)(
            actor=lab.editor,
            document_id=document.pk,
            kind="highlight",
            page_index=0,
            anchors=HIGHLIGHT,
            visibility="private",
        )
        for socket in (author_viewing, author_elsewhere):
            event = await socket.receive_json_from(timeout=3)
            assert (event["type"], event["annotation"]["visibility"]) == ("annotation.created", "private")
        await call(services.reply_create)(
            actor=lab.editor, document_id=document.pk, annotation_id=draft.pk, body="note to self"
        )
        assert (await author_viewing.receive_json_from(timeout=3))["type"] == "reply.created"
        for socket in watching:
            assert await socket.receive_nothing(timeout=0.3)

        await call(services.annotation_update)(
            actor=lab.editor, document_id=document.pk, annotation_id=draft.pk, version=1, visibility="team"
        )
        for socket in watching:
            event = await socket.receive_json_from(timeout=3)
            assert (event["type"], event["annotation"]["visibility"]) == ("annotation.updated", "team")
            assert [r["body"] for r in event["annotation"]["replies"]] == ["note to self"]
        for socket in (author_viewing, author_elsewhere, *watching):
            await socket.disconnect()

    run(scenario)
