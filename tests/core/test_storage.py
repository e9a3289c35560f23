"""Contract tests: both storage adapters behave the same for the flows the app relies on."""

import asyncio
import base64
import io
import json
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient, Client

from core.storage import StorageBackend, get_storage
from core.storage.local import LocalStorage
from core.storage.names import content_disposition

PDF = b"%PDF-1.7\n" + b"x" * 2000 + b"\n%%EOF\n"


@pytest.fixture(params=["s3", "local"])
def storage(request: pytest.FixtureRequest, tmp_path: Path, settings: Any) -> StorageBackend:
    if request.param == "local":
        settings.USE_S3 = False
        settings.MEDIA_ROOT = tmp_path
        get_storage.cache_clear()
    return get_storage()


class Browser:
    """Follows upload/download URLs the way the SPA does: absolute ones over HTTP, relative ones here."""

    def __init__(self) -> None:
        self.client = Client()

    def post_form(self, url: str, fields: dict[str, str], data: bytes) -> int:
        if url.startswith("http"):
            return requests.post(url, data=fields, files={"file": ("a.pdf", data)}, timeout=10).status_code
        upload = SimpleUploadedFile("a.pdf", data, content_type="application/pdf")
        return self.client.post(url, {**fields, "file": upload}).status_code

    def put(self, url: str, data: bytes) -> tuple[int, str]:
        if url.startswith("http"):
            response = requests.put(url, data=data, timeout=10)
            return response.status_code, response.headers["ETag"]
        reply = self.client.put(url, data, content_type="application/octet-stream")
        return reply.status_code, reply["ETag"]

    def get(self, url: str) -> tuple[int, bytes, str]:
        if url.startswith("http"):
            response = requests.get(url, timeout=10)
            return response.status_code, response.content, response.headers.get("Content-Disposition", "")
        reply = self.client.get(url)
        return reply.status_code, b"".join(reply.streaming_content), reply["Content-Disposition"]  # type: ignore[attr-defined]  # FileResponse streams


def test_check_passes(storage: StorageBackend) -> None:
    storage.check()


def test_presigned_post_round_trip(storage: StorageBackend) -> None:
    target = storage.presigned_post(key="t/1/a.pdf", content_type="application/pdf", max_bytes=10_000, expires_in=60)
    assert Browser().post_form(target.url, target.fields, PDF) in {200, 204}
    info = storage.head(key="t/1/a.pdf")
    assert info is not None
    assert info.size == len(PDF)
    assert storage.read_head_bytes(key="t/1/a.pdf", length=5) == b"%PDF-"


def test_presigned_post_policy_carries_size_and_type_conditions(settings: Any) -> None:
    """moto does not enforce policies, so the conditions we write into them are tested here."""
    target = get_storage().presigned_post(key="k.pdf", content_type="application/pdf", max_bytes=1234, expires_in=60)
    policy = json.loads(base64.b64decode(target.fields["policy"]))
    assert ["content-length-range", 1, 1234] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"key": "k.pdf"} in policy["conditions"]
    assert policy["expiration"]


def test_local_post_enforces_the_same_conditions(tmp_path: Path, settings: Any) -> None:
    settings.USE_S3 = False
    settings.MEDIA_ROOT = tmp_path
    get_storage.cache_clear()
    storage = get_storage()
    target = storage.presigned_post(key="k.pdf", content_type="application/pdf", max_bytes=100, expires_in=60)
    browser = Browser()
    assert browser.post_form(target.url, target.fields, PDF) == 400  # larger than 100 bytes
    assert browser.post_form(target.url, {"Content-Type": "text/html"}, b"%PDF") == 403
    expired = storage.presigned_post(key="k.pdf", content_type="application/pdf", max_bytes=100, expires_in=-1)
    assert browser.post_form(expired.url, expired.fields, b"%PDF") == 403
    assert browser.post_form(target.url + "tampered", target.fields, b"%PDF") == 403
    assert storage.head(key="k.pdf") is None


def test_multipart_round_trip(storage: StorageBackend) -> None:
    part_one = b"%PDF-1.7\n" + b"a" * (5 * 1024 * 1024)  # S3 parts but the last are at least 5 MiB
    part_two = b"tail\n%%EOF\n"
    upload_id = storage.multipart_create(key="t/big.pdf", content_type="application/pdf")
    assert [pending.upload_id for pending in storage.multipart_list_pending(prefix="t/")] == [upload_id]

    targets = storage.multipart_part_targets(key="t/big.pdf", upload_id=upload_id, part_numbers=[1, 2], expires_in=60)
    browser = Browser()
    etags = []
    for target, data in zip(targets, [part_one, part_two], strict=True):
        status, etag = browser.put(target.url, data)
        assert status == 200
        etags.append((target.part_number, etag))
    storage.multipart_complete(key="t/big.pdf", upload_id=upload_id, parts=etags)

    info = storage.head(key="t/big.pdf")
    assert info is not None
    assert info.size == len(part_one) + len(part_two)
    assert storage.multipart_list_pending(prefix="t/") == []
    out = io.BytesIO()
    storage.download_to(key="t/big.pdf", fileobj=out)
    assert out.getvalue() == part_one + part_two


def test_multipart_abort_leaves_nothing(storage: StorageBackend) -> None:
    upload_id = storage.multipart_create(key="t/x.pdf", content_type="application/pdf")
    storage.multipart_abort(key="t/x.pdf", upload_id=upload_id)
    assert storage.multipart_list_pending(prefix="t/") == []
    storage.multipart_abort(key="t/x.pdf", upload_id=upload_id)  # aborting twice is harmless


def test_download_url_is_an_attachment_with_the_name(storage: StorageBackend) -> None:
    storage.upload_from(key="t/d.pdf", fileobj=io.BytesIO(PDF), content_type="application/pdf")
    status, body, disposition = Browser().get(
        storage.download_url(key="t/d.pdf", filename='Résumé "final".pdf', expires_in=60)
    )
    assert status == 200
    assert body == PDF
    assert disposition.startswith("attachment;")
    assert "R%C3%A9sum%C3%A9" in disposition


def test_a_local_download_streams_when_served_over_asgi(tmp_path: Path, settings: Any) -> None:
    """``make run`` serves HTTP with uvicorn: a synchronous file iterator would be read whole into memory
    there before the first byte goes out (Django's ASGI handler lists it); the response iterates
    asynchronously instead, a block at a time."""
    settings.USE_S3 = False
    settings.MEDIA_ROOT = tmp_path
    get_storage.cache_clear()
    storage = get_storage()
    large = PDF * 40  # many blocks
    storage.upload_from(key="t/big.pdf", fileobj=io.BytesIO(large), content_type="application/pdf")
    url = storage.download_url(key="t/big.pdf", filename="big.pdf", expires_in=60)

    async def fetch() -> tuple[Any, list[bytes]]:
        response = await AsyncClient().get(url)
        return response, [chunk async for chunk in response.streaming_content]  # type: ignore[attr-defined]  # FileResponse streams

    with warnings.catch_warnings():
        warnings.filterwarnings("error", "StreamingHttpResponse must consume")  # Django buffers, and says so
        # In a thread of its own: a browser test before this one may have left an event loop running here.
        with ThreadPoolExecutor(1) as pool:
            response, chunks = pool.submit(asyncio.run, fetch()).result()

    assert response.status_code == 200
    assert response.is_async
    assert b"".join(chunks) == large
    assert len(chunks) > 1
    assert response["Content-Length"] == str(len(large))


def test_delete_and_list(storage: StorageBackend) -> None:
    storage.upload_from(key="t/a.pdf", fileobj=io.BytesIO(PDF), content_type="application/pdf")
    storage.upload_from(key="u/b.pdf", fileobj=io.BytesIO(PDF), content_type="application/pdf")
    assert [key for key, _ in storage.list_keys(prefix="t/")] == ["t/a.pdf"]
    storage.delete(key="t/a.pdf")
    storage.delete(key="t/a.pdf")
    assert storage.head(key="t/a.pdf") is None


@pytest.mark.parametrize("key", ["../escape.pdf", "/etc/passwd", "a/../../b.pdf", ""])
def test_local_refuses_keys_outside_its_root(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="invalid storage key"):
        LocalStorage(root=tmp_path).path(key)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("paper.pdf", "attachment; filename=\"paper.pdf\"; filename*=UTF-8''paper.pdf"),
        ('a"b\r\n.pdf', "attachment; filename=\"a_b_.pdf\"; filename*=UTF-8''a_b_.pdf"),
    ],
)
def test_content_disposition_is_header_safe(name: str, expected: str) -> None:
    assert content_disposition(name) == expected


def test_static_files_are_served_over_asgi_without_a_synchronous_iterator() -> None:
    """``make run`` serves the built UI with uvicorn: Django's static files handler reads each file for
    the ASGI handler, which would otherwise read WhiteNoise's synchronous iterator in a thread, with a
    warning in the log at the first page load."""
    from asgiref.testing import ApplicationCommunicator

    from scrollkeeper.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/static/admin/css/base.css",  # Django's admin is installed: its files are always there
        "raw_path": b"/static/admin/css/base.css",
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 12345),
    }

    async def fetch() -> list[dict[str, Any]]:
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        messages = [await communicator.receive_output(10)]
        while messages[-1]["type"] != "http.response.body" or messages[-1].get("more_body", False):
            messages.append(await communicator.receive_output(10))
        return messages

    with warnings.catch_warnings():
        warnings.filterwarnings("error", "StreamingHttpResponse must consume")
        with ThreadPoolExecutor(1) as pool:  # see the test above
            messages = pool.submit(asyncio.run, fetch()).result()

    assert messages[0]["status"] == 200
    assert b"".join(message.get("body", b"") for message in messages[1:]).lstrip().startswith(b"/*")


def test_the_storage_is_made_by_one_thread_at_a_time(settings: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """boto3's default session, which makes the S3 clients, is not thread-safe, and a worker's pool process
    makes its storage in a warm-up thread while its first task may ask for it too: making it holds a lock."""
    import core.storage

    held: list[bool] = []

    class Recording(LocalStorage):
        def __init__(self, *, root: Path) -> None:
            held.append(core.storage._making.locked())
            super().__init__(root=root)

    settings.USE_S3 = False
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("core.storage.local.LocalStorage", Recording)
    get_storage.cache_clear()
    try:
        assert isinstance(get_storage(), Recording)
    finally:
        get_storage.cache_clear()
    assert held == [True]
