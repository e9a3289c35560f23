"""Errors that cross the API boundary, and the one shape they all take.

Every API error is ``{"code": str, "detail": str, "fields": {name: [message, ...]}}`` with the right
HTTP status. Services raise :class:`ApplicationError` (or a subclass); DRF's own exceptions are
translated by :func:`api_exception_handler`.
"""

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, JsonResponse
from psycopg import errors as pg_errors
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A rule of the domain was not met; the caller learns which one and why."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code: str = "invalid"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.fields = {name: list(messages) for name, messages in (fields or {}).items()}
        self.extra = dict(extra or {})


class NotFoundError(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class PermissionDeniedError(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class ConflictError(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


# DRF exception class -> stable code. Anything else falls back to DRF's own default_code.
_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed_request",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
}


def error_body(code: str, detail: str, fields: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "detail": detail, "fields": dict(fields or {})}


def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, Mapping):
        return [f"{key}: {message}" for key, value in messages.items() for message in _flatten(value)]
    if isinstance(messages, list | tuple):
        return [message for item in messages for message in _flatten(item)]
    return [str(messages)]


def _validation_body(detail: Any) -> dict[str, Any]:
    if not isinstance(detail, Mapping):
        messages = _flatten(detail)
        return error_body("invalid", " ".join(messages) or "The request is not valid.")
    fields = {name: _flatten(value) for name, value in detail.items() if name != "non_field_errors"}
    general = _flatten(detail.get("non_field_errors", []))
    if general:
        message = " ".join(general)
    elif len(fields) == 1:
        name, messages = next(iter(fields.items()))
        message = f"{name.replace('_', ' ').capitalize()}: {messages[0]}"
    else:
        message = "Some fields are not valid."
    return error_body("invalid", message, fields)


def api_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error leaves the API in the one shape."""
    # Imported here: rest_framework.views loads the authentication classes, which import this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, IntegrityError) and _lost_a_race(exc):
        logger.warning("A request lost a race with a concurrent change: %s", exc)
        exc = ConflictError(
            "Something this refers to was deleted or changed at the same moment. Reload and try again.",
            code="concurrent_change",
        )
    if isinstance(exc, ApplicationError):
        return Response(
            {**error_body(exc.code, exc.detail, exc.fields), **exc.extra},
            status=exc.status_code,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, dict(context))
    if response is None or not isinstance(exc, exceptions.APIException):
        return response  # an unexpected error: Django's 500 handler answers

    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
    elif isinstance(exc, exceptions.Throttled):
        seconds = getattr(exc, "wait", None)
        wait = math.ceil(seconds) if seconds is not None else None
        when = f"in {wait} second{'s' if wait != 1 else ''}" if wait is not None else "later"
        response.data = error_body("rate_limited", f"Too many attempts. Try again {when}.")
    else:
        code = _CODES.get(type(exc)) or str(exc.default_code)
        response.data = error_body(code, str(exc.detail))
    return response


def _lost_a_race(error: IntegrityError) -> bool:
    """A constraint that the services check before they write, broken by a change committed in between: a
    row referred to was deleted (say, the document, while a member annotated it; foreign keys are checked
    at commit), or a row that had to be unique was made by someone else. Other integrity errors are bugs."""
    return isinstance(error.__cause__, pg_errors.ForeignKeyViolation | pg_errors.UniqueViolation)


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "Not found."), status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body("server_error", "Something went wrong on our side. It has been logged; please try again."),
        status=500,
    )


def json_bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("bad_request", "The request could not be understood."), status=400)
