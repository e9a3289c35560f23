"""The object-storage protocol every adapter implements, and the values it speaks in."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Literal, Protocol


@dataclass(frozen=True)
class UploadTarget:
    """Where and how the browser sends one file in a single request.

    ``method == "POST"``: a multipart form with ``fields`` first and the file last, under ``file_field``
    (S3's presigned POST; the local adapter accepts the same form).
    """

    method: Literal["POST"]
    url: str
    fields: dict[str, str] = field(default_factory=dict)
    file_field: str = "file"


@dataclass(frozen=True)
class PartTarget:
    """A presigned ``PUT`` for one part of a multipart upload; the response's ETag header completes it."""

    part_number: int
    url: str


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    content_type: str


@dataclass(frozen=True)
class PendingMultipart:
    key: str
    upload_id: str
    started_at: datetime


class StorageBackend(Protocol):
    """What the project needs of an object store. Keys are relative paths such as ``teams/<id>/…``."""

    name: str

    def check(self) -> None:
        """Raise if the store cannot be reached or written."""

    def presigned_post(self, *, key: str, content_type: str, max_bytes: int, expires_in: int) -> UploadTarget:
        """A one-request upload limited to ``max_bytes`` and to ``content_type``."""

    def multipart_create(self, *, key: str, content_type: str) -> str:
        """Start a multipart upload; returns its upload id."""

    def multipart_part_targets(
        self, *, key: str, upload_id: str, part_numbers: list[int], expires_in: int
    ) -> list[PartTarget]: ...

    def multipart_complete(self, *, key: str, upload_id: str, parts: list[tuple[int, str]]) -> None:
        """Assemble the parts, given as ``(part_number, etag)`` in order."""

    def multipart_abort(self, *, key: str, upload_id: str) -> None: ...

    def multipart_list_pending(self, *, prefix: str) -> list[PendingMultipart]: ...

    def head(self, *, key: str) -> ObjectInfo | None:
        """Size and type of a stored object, or None when there is none."""

    def read_head_bytes(self, *, key: str, length: int) -> bytes:
        """The first ``length`` bytes (fewer if the object is shorter)."""

    def download_to(self, *, key: str, fileobj: IO[bytes]) -> None:
        """Stream the whole object into ``fileobj``, never holding it in memory."""

    def upload_from(self, *, key: str, fileobj: IO[bytes], content_type: str) -> None:
        """Store ``fileobj`` (server-side writes: exports, imports, tests)."""

    def download_url(self, *, key: str, filename: str, expires_in: int, inline: bool = False) -> str:
        """A short-lived GET URL; an attachment (``Content-Disposition``) unless ``inline``."""

    def delete(self, *, key: str) -> None:
        """Remove the object; removing a missing object is not an error."""

    def list_keys(self, *, prefix: str) -> list[tuple[str, datetime]]:
        """Keys under ``prefix`` with their last-modified time."""
