"""DRF authentication: personal API tokens (``Authorization: Bearer sk_...``) and the session."""

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from core.exceptions import PermissionDeniedError

from .models import ApiToken, User
from .services import TOKEN_PREFIX, api_token_hash, api_token_touch


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2 or not header[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed("Malformed Authorization header: use 'Bearer sk_...'.")
        token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=api_token_hash(header[1]), user__is_active=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("This API token is not valid or has been revoked.")
        api_token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to anonymous requests, with a WWW-Authenticate hint.
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, with Django's CSRF check and a stable error code when it fails."""

    def enforce_csrf(self, request: Any) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise PermissionDeniedError(
                "The CSRF check failed; reload the page and try again.", code="csrf_failed"
            ) from exc
