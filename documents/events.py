"""Every websocket message the documents app sends. The frontend has the same types (src/api/events.ts)."""

from typing import Literal, TypedDict


class ParseErrorPayload(TypedDict):
    code: str
    message: str


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


def team_group(team_id: object) -> str:
    return f"team.{team_id}"


def user_group(user_id: object) -> str:
    return f"user.{user_id}"
