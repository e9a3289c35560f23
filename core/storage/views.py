"""The signed upload and download URLs of the local storage adapter (the embedded default).

They stand in for S3's presigned URLs: the token in the URL is the whole authorisation, so they need
no session and no CSRF token, and they answer in the API's error shape.
"""

import asyncio
from collections.abc import AsyncIterator
from typing import IO

from django.core import signing
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from core.exceptions import error_body

from . import get_storage
from .local import LocalStorage


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(error_body(code, detail), status=status)


@csrf_exempt
def local_object(request: HttpRequest, token: str) -> HttpResponseBase:
    storage = get_storage()
    if not isinstance(storage, LocalStorage):
        return _error(404, "not_found", "Not found.")
    try:
        claims = storage.unsign(token)
    except signing.SignatureExpired:
        return _error(403, "link_expired", "This link has expired; start again.")
    except signing.BadSignature:
        return _error(403, "invalid_link", "This link is not valid.")

    operation = claims["op"]
    if operation == "post" and request.method == "POST":
        return _receive_post(request, storage, claims)
    if operation == "part" and request.method == "PUT":
        try:
            etag = storage.multipart_write_part(upload_id=claims["upload"], part_number=claims["n"], stream=request)
        except FileNotFoundError:
            return _error(404, "upload_not_found", "This upload was aborted or completed.")
        response = HttpResponse(status=200)
        response["ETag"] = etag
        return response
    if operation == "get" and request.method in {"GET", "HEAD"}:
        path = storage.path(claims["key"])
        if not path.is_file():
            return _error(404, "not_found", "The file is gone.")
        file = open(path, "rb")  # noqa: SIM115 -- the response closes it once sent
        download = FileResponse(
            file,
            as_attachment=not claims.get("inline"),
            filename=claims["fn"],
            content_type="application/pdf",
        )
        if isinstance(request, ASGIRequest):
            # Under ASGI (``make run``) Django reads a synchronous iterator into a list before sending it:
            # the whole PDF in memory. Chunks read in a thread, one at a time, stream it instead.
            download.streaming_content = _read_in_a_thread(file, FileResponse.block_size)
        return download
    return _error(405, "method_not_allowed", f"{request.method} is not allowed on this link.")


async def _read_in_a_thread(file: IO[bytes], block_size: int) -> AsyncIterator[bytes]:
    while chunk := await asyncio.to_thread(file.read, block_size):
        yield chunk


def _receive_post(request: HttpRequest, storage: LocalStorage, claims: dict[str, object]) -> HttpResponse:
    # The same conditions S3 enforces on a presigned POST policy.
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _error(400, "invalid", "The form has no 'file' field.")
    if request.POST.get("Content-Type") != claims["ct"]:
        return _error(403, "policy_violation", "The Content-Type field does not match the upload's.")
    max_bytes = claims["max"]
    if not isinstance(max_bytes, int) or not 1 <= (uploaded.size or 0) <= max_bytes:
        return _error(400, "too_large", f"The file must be between 1 and {max_bytes} bytes.")
    storage.receive_post(key=str(claims["key"]), uploaded=uploaded)
    return HttpResponse(status=204)
