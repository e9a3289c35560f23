"""Sending events to browsers through the channel layer.

Under ASGI, a sync view's ``async_to_sync(group_send)`` runs on the server's own event loop. A Celery
worker or a WSGI web process has no event loop: each ``async_to_sync`` there would make a new loop and a
new Redis connection (3-10 ms a send). So those processes (``use_sender_thread``, called by
``scrollkeeper.celery`` at worker start and by ``scrollkeeper.wsgi``) send through one event loop kept in a
daemon thread for the life of the process, with its Redis connections (~0.3 ms a send). Anything else
without a loop (a management command, a test) keeps a loop per ``EventSender``.
"""

import asyncio
import os
import threading
import time
from collections.abc import Coroutine, Mapping
from typing import Any, Self

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .events import DocumentProgress, team_group

# Browsers need no more than four progress updates a second per document.
PROGRESS_INTERVAL = 0.25
SEND_TIMEOUT_SECONDS = 10.0


class _SenderThread:
    """One event loop in a daemon thread; sync callers hand it coroutines and wait for them."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="channel-layer-sender", daemon=True).start()

    def run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(SEND_TIMEOUT_SECONDS)


_sender_thread_wanted = False
_sender_thread: _SenderThread | None = None
_sender_thread_lock = threading.Lock()


def use_sender_thread() -> None:
    """Send through one long-lived event loop in this process (and in processes forked from it)."""
    global _sender_thread_wanted
    _sender_thread_wanted = True


def _running_sender_thread() -> _SenderThread | None:
    """The process's sender thread, started on first use; a forked child starts its own (threads do not
    survive a fork). None when this process does not use one."""
    global _sender_thread
    if not _sender_thread_wanted:
        return None
    with _sender_thread_lock:
        if _sender_thread is None or _sender_thread.pid != os.getpid():
            _sender_thread = _SenderThread()
        return _sender_thread


def _message(event: Mapping[str, Any], message_type: str) -> dict[str, Any]:
    if message_type == "event.forward":
        return {"type": message_type, "event": dict(event)}
    return {"type": message_type, **event}


def send_to_group(group: str, event: Mapping[str, Any], *, message_type: str = "event.forward") -> None:
    """One message, now (from a request, a signal handler or a task).

    ``event.forward`` messages go to the browser as they are; other types are for the consumer itself.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    message = _message(event, message_type)
    sender = _running_sender_thread()
    if sender is not None:
        sender.run(layer.group_send(group, message))
    else:
        async_to_sync(layer.group_send)(group, message)


def send_on_commit(group: str, event: Mapping[str, Any]) -> None:
    """After the surrounding transaction commits, so no browser sees a row that was rolled back.

    Robust: a channel layer that fails (Redis hiccup) is logged and the request still answers with what
    was committed; browsers catch up over REST when their socket reconnects.
    """
    transaction.on_commit(lambda: send_to_group(group, event), robust=True)


class EventSender:
    """Many events from one task: over the process's sender thread in a worker, else over one event loop
    and channel-layer connection of its own for the task's duration."""

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self._sender = _running_sender_thread()
        self._loop = asyncio.new_event_loop() if self._sender is None else None
        self._last_progress: dict[str, tuple[float, str]] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, group: str, event: Mapping[str, Any]) -> None:
        if self.layer is None:
            return
        sending = self.layer.group_send(group, _message(event, "event.forward"))
        if self._sender is not None:
            self._sender.run(sending)
        elif self._loop is not None:
            self._loop.run_until_complete(sending)

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
        if self._loop is not None:
            self._loop.close()
