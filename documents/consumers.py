"""The websocket at /ws/: one per browser tab, carrying the events of every team of its user."""

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from teams.selectors import team_memberships_for

from .events import team_group, user_group

CLOSE_UNAUTHENTICATED = 4401
CLOSE_MEMBERSHIP_ENDED = 4403


class LiveConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels ships no type hints
    """Authenticated by the session cookie (AuthMiddlewareStack), origin checked in asgi.py.

    Joins only the groups of the teams the user belongs to when it connects. After a drop the client
    reconnects and refetches state over REST, so nothing sent meanwhile is lost.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.team_ids = await database_sync_to_async(self._team_ids)(user)
        self.joined = [team_group(team_id) for team_id in self.team_ids] + [user_group(user.pk)]
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def event_forward(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])

    async def membership_removed(self, message: dict[str, Any]) -> None:
        """Removed from a team: this socket must stop hearing it. The client reconnects with the rest."""
        if message["team_id"] in self.team_ids:
            await self.close(code=CLOSE_MEMBERSHIP_ENDED)

    @staticmethod
    def _team_ids(user: Any) -> set[str]:
        return {str(team_id) for team_id in team_memberships_for(user=user).values_list("team_id", flat=True)}
