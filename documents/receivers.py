"""Reactions to other apps' signals, connected in DocumentsConfig.ready()."""

from typing import Any

from .events import MembershipChanged, user_group
from .realtime import send_to_group


def close_sockets_of_removed_member(*, team_id: Any, user_id: Any, **kwargs: Any) -> None:
    """teams sends membership_removed on commit; the user's open sockets of that team are closed."""
    send_to_group(user_group(user_id), {"team_id": str(team_id)}, message_type="membership.removed")


def tell_member_of_their_new_role(*, team_id: Any, user_id: Any, role: str, **kwargs: Any) -> None:
    """teams sends membership_changed on commit; the user's open pages reload what their role permits."""
    event: MembershipChanged = {"type": "membership.changed", "team_id": str(team_id), "role": role}
    send_to_group(user_group(user_id), event)
