"""Who is viewing which document and page: kept in Redis, one entry per socket.

Each document has a hash ``presence:document:<id>`` whose fields are the channel names of the sockets
viewing it and whose values say who (user id, name) is on which page, when the page last changed and
when the entry expires. A socket's entry lives ``TTL`` seconds unless its client pings (every ~10 s);
a socket that closes removes its entry at once, so a closed tab is gone within seconds and a crashed
server's sockets within ``TTL``. Readers skip (and delete) expired entries.

Without ``REDIS_URL`` (a single-process development server) the same data lives in this process.
"""

import json
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from redis.asyncio import Redis

from .events import PresenceViewer

TTL = 30.0
_LOCAL: dict[str, dict[str, str]] = {}


@dataclass(frozen=True)
class Viewer:
    """One socket on one document."""

    user_id: str
    name: str
    page: int


def _key(document_id: object) -> str:
    return f"presence:document:{document_id}"


class _Store:
    """The few hash operations presence needs, on Redis or (without it) on a dict of this process."""

    def __init__(self) -> None:
        url = settings.REDIS_URL
        self.redis: Redis | None = Redis.from_url(url, decode_responses=True) if url else None

    async def __aenter__(self) -> "_Store":
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.redis is not None:
            await self.redis.aclose()

    async def put(self, key: str, field: str, value: str) -> None:
        if self.redis is None:
            _LOCAL.setdefault(key, {})[field] = value
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, field, value)
            pipe.expire(key, int(TTL * 2))
            await pipe.execute()

    async def remove(self, key: str, *fields: str) -> None:
        if not fields:
            return
        if self.redis is None:
            for field in fields:
                _LOCAL.get(key, {}).pop(field, None)
            return
        await self.redis.hdel(key, *fields)

    async def get(self, key: str, field: str) -> str | None:
        if self.redis is None:
            return _LOCAL.get(key, {}).get(field)
        value = await self.redis.hget(key, field)
        return None if value is None else _text(value)

    async def all(self, key: str) -> dict[str, str]:
        if self.redis is None:
            return dict(_LOCAL.get(key, {}))
        return {_text(field): _text(value) for field, value in (await self.redis.hgetall(key)).items()}


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _entry(viewer: Viewer, *, changed_at: float) -> str:
    return json.dumps(
        {
            "user_id": viewer.user_id,
            "name": viewer.name,
            "page": viewer.page,
            "changed_at": changed_at,
            "expires_at": time.time() + TTL,
        }
    )


async def presence_set(*, document_id: object, channel: str, viewer: Viewer) -> None:
    """The socket ``channel`` views the document at ``viewer.page`` (a join or a page change)."""
    async with _Store() as store:
        await store.put(_key(document_id), channel, _entry(viewer, changed_at=time.time()))


async def presence_refresh(*, document_id: object, channel: str, viewer: Viewer) -> bool:
    """A heartbeat: the socket's entry lives another ``TTL`` (it is written again if it expired).
    True when the viewer list changed: other sockets' entries had expired meanwhile, or this one had
    (a late heartbeat) and is back."""
    key = _key(document_id)
    async with _Store() as store:
        current = await store.get(key, channel)
        changed_at = json.loads(current)["changed_at"] if current else time.time()
        await store.put(key, channel, _entry(viewer, changed_at=changed_at))
        _, expired = await _read(store, key)
    return expired or current is None


async def presence_remove(*, document_id: object, channel: str) -> None:
    """The socket left the document or closed."""
    async with _Store() as store:
        await store.remove(_key(document_id), channel)


async def presence_viewers(*, document_id: object) -> list[PresenceViewer]:
    """One entry per user (the page of their most recently changed socket), by name."""
    async with _Store() as store:
        entries, _ = await _read(store, _key(document_id))
    latest: dict[str, dict[str, Any]] = {}
    for entry in entries:
        seen = latest.get(entry["user_id"])
        if seen is None or entry["changed_at"] > seen["changed_at"]:
            latest[entry["user_id"]] = entry
    viewers: list[PresenceViewer] = [
        {"user_id": entry["user_id"], "name": entry["name"], "page": entry["page"]} for entry in latest.values()
    ]
    return sorted(viewers, key=lambda viewer: (viewer["name"].lower(), viewer["user_id"]))


async def _read(store: _Store, key: str) -> tuple[list[dict[str, Any]], bool]:
    """The live entries; expired ones are deleted (the second value says whether there were any)."""
    now = time.time()
    live: list[dict[str, Any]] = []
    expired: list[str] = []
    for field, value in (await store.all(key)).items():
        entry = json.loads(value)
        if entry["expires_at"] < now:
            expired.append(field)
        else:
            live.append(entry)
    await store.remove(key, *expired)
    return live, bool(expired)
