"""Everything that changes an account: sign-up, verification, passwords, API tokens."""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode, urlsafe_base64_encode

from core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

from .models import ApiToken, User
from .signals import user_signed_up

VERIFY_SALT = "accounts.verify-email"
TOKEN_PREFIX = "sk_"  # noqa: S105 - the public prefix of every token, not a secret
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def _validate_password(password: str, *, user: User, field: str) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise ApplicationError(
            f"{field.replace('_', ' ').capitalize()}: {exc.messages[0]}",
            fields={field: exc.messages},
        ) from exc


def _send_on_commit(*, to: str, subject: str, body: str) -> None:
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False))


def _link(base_url: str, path: str, **query: str) -> str:
    return f"{base_url.rstrip('/')}{path}" + (f"?{urlencode(query)}" if query else "")


# --- sign-up and e-mail verification -----------------------------------------------------------


def _app_path(path: str) -> str:
    """``path`` if it is a path of this site (``/invitations/…``), else "": never a way off the site."""
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return ""
    return path if url_has_allowed_host_and_scheme(path, allowed_hosts=None) else ""


@transaction.atomic
def user_sign_up(*, email: str, password: str, display_name: str, base_url: str, next_path: str = "") -> User:
    """Create an unverified account and e-mail its verification link, which leads on to ``next_path`` (an
    app path such as the invitation the user signed up from) once verified."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(
            "An account with this e-mail already exists. Log in, or reset your password.",
            code="email_taken",
            fields={"email": ["An account with this e-mail already exists."]},
        )
    user = User(email=email, display_name=display_name.strip())
    _validate_password(password, user=user, field="password")
    user.set_password(password)
    user.save()
    user_signed_up.send(sender=User, user=user)
    user_send_verification(user=user, base_url=base_url, next_path=next_path)
    return user


def user_send_verification(*, user: User, base_url: str, next_path: str = "") -> None:
    token = signing.dumps({"uid": str(user.pk), "email": user.email}, salt=VERIFY_SALT)
    query = {"token": token, "next": _app_path(next_path)} if _app_path(next_path) else {"token": token}
    _send_on_commit(
        to=user.email,
        subject="Verify your e-mail for Scrollkeeper",
        body=(
            f"Hello {user.name},\n\n"
            "Confirm this address to finish creating your Scrollkeeper account:\n\n"
            f"{_link(base_url, '/verify-email', **query)}\n\n"
            "The link is valid for 3 days. If you did not sign up, ignore this e-mail.\n"
        ),
    )


def user_resend_verification(*, email: str, base_url: str) -> None:
    """Send a new link if the address belongs to an unverified account; silent otherwise."""
    user = User.objects.filter(email__iexact=email.strip(), email_verified_at__isnull=True, is_active=True).first()
    if user is not None:
        user_send_verification(user=user, base_url=base_url)


def user_verify_email(*, token: str) -> User:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ApplicationError(
            "This verification link has expired. Ask for a new one below.", code="expired_token"
        ) from exc
    except signing.BadSignature as exc:
        raise ApplicationError("This verification link is not valid.", code="invalid_token") from exc
    user = User.objects.filter(pk=data.get("uid"), email__iexact=data.get("email", "")).first()
    if user is None:
        raise ApplicationError("This verification link is not valid.", code="invalid_token")
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at", "updated_at"])
    return user


# --- logging in ---------------------------------------------------------------------------------


def user_authenticate(*, request: HttpRequest, email: str, password: str) -> User:
    """Check the credentials; the caller logs the user in."""
    user = authenticate(request, username=email.strip().lower(), password=password)
    if not isinstance(user, User):
        raise ApplicationError("The e-mail or password is not correct.", code="invalid_credentials")
    if not user.email_verified:
        raise PermissionDeniedError(
            "Verify your e-mail address first: follow the link we sent you, or ask for a new one.",
            code="email_not_verified",
        )
    return user


# --- passwords ----------------------------------------------------------------------------------


def password_reset_request(*, email: str, base_url: str) -> None:
    """E-mail a reset link if the address has an account; say nothing either way."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    _send_on_commit(
        to=user.email,
        subject="Reset your Scrollkeeper password",
        body=(
            f"Hello {user.name},\n\n"
            "Someone asked to reset the password of your Scrollkeeper account. To choose a new one:\n\n"
            f"{_link(base_url, f'/reset-password/{uid}/{token}')}\n\n"
            "The link works once and for 3 hours. If it was not you, ignore this e-mail.\n"
        ),
    )


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    invalid = ApplicationError(
        "This reset link is not valid or has already been used. Ask for a new one.", code="invalid_token"
    )
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uid)), is_active=True)
    except (User.DoesNotExist, ValueError, ValidationError) as exc:
        raise invalid from exc
    if not default_token_generator.check_token(user, token):
        raise invalid
    _validate_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    # Whoever could read the mailbox can log in now; the address is therefore verified.
    user.email_verified_at = user.email_verified_at or timezone.now()
    user.save(update_fields=["password", "email_verified_at", "updated_at"])
    return user


@transaction.atomic
def password_change(*, user: User, current_password: str, new_password: str) -> User:
    if not user.check_password(current_password):
        raise ApplicationError(
            "The current password is not correct.",
            fields={"current_password": ["The current password is not correct."]},
        )
    _validate_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    return user


# --- personal API tokens ------------------------------------------------------------------------


def api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Return the token and its secret; the secret is not stored and cannot be shown again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=secret[: len(TOKEN_PREFIX) + 8], token_hash=api_token_hash(secret)
    )
    return token, secret


def api_token_revoke(*, user: User, token_id: str) -> None:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFoundError("No such token.")


def api_token_touch(*, token: ApiToken) -> None:
    """Record use, at most once a minute so that busy scripts do not write on every request."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
