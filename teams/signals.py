"""Signals teams sends, for apps that must react without teams knowing them (core <- accounts <- teams).

``membership_removed``: a user is no longer in a team (removed, left, or the team was deleted).
Sent on commit with ``team_id`` and ``user_id`` (UUIDs); the realtime app closes the user's
websockets of that team when it arrives.
"""

from django.dispatch import Signal

membership_removed = Signal()
