"""Every websocket message the documents app sends. The frontend has the same types (src/api/events.ts)."""

from typing import Literal, TypedDict

RETRYABLE_ERROR_CODES = frozenset({"storage_unavailable", "timeout"})
"""Failures that parsing the same file again may get past: storage was unreachable, or the machine was too
busy to finish within the time budget. Every other code is the file's own, and would fail the same way."""


class ParseErrorPayload(TypedDict):
    code: str
    message: str
    retryable: bool


def parse_error(code: str, message: str) -> ParseErrorPayload:
    return {"code": code, "message": message, "retryable": code in RETRYABLE_ERROR_CODES}


class DocumentProgress(TypedDict):
    type: Literal["document.progress"]
    team_id: str
    document_id: str
    state: str
    pages_done: int
    pages_total: int | None
    error: ParseErrorPayload | None


class DocumentChanged(TypedDict):
    """A document was created, renamed, re-tagged or deleted: members refetch it (or drop it)."""

    type: Literal["document.changed"]
    team_id: str
    document_id: str
    deleted: bool


class CollectionsChanged(TypedDict):
    """A collection was created or deleted (its documents stay in the library): members refetch the
    collections and the lists, which show and filter by them."""

    type: Literal["collections.changed"]
    team_id: str


class DocumentJoined(TypedDict):
    """The answer to the client's ``{"type": "document.join", "document_id"}``: events of that document follow."""

    type: Literal["document.joined"]
    document_id: str


class SocketError(TypedDict):
    """A client message the socket refused (``not_found``: no document of the user's teams by that id)."""

    type: Literal["error"]
    code: str
    document_id: str | None


class MembershipChanged(TypedDict):
    """The user's own role in a team changed (``teams.signals.membership_changed``): their open pages
    reload the team, whose ``permissions`` decide what they offer. Sent to that user's sockets only;
    removal from a team closes them instead (code 4403)."""

    type: Literal["membership.changed"]
    team_id: str
    role: str


def team_group(team_id: object) -> str:
    return f"team.{team_id}"


def user_group(user_id: object) -> str:
    return f"user.{user_id}"


def document_group(document_id: object) -> str:
    """Sockets viewing one document; joined on the client's request, after a membership check."""
    return f"document.{document_id}"


class PresenceViewer(TypedDict):
    user_id: str
    name: str
    page: int  # 0-based page index


class PresenceState(TypedDict):
    """Who views the document now, one entry per user (the page of their latest move), sent to the
    document's group whenever someone joins, turns the page, leaves or closes the tab.

    The client's side of the protocol: ``{"type": "document.join", "document_id", "page"?}``, then
    ``{"type": "presence.page", "document_id", "page"}`` on every page change and
    ``{"type": "presence.ping"}`` every ~10 s while the tab is open (an entry without a ping for 30 s
    expires); ``document.leave`` or closing the socket removes the viewer at once.
    """

    type: Literal["presence.state"]
    document_id: str
    viewers: list[PresenceViewer]
