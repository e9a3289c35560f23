"""The websocket at /ws/: one per browser tab, carrying the events of every team of its user."""

import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from teams.selectors import team_memberships_for

from . import presence
from .events import DocumentJoined, PresenceState, SocketError, document_group, team_group, user_group
from .models import Document

CLOSE_UNAUTHENTICATED = 4401
CLOSE_MEMBERSHIP_ENDED = 4403
# A reader has a few documents open at most; this bounds what one socket can subscribe to.
MAX_DOCUMENTS = 32


class LiveConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels ships no type hints
    """Authenticated by the session cookie (AuthMiddlewareStack), origin checked in asgi.py.

    Joins only the groups of the teams the user belongs to when it connects, the user's own group
    (events for them alone: mentions, exports, changes of their role in a team), and the group of a
    document when the client asks (``document.join`` / ``document.leave``) and the document is one of
    the user's teams'. After a drop the client reconnects, joins again and refetches state over REST,
    so nothing sent meanwhile is lost.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.team_ids = await database_sync_to_async(self._team_ids)(user)
        self.joined = [team_group(team_id) for team_id in self.team_ids] + [user_group(user.pk)]
        self.documents: set[str] = set()
        self.pages: dict[uuid.UUID, int] = {}  # the page shown of each joined document, for presence
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in [*getattr(self, "joined", []), *getattr(self, "documents", set())]:
            await self.channel_layer.group_discard(group, self.channel_name)
        for pk in list(getattr(self, "pages", {})):
            await self._presence_gone(pk)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        document_id = content.get("document_id") if isinstance(content, dict) else None
        if kind == "document.join":
            await self._join_document(document_id, content.get("page", 0))
        elif kind == "document.leave":
            await self._leave_document(document_id)
        elif kind == "presence.page":
            await self._presence_page(document_id, content.get("page"))
        elif kind == "presence.ping":
            await self._presence_ping()
        else:
            await self._refuse("unknown_type", None)

    async def _join_document(self, document_id: Any, page: Any = 0) -> None:
        user = self.scope["user"]
        pk = _as_uuid(document_id)
        team_id = None if pk is None else await database_sync_to_async(self._team_of_viewable_document)(user, pk)
        if pk is None or team_id is None:
            await self._refuse("not_found", document_id)
            return
        group = document_group(pk)
        if group not in self.documents and len(self.documents) >= MAX_DOCUMENTS:
            await self._refuse("too_many_documents", document_id)
            return
        # A team joined after connecting: its membership_removed must close this socket too.
        self.team_ids.add(team_id)
        if group not in self.documents:
            self.documents.add(group)
            await self.channel_layer.group_add(group, self.channel_name)
        joined: DocumentJoined = {"type": "document.joined", "document_id": str(pk)}
        await self.send_json(joined)
        self.pages[pk] = _as_page(page) or 0
        await presence.presence_set(document_id=pk, channel=self.channel_name, viewer=self._viewer(pk))
        await self._presence_broadcast(pk)

    async def _leave_document(self, document_id: Any) -> None:
        pk = _as_uuid(document_id)
        group = document_group(pk)
        if group in self.documents:
            self.documents.discard(group)
            await self.channel_layer.group_discard(group, self.channel_name)
        if pk is not None and pk in self.pages:
            await self._presence_gone(pk)

    # --- presence (documents/presence.py keeps it; the protocol is in events.PresenceState) ---------

    async def _presence_page(self, document_id: Any, page: Any) -> None:
        pk, index = _as_uuid(document_id), _as_page(page)
        if pk is None or pk not in self.pages or index is None:
            await self._refuse("not_joined" if index is not None else "invalid_page", document_id)
            return
        self.pages[pk] = index
        await presence.presence_set(document_id=pk, channel=self.channel_name, viewer=self._viewer(pk))
        await self._presence_broadcast(pk)

    async def _presence_ping(self) -> None:
        for pk in list(self.pages):
            if await presence.presence_refresh(document_id=pk, channel=self.channel_name, viewer=self._viewer(pk)):
                await self._presence_broadcast(pk)

    async def _presence_gone(self, pk: uuid.UUID) -> None:
        self.pages.pop(pk, None)
        await presence.presence_remove(document_id=pk, channel=self.channel_name)
        await self._presence_broadcast(pk)

    async def _presence_broadcast(self, pk: uuid.UUID) -> None:
        state: PresenceState = {
            "type": "presence.state",
            "document_id": str(pk),
            "viewers": await presence.presence_viewers(document_id=pk),
        }
        await self.channel_layer.group_send(document_group(pk), {"type": "event.forward", "event": state})

    def _viewer(self, pk: uuid.UUID) -> presence.Viewer:
        user = self.scope["user"]
        return presence.Viewer(user_id=str(user.pk), name=user.name, page=self.pages[pk])

    async def _refuse(self, code: str, document_id: Any) -> None:
        error: SocketError = {
            "type": "error",
            "code": code,
            "document_id": document_id if isinstance(document_id, str) else None,
        }
        await self.send_json(error)

    async def event_forward(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])

    async def membership_removed(self, message: dict[str, Any]) -> None:
        """Removed from a team: this socket must stop hearing it. The client reconnects with the rest."""
        if message["team_id"] in self.team_ids:
            await self.close(code=CLOSE_MEMBERSHIP_ENDED)

    @staticmethod
    def _team_ids(user: Any) -> set[str]:
        return {str(team_id) for team_id in team_memberships_for(user=user).values_list("team_id", flat=True)}

    @staticmethod
    def _team_of_viewable_document(user: Any, pk: uuid.UUID) -> str | None:
        """The document's team id if the user is a member of it now (not only when the socket opened)."""
        teams = team_memberships_for(user=user).values("team_id")
        team_id = Document.objects.filter(pk=pk, team_id__in=teams).values_list("team_id", flat=True).first()
        return None if team_id is None else str(team_id)


def _as_page(value: Any) -> int | None:
    """A 0-based page index, or None for anything else (booleans included)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1_000_000 else None


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
