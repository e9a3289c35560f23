"""Sending events to browsers through the channel layer.

A fresh ``async_to_sync(group_send)`` per event costs a new event loop and Redis connection (about
10 ms here); a worker sending many progress events keeps one :class:`EventSender` for the whole task
(about 3 ms each).
"""

import asyncio
import time
from collections.abc import Mapping
from typing import Any, Self

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .events import DocumentProgress, team_group

# Browsers need no more than four progress updates a second per document.
PROGRESS_INTERVAL = 0.25


def send_to_group(group: str, event: Mapping[str, Any], *, message_type: str = "event.forward") -> None:
    """One message, now (from a request or a signal handler).

    ``event.forward`` messages go to the browser as they are; other types are for the consumer itself.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    if message_type == "event.forward":
        message = {"type": message_type, "event": dict(event)}
    else:
        message = {"type": message_type, **event}
    async_to_sync(layer.group_send)(group, message)


def send_on_commit(group: str, event: Mapping[str, Any]) -> None:
    """After the surrounding transaction commits, so no browser sees a row that was rolled back.

    Robust: a channel layer that fails (Redis hiccup) is logged and the request still answers with what
    was committed; browsers catch up over REST when their socket reconnects.
    """
    transaction.on_commit(lambda: send_to_group(group, event), robust=True)


class EventSender:
    """Many events from one worker task over one event loop and one channel-layer connection."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.layer = get_channel_layer()
        self._last_progress: dict[str, tuple[float, str]] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, group: str, event: Mapping[str, Any]) -> None:
        if self.layer is not None:
            message = {"type": "event.forward", "event": dict(event)}
            self.loop.run_until_complete(self.layer.group_send(group, message))

    def progress(self, event: DocumentProgress) -> None:
        """At most every PROGRESS_INTERVAL per document, but every change of state goes out at once."""
        now = time.monotonic()
        last = self._last_progress.get(event["document_id"])
        if last is not None and last[1] == event["state"] and now - last[0] < PROGRESS_INTERVAL:
            return
        self._last_progress[event["document_id"]] = (now, event["state"])
        self.send(team_group(event["team_id"]), event)

    def close(self) -> None:
        # channels_redis hooks loop.close() to close this loop's connections (and only this loop's).
        self.loop.close()
