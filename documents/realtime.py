"""Sending events to browsers through the channel layer.

A fresh ``async_to_sync(group_send)`` per event costs a new event loop and Redis connection (about
10 ms here). So a web thread keeps one loop for its events (``send_to_group``), and a worker sending many
progress events keeps one :class:`EventSender` for the whole task (about 3 ms each).
"""

import asyncio
import threading
import time
from collections.abc import Mapping
from typing import Any, Self

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
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
    loop = _thread_loop(layer)
    if loop is None:
        async_to_sync(layer.group_send)(group, message)
    else:
        loop.run_until_complete(layer.group_send(group, message))


_threads = threading.local()


def _thread_loop(layer: Any) -> asyncio.AbstractEventLoop | None:
    """This thread's own event loop for the Redis channel layer, kept between sends: the layer keeps one
    Redis connection per loop, so a web process's second event costs ~1 ms, not the ~10 ms of a fresh
    ``async_to_sync`` loop and connection. None where that cannot work: in a thread that runs an event
    loop already, and for the in-memory layer, whose queues belong to the ASGI server's loop (asgiref
    hands ``async_to_sync`` calls from its sync threads back to that loop)."""
    if isinstance(layer, InMemoryChannelLayer):
        return None
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        return None
    loop: asyncio.AbstractEventLoop | None = getattr(_threads, "loop", None)
    if loop is None or loop.is_closed():
        loop = _threads.loop = asyncio.new_event_loop()
    return loop


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
