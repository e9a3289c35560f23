"""Signals teams sends, for apps that must react without teams knowing them (core <- accounts <- teams).

``membership_removed``: a user is no longer in a team (removed, left, or the team was deleted).
Sent on commit with ``team_id`` and ``user_id`` (UUIDs); the realtime app closes the user's
websockets of that team when it arrives.

``membership_changed``: a member's role in a team changed (a role change, or a transfer of ownership).
Sent on commit with ``team_id``, ``user_id`` and ``role``; the realtime app tells the user's open pages,
which reload what the role permits.
"""

from django.dispatch import Signal

membership_removed = Signal()
membership_changed = Signal()
