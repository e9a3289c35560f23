import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail, signing
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import VERIFY_SALT
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a much longer passphrase 42"


def _csrf(client: APIClient) -> str:
    response = client.get("/api/v1/auth/csrf")
    assert response.status_code == 204
    return str(response.cookies["csrftoken"].value)


Post = Callable[..., Any]


@pytest.fixture
def post(django_capture_on_commit_callbacks: Any) -> Post:
    """POST with the CSRF token, firing on-commit e-mails as the request's commit would."""

    def _post(client: APIClient, url: str, data: dict[str, str] | None = None) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, format="json", HTTP_X_CSRFTOKEN=_csrf(client))

    return _post


def _link_from_last_mail(path: str) -> str:
    match = re.search(rf"https?://\S+{re.escape(path)}\S*", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(0)


def test_signup_verify_login_me_logout(api: APIClient, post: Post) -> None:
    response = post(api, "/api/v1/auth/signup", {"email": "Ada@Example.org", "password": STRONG, "display_name": "Ada"})
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == "ada@example.org"
    assert response.json()["email_verified"] is False
    assert mail.outbox[-1].to == ["ada@example.org"]

    # Not verified yet: the password is right but the door stays shut, and says why.
    response = post(api, "/api/v1/auth/login", {"email": "ada@example.org", "password": STRONG})
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"

    token = parse_qs(urlsplit(_link_from_last_mail("/verify-email?token=")).query)["token"][0]
    response = post(api, "/api/v1/auth/verify-email", {"token": token})
    assert response.status_code == 200
    assert response.json()["email_verified"] is True

    response = post(api, "/api/v1/auth/login", {"email": "ADA@example.org", "password": STRONG})
    assert response.status_code == 200
    assert api.get("/api/v1/auth/me").json()["display_name"] == "Ada"

    assert api.get("/api/v1/auth/session").json()["user"]["email"] == "ada@example.org"

    assert post(api, "/api/v1/auth/logout").status_code == 204
    response = api.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    response = api.get("/api/v1/auth/session")
    assert (response.status_code, response.json()) == (200, {"user": None})


def test_the_session_check_answers_a_visitor_without_an_error(api: APIClient, user: User) -> None:
    """The single-page app asks who is signed in on every first load, signed-out visitors' too: 200 and
    ``user: null`` for them (a 401 would be logged in the browser's console), the user otherwise."""
    response = api.get("/api/v1/auth/session")
    assert (response.status_code, response.json()) == (200, {"user": None})

    api.force_login(user)
    response = api.get("/api/v1/auth/session")
    assert response.status_code == 200
    assert response.json()["user"] == {
        "id": str(user.pk),
        "email": user.email,
        "display_name": user.display_name,
        "email_verified": user.email_verified,
        "date_joined": user.created_at.isoformat().replace("+00:00", "Z"),
    }


@pytest.mark.parametrize(
    ("next_path", "carried"),
    [
        ("/invitations/abc.def", "/invitations/abc.def"),
        ("https://evil.example/phish", None),
        ("//evil.example/phish", None),
        ("/\\evil.example", None),
    ],
)
def test_the_verification_link_leads_on_to_a_page_of_the_app_only(
    api: APIClient, post: Post, next_path: str, carried: str | None
) -> None:
    """GIVEN sign-up from an invitation page WHEN the e-mail comes THEN its link carries where to go next,
    if that is a page of this site."""
    body = {"email": "ada@example.org", "password": STRONG, "next_path": next_path}
    assert post(api, "/api/v1/auth/signup", body).status_code == 201
    query = parse_qs(urlsplit(_link_from_last_mail("/verify-email?token=")).query)
    assert query.get("next") == ([carried] if carried else None)


def test_password_is_hashed_with_argon2_in_production_settings() -> None:
    from scrollkeeper.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_signup_rejects_taken_email_and_weak_password(api: APIClient, post: Post) -> None:
    UserFactory.create(email="taken@example.org")
    response = post(api, "/api/v1/auth/signup", {"email": "TAKEN@example.org", "password": STRONG})
    assert response.status_code == 400
    assert response.json()["code"] == "email_taken"
    assert "email" in response.json()["fields"]

    response = post(api, "/api/v1/auth/signup", {"email": "new@example.org", "password": "12345"})
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid"
    assert body["fields"]["password"]
    assert not User.objects.filter(email="new@example.org").exists()


def test_signup_validation_errors_name_the_fields(api: APIClient, post: Post) -> None:
    response = post(api, "/api/v1/auth/signup", {"email": "not-an-email"})
    body = response.json()
    assert response.status_code == 400
    assert set(body["fields"]) == {"email", "password"}
    assert body["detail"]


def test_verification_link_tampered_or_expired(api: APIClient, user: User, post: Post) -> None:
    response = post(api, "/api/v1/auth/verify-email", {"token": "nonsense"})
    assert response.json()["code"] == "invalid_token"

    token = signing.dumps({"uid": str(user.pk), "email": user.email}, salt=VERIFY_SALT)
    with override_settings(EMAIL_VERIFICATION_MAX_AGE=-1):
        response = post(api, "/api/v1/auth/verify-email", {"token": token})
    assert response.status_code == 400
    assert response.json()["code"] == "expired_token"


def test_resend_verification_only_mails_unverified_accounts(api: APIClient, post: Post) -> None:
    UserFactory.create(email="verified@example.org")
    UserFactory.create(email="pending@example.org", email_verified_at=None)
    for email in ("verified@example.org", "pending@example.org", "nobody@example.org"):
        response = post(api, "/api/v1/auth/verify-email/resend", {"email": email})
        assert response.status_code == 202
    assert [message.to for message in mail.outbox] == [["pending@example.org"]]


def test_login_wrong_password_is_generic(api: APIClient, user: User, post: Post) -> None:
    response = post(api, "/api/v1/auth/login", {"email": user.email, "password": "wrong"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    response = post(api, "/api/v1/auth/login", {"email": "nobody@example.org", "password": "wrong"})
    assert response.json()["code"] == "invalid_credentials"


def test_login_is_rate_limited_with_a_clear_429(api: APIClient, user: User, post: Post) -> None:
    for _ in range(10):
        post(api, "/api/v1/auth/login", {"email": user.email, "password": "wrong"})
    response = post(api, "/api/v1/auth/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert "Try again in" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_signup_is_rate_limited(api: APIClient, post: Post) -> None:
    statuses = [
        post(api, "/api/v1/auth/signup", {"email": f"u{i}@example.org", "password": STRONG}).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [201] * 10
    assert statuses[10] == 429


@pytest.mark.parametrize("url", ["/api/v1/auth/login", "/api/v1/auth/signup", "/api/v1/auth/password/reset"])
def test_public_forms_without_csrf_token_are_refused(api: APIClient, user: User, url: str) -> None:
    response = api.post(url, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "_auth_user_id" not in api.session


def test_password_reset_flow(api: APIClient, user: User, post: Post) -> None:
    response = post(api, "/api/v1/auth/password/reset", {"email": "nobody@example.org"})
    assert response.status_code == 202
    assert mail.outbox == []

    assert post(api, "/api/v1/auth/password/reset", {"email": user.email}).status_code == 202
    uid, token = _link_from_last_mail("/reset-password/").rstrip("/").split("/")[-2:]

    response = post(api, "/api/v1/auth/password/reset/confirm", {"uid": uid, "token": token, "new_password": "1"})
    assert response.status_code == 400
    assert response.json()["fields"]["new_password"]

    response = post(api, "/api/v1/auth/password/reset/confirm", {"uid": uid, "token": token, "new_password": STRONG})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(STRONG)

    # The link works once.
    response = post(api, "/api/v1/auth/password/reset/confirm", {"uid": uid, "token": token, "new_password": STRONG})
    assert response.json()["code"] == "invalid_token"
    response = post(
        api, "/api/v1/auth/password/reset/confirm", {"uid": "garbage", "token": "x", "new_password": STRONG}
    )
    assert response.json()["code"] == "invalid_token"


def test_password_change_keeps_this_session(user: User, post: Post) -> None:
    client = APIClient(enforce_csrf_checks=True)
    post(client, "/api/v1/auth/login", {"email": user.email, "password": PASSWORD})

    response = post(client, "/api/v1/auth/password/change", {"current_password": "wrong", "new_password": STRONG})
    assert response.status_code == 400
    assert "current_password" in response.json()["fields"]

    response = post(client, "/api/v1/auth/password/change", {"current_password": PASSWORD, "new_password": STRONG})
    assert response.status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 200
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_api_token_lifecycle(logged_in: APIClient, user: User, post: Post) -> None:
    response = logged_in.post("/api/v1/auth/tokens", {"name": "nightly sync"}, format="json")
    assert response.status_code == 201
    created = response.json()
    secret = created["token"]
    assert secret.startswith("sk_")
    assert created["prefix"] == secret[:11]

    # Stored hashed: the secret appears nowhere in the database row.
    stored = user.api_tokens.get()
    assert secret not in (stored.token_hash, stored.prefix)

    listed = logged_in.get("/api/v1/auth/tokens").json()["results"]
    assert [token["name"] for token in listed] == ["nightly sync"]
    assert "token" not in listed[0]

    script = APIClient()
    response = script.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["email"] == user.email
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    # Token requests are not session requests: no CSRF needed for writes.
    response = script.post(
        "/api/v1/auth/tokens", {"name": "from a script"}, format="json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 201

    assert logged_in.delete(f"/api/v1/auth/tokens/{created['id']}").status_code == 204
    response = script.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_tokens_of_another_user_cannot_be_revoked(logged_in: APIClient, post: Post) -> None:
    other = UserFactory.create()
    client = APIClient()
    client.force_login(other)
    token_id = client.post("/api/v1/auth/tokens", {"name": "theirs"}, format="json").json()["id"]
    response = logged_in.delete(f"/api/v1/auth/tokens/{token_id}")
    assert response.status_code == 404
    assert other.api_tokens.count() == 1
