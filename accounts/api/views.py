"""Account endpoints: one view per operation, each parsing input and calling one service."""

from typing import Any

from django.contrib.auth import login, logout, update_session_auth_hash
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.authentication import ApiTokenAuthentication, SessionAuthentication
from accounts.models import User
from accounts.throttles import EmailThrottle, LoginThrottle, SignupThrottle

from . import serializers as s


class PublicApi(APIView):
    """An endpoint for signed-out visitors' browser forms.

    DRF checks CSRF only for signed-in sessions; these views check it for everyone, so that no other
    site can submit them in a visitor's browser (login CSRF).
    """

    permission_classes = (AllowAny,)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not isinstance(request.successful_authenticator, ApiTokenAuthentication):
            SessionAuthentication().enforce_csrf(request)


def _base_url(request: Request) -> str:
    return request.build_absolute_uri("/")


def _user(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - IsAuthenticated guarantees it; narrows the type
    return request.user


class CsrfApi(APIView):
    permission_classes = (AllowAny,)

    @extend_schema(responses={204: None}, summary="Set the CSRF cookie for the single-page app")
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request) -> Response:
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionApi(APIView):
    """Who is signed in: the single-page app's first question, which a visitor's browser asks too. So it
    answers 200 with ``user: null`` rather than 401, which a browser logs as an error on every page."""

    permission_classes = (AllowAny,)

    @extend_schema(responses=s.SessionOut, summary="The signed-in user, or null for a signed-out visitor")
    def get(self, request: Request) -> Response:
        user = request.user if isinstance(request.user, User) else None
        return Response({"user": s.UserOut(user).data if user is not None else None})


class MeApi(APIView):
    @extend_schema(responses=s.UserOut, summary="The signed-in user")
    def get(self, request: Request) -> Response:
        return Response(s.UserOut(_user(request)).data)


class SignUpApi(PublicApi):
    throttle_classes = (SignupThrottle,)

    @extend_schema(request=s.SignUpIn, responses={201: s.UserOut}, summary="Create an account")
    def post(self, request: Request) -> Response:
        data = s.SignUpIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_sign_up(**data.validated_data, base_url=_base_url(request))
        return Response(s.UserOut(user).data, status=status.HTTP_201_CREATED)


class VerifyEmailApi(PublicApi):
    @extend_schema(request=s.TokenIn, responses=s.UserOut, summary="Confirm an e-mail address")
    def post(self, request: Request) -> Response:
        data = s.TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_verify_email(token=data.validated_data["token"])
        return Response(s.UserOut(user).data)


class VerifyEmailResendApi(PublicApi):
    throttle_classes = (EmailThrottle,)

    @extend_schema(request=s.EmailIn, responses={202: s.DetailOut}, summary="Send a new verification link")
    def post(self, request: Request) -> Response:
        data = s.EmailIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_resend_verification(email=data.validated_data["email"], base_url=_base_url(request))
        return Response(
            {"detail": "If that address has an unverified account, a new link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class LoginApi(PublicApi):
    throttle_classes = (LoginThrottle,)

    @extend_schema(request=s.LoginIn, responses=s.UserOut, summary="Log in with e-mail and password")
    def post(self, request: Request) -> Response:
        data = s.LoginIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_authenticate(request=request._request, **data.validated_data)
        login(request._request, user)
        return Response(s.UserOut(user).data)


class LogoutApi(PublicApi):
    @extend_schema(request=None, responses={204: None}, summary="Log out of this browser")
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetApi(PublicApi):
    throttle_classes = (EmailThrottle,)

    @extend_schema(request=s.EmailIn, responses={202: s.DetailOut}, summary="E-mail a password reset link")
    def post(self, request: Request) -> Response:
        data = s.EmailIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(email=data.validated_data["email"], base_url=_base_url(request))
        return Response(
            {"detail": "If an account exists for that address, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmApi(PublicApi):
    throttle_classes = (LoginThrottle,)

    @extend_schema(request=s.PasswordResetConfirmIn, responses=s.DetailOut, summary="Set a new password")
    def post(self, request: Request) -> Response:
        data = s.PasswordResetConfirmIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_confirm(**data.validated_data)
        return Response({"detail": "Your password has been changed. You can log in with it now."})


class PasswordChangeApi(APIView):
    @extend_schema(request=s.PasswordChangeIn, responses=s.DetailOut, summary="Change your password")
    def post(self, request: Request) -> Response:
        data = s.PasswordChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.password_change(user=_user(request), **data.validated_data)
        # Other sessions end; this one stays signed in.
        update_session_auth_hash(request._request, user)
        return Response({"detail": "Your password has been changed."})


class ApiTokenListCreateApi(APIView):
    @extend_schema(responses=s.ApiTokenListOut, summary="Your personal API tokens")
    def get(self, request: Request) -> Response:
        tokens = selectors.api_token_list_for(user=_user(request))
        return Response({"results": s.ApiTokenOut(tokens, many=True).data})

    @extend_schema(
        request=s.ApiTokenIn,
        responses={201: s.ApiTokenCreatedOut},
        summary="Create a personal API token (the secret is shown once)",
    )
    def post(self, request: Request) -> Response:
        data = s.ApiTokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = services.api_token_create(user=_user(request), name=data.validated_data["name"])
        return Response({**s.ApiTokenOut(token).data, "token": secret}, status=status.HTTP_201_CREATED)


class ApiTokenRevokeApi(APIView):
    @extend_schema(responses={204: OpenApiResponse(description="Revoked")}, summary="Revoke a token")
    def delete(self, request: Request, token_id: str) -> Response:
        services.api_token_revoke(user=_user(request), token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
