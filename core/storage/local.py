"""The embedded default: objects are files under a root folder (``var/media``).

Browsers upload and download through short-lived signed URLs served by :mod:`core.storage.views`,
exactly as they would with S3's presigned URLs, so the client code never knows which adapter runs.
"""

import hashlib
import json
import mimetypes
import os
import shutil
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from django.core import signing
from django.urls import reverse

from .base import ObjectInfo, PartTarget, PendingMultipart, UploadTarget

SALT = "core.storage.local"
CHUNK = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class LocalStorage:
    name = "local"

    def __init__(self, *, root: Path) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.multipart = self.root / "multipart"

    def check(self) -> None:
        self.objects.mkdir(parents=True, exist_ok=True)
        if not os.access(self.objects, os.W_OK):
            raise PermissionError(f"{self.objects} is not writable")

    # --- paths and capability tokens ------------------------------------------------------------

    def path(self, key: str) -> Path:
        """The file of ``key``; refuses keys that would leave the root."""
        path = (self.objects / key).resolve()
        if not key or key.startswith("/") or not path.is_relative_to(self.objects.resolve()):
            raise ValueError(f"invalid storage key {key!r}")
        return path

    def _upload_dir(self, upload_id: str) -> Path:
        return self.multipart / uuid.UUID(upload_id).hex

    @staticmethod
    def sign(expires_in: int, **claims: Any) -> str:
        return signing.dumps({**claims, "exp": int(time.time()) + expires_in}, salt=SALT, compress=True)

    @staticmethod
    def unsign(token: str) -> dict[str, Any]:
        """The claims of a valid, unexpired token; raises ``signing.BadSignature`` otherwise."""
        claims: dict[str, Any] = signing.loads(token, salt=SALT)
        if claims.get("exp", 0) < time.time():
            raise signing.SignatureExpired("the link has expired")
        return claims

    @staticmethod
    def _url(token: str) -> str:
        return reverse("storage-local", kwargs={"token": token})

    # --- uploads from the browser ---------------------------------------------------------------

    def presigned_post(self, *, key: str, content_type: str, max_bytes: int, expires_in: int) -> UploadTarget:
        self.path(key)
        token = self.sign(expires_in, op="post", key=key, ct=content_type, max=max_bytes)
        return UploadTarget(method="POST", url=self._url(token), fields={"Content-Type": content_type})

    def multipart_create(self, *, key: str, content_type: str) -> str:
        self.path(key)
        upload_id = str(uuid.uuid4())
        directory = self._upload_dir(upload_id)
        directory.mkdir(parents=True)
        started = datetime.now(UTC).isoformat()
        (directory / "upload.json").write_text(json.dumps({"key": key, "ct": content_type, "started": started}))
        return upload_id

    def multipart_part_targets(
        self, *, key: str, upload_id: str, part_numbers: list[int], expires_in: int
    ) -> list[PartTarget]:
        return [
            PartTarget(
                part_number=number,
                url=self._url(self.sign(expires_in, op="part", key=key, upload=upload_id, n=number)),
            )
            for number in part_numbers
        ]

    def multipart_write_part(self, *, upload_id: str, part_number: int, stream: Readable) -> str:
        """Store one part from a request body, chunk by chunk; returns its ETag (MD5, as S3 does)."""
        directory = self._upload_dir(upload_id)
        if not directory.exists():
            raise FileNotFoundError("no such multipart upload")
        digest = hashlib.md5(usedforsecurity=False)
        with open(directory / f"{part_number:05d}.part", "wb") as part:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                part.write(chunk)
        return f'"{digest.hexdigest()}"'

    def multipart_complete(self, *, key: str, upload_id: str, parts: list[tuple[int, str]]) -> None:
        directory = self._upload_dir(upload_id)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".partial")
        with open(partial, "wb") as out:
            for number, etag in parts:
                part_path = directory / f"{number:05d}.part"
                digest = hashlib.md5(usedforsecurity=False)
                with open(part_path, "rb") as part:
                    while chunk := part.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if f'"{digest.hexdigest()}"' != etag:
                    partial.unlink()
                    raise ValueError(f"part {number} does not match its ETag")
        partial.replace(target)
        shutil.rmtree(directory, ignore_errors=True)

    def multipart_abort(self, *, key: str, upload_id: str) -> None:
        shutil.rmtree(self._upload_dir(upload_id), ignore_errors=True)

    def multipart_list_pending(self, *, prefix: str) -> list[PendingMultipart]:
        pending = []
        for meta_path in self.multipart.glob("*/upload.json"):
            meta = json.loads(meta_path.read_text())
            if meta["key"].startswith(prefix):
                upload_id = str(uuid.UUID(meta_path.parent.name))
                started = datetime.fromisoformat(meta["started"])
                pending.append(PendingMultipart(key=meta["key"], upload_id=upload_id, started_at=started))
        return pending

    def receive_post(self, *, key: str, uploaded: IO[bytes]) -> None:
        """Move a form-uploaded file (already spooled to disk by Django) into place."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            shutil.copyfileobj(uploaded, out, CHUNK)

    # --- objects --------------------------------------------------------------------------------

    def head(self, *, key: str) -> ObjectInfo | None:
        path = self.path(key)
        if not path.is_file():
            return None
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return ObjectInfo(size=path.stat().st_size, content_type=content_type)

    def read_head_bytes(self, *, key: str, length: int) -> bytes:
        with open(self.path(key), "rb") as file:
            return file.read(length)

    def download_to(self, *, key: str, fileobj: IO[bytes]) -> None:
        with open(self.path(key), "rb") as file:
            shutil.copyfileobj(file, fileobj, CHUNK)

    def upload_from(self, *, key: str, fileobj: IO[bytes], content_type: str) -> None:
        self.receive_post(key=key, uploaded=fileobj)

    def download_url(self, *, key: str, filename: str, expires_in: int, inline: bool = False) -> str:
        return self._url(self.sign(expires_in, op="get", key=key, fn=filename, inline=inline))

    def delete(self, *, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def list_keys(self, *, prefix: str) -> list[tuple[str, datetime]]:
        if not self.objects.exists():
            return []
        found = []
        for path in self.objects.rglob("*"):
            key = path.relative_to(self.objects).as_posix()
            if path.is_file() and key.startswith(prefix) and not key.endswith(".partial"):
                found.append((key, datetime.fromtimestamp(path.stat().st_mtime, UTC)))
        return found
