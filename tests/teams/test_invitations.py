"""Invitations: create, e-mail, preview, accept, resend, revoke, and every way a link can be wrong."""

import re
import time
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail, signing
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from teams.models import AuditEvent, Invitation, Membership
from teams.roles import Role
from teams.throttles import InvitationThrottle
from teams.tokens import INVITATION_TTL, invitation_token
from tests.factories import UserFactory
from tests.teams.conftest import Lab, build_lab, client_for

pytestmark = pytest.mark.django_db

STRONG = "a much longer passphrase 42"


def _invite(lab: Lab, on_commit: Any, email: str = "new@example.org", role: str = "editor", as_role: str = "admin"):
    response = on_commit(
        lab.client(as_role).post, lab.url("/invitations"), {"email": email, "role": role}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _token_from_last_mail() -> str:
    match = re.search(r"https?://\S+/invitations/(\S+)", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def _accept(client: APIClient, token: str) -> Any:
    return client.post("/api/v1/invitations/accept", {"token": token}, format="json")


def test_invite_mails_a_link_and_the_invitee_joins(lab: Lab, on_commit: Any) -> None:
    invitee = UserFactory.create(email="new@example.org")
    created = _invite(lab, on_commit, email="  New@Example.ORG ")
    assert created["email"] == "new@example.org"
    assert created["status"] == "pending"
    assert created["invited_by"]["email"] == lab.admin.user.email
    message = mail.outbox[-1]
    assert message.to == ["new@example.org"]
    assert lab.team.name in message.subject
    assert "http://testserver/invitations/" in message.body

    response = _accept(client_for(invitee), _token_from_last_mail())
    assert response.status_code == 200, response.content
    assert response.json()["id"] == str(lab.team.pk)
    assert response.json()["role"] == "editor"
    assert Membership.objects.get(team=lab.team, user=invitee).role == Role.EDITOR
    invitation = Invitation.objects.get(pk=created["id"])
    assert invitation.status == "accepted"
    assert invitation.accepted_by == invitee
    # Accepted invitations leave the list of open ones.
    assert lab.client(Role.ADMIN).get(lab.url("/invitations")).json()["results"] == []


def test_pending_invitations_are_listed_newest_first(lab: Lab, on_commit: Any) -> None:
    _invite(lab, on_commit, email="first@example.org")
    _invite(lab, on_commit, email="second@example.org", role="viewer")
    results = lab.client(Role.OWNER).get(lab.url("/invitations")).json()["results"]
    assert [(row["email"], row["role"], row["status"]) for row in results] == [
        ("second@example.org", "viewer", "pending"),
        ("first@example.org", "editor", "pending"),
    ]
    assert "token" not in results[0]


def test_a_signed_in_user_sees_the_open_invitations_to_their_own_address_and_joins_from_one(
    lab: Lab, on_commit: Any
) -> None:
    """A user invited while already signed up is offered the invitation in the app, not only by e-mail:
    with the link's token, so the same invitation page accepts it."""
    invitee = UserFactory.create(email="new@example.org")
    other = build_lab(name="Other lab")
    created = _invite(lab, on_commit, email="NEW@example.org", role="viewer")
    _invite(other, on_commit, email="new@example.org", role="editor")
    old = build_lab(name="Old lab")
    _invite(old, on_commit, email="new@example.org")
    Invitation.objects.filter(team=old.team).update(expires_at=timezone.now() - timedelta(days=1))  # expired
    _invite(lab, on_commit, email="someone@example.org")  # to another address

    mine = client_for(invitee).get("/api/v1/invitations")

    assert mine.status_code == 200
    results = mine.json()["results"]
    assert [(row["team_name"], row["role"]) for row in results] == [("Other lab", "editor"), (lab.team.name, "viewer")]
    assert results[1]["id"] == created["id"]
    assert results[1]["inviter_name"] == lab.admin.user.name
    response = _accept(client_for(invitee), results[1]["token"])
    assert response.status_code == 200, response.content
    # Joined: that invitation is no longer offered; the other team's still is.
    assert [row["team_name"] for row in client_for(invitee).get("/api/v1/invitations").json()["results"]] == [
        "Other lab"
    ]
    assert client_for(UserFactory.create(email="nobody@example.org")).get("/api/v1/invitations").json() == {
        "results": []
    }
    assert APIClient().get("/api/v1/invitations").status_code in {401, 403}


def test_expired_invitation_cannot_be_accepted(lab: Lab, on_commit: Any) -> None:
    """GIVEN an invitation whose seven days are over WHEN the invitee accepts THEN invitation_expired."""
    invitee = UserFactory.create(email="new@example.org")
    created = _invite(lab, on_commit)
    token = _token_from_last_mail()
    Invitation.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _accept(client_for(invitee), token)
    assert response.status_code == 409
    assert response.json()["code"] == "invitation_expired"
    assert not Membership.objects.filter(team=lab.team, user=invitee).exists()
    assert APIClient().get(f"/api/v1/invitations/{token}").json()["status"] == "expired"
    assert lab.client(Role.ADMIN).get(lab.url("/invitations")).json()["results"][0]["status"] == "expired"


def test_a_link_older_than_seven_days_is_expired_even_if_the_invitation_was_renewed(
    lab: Lab, on_commit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    invitee = UserFactory.create(email="new@example.org")
    created = _invite(lab, on_commit)
    eight_days_ago = time.time() - (INVITATION_TTL + timedelta(days=1)).total_seconds()
    monkeypatch.setattr(time, "time", lambda: eight_days_ago)  # signing stamps tokens with time.time()
    old_token = invitation_token(created["id"])
    monkeypatch.undo()

    response = _accept(client_for(invitee), old_token)
    assert response.status_code == 409
    assert response.json()["code"] == "invitation_expired"
    assert APIClient().get(f"/api/v1/invitations/{old_token}").json()["status"] == "expired"


def test_invitation_is_single_use(lab: Lab, on_commit: Any) -> None:
    invitee = UserFactory.create(email="new@example.org")
    _invite(lab, on_commit)
    token = _token_from_last_mail()
    client = client_for(invitee)
    assert _accept(client, token).status_code == 200
    response = _accept(client, token)
    assert response.status_code == 409
    assert response.json()["code"] == "invitation_used"
    # Removed afterwards, the old link does not bring them back either.
    membership = Membership.objects.get(team=lab.team, user=invitee)
    assert lab.client(Role.ADMIN).delete(lab.url(f"/members/{membership.pk}")).status_code == 204
    assert _accept(client, token).json()["code"] == "invitation_used"
    assert not Membership.objects.filter(team=lab.team, user=invitee).exists()


def test_revoked_invitation_cannot_be_accepted(lab: Lab, on_commit: Any) -> None:
    invitee = UserFactory.create(email="new@example.org")
    created = _invite(lab, on_commit)
    token = _token_from_last_mail()
    assert lab.client(Role.ADMIN).delete(lab.url(f"/invitations/{created['id']}")).status_code == 204

    response = _accept(client_for(invitee), token)
    assert response.status_code == 409
    assert response.json()["code"] == "invitation_revoked"
    assert not Membership.objects.filter(team=lab.team, user=invitee).exists()
    assert APIClient().get(f"/api/v1/invitations/{token}").json()["status"] == "revoked"
    # Revoking twice, or resending a revoked invitation, says why it cannot.
    response = lab.client(Role.ADMIN).delete(lab.url(f"/invitations/{created['id']}"))
    assert (response.status_code, response.json()["code"]) == (409, "invitation_revoked")
    response = lab.client(Role.ADMIN).post(lab.url(f"/invitations/{created['id']}/resend"))
    assert (response.status_code, response.json()["code"]) == (409, "invitation_revoked")


def test_invitation_accepted_by_a_different_email_is_refused(lab: Lab, on_commit: Any) -> None:
    someone_else = UserFactory.create(email="other@example.org")
    created = _invite(lab, on_commit)
    response = _accept(client_for(someone_else), _token_from_last_mail())
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "invitation_email_mismatch"
    assert "new@example.org" in body["detail"]
    assert not Membership.objects.filter(team=lab.team, user=someone_else).exists()
    assert Invitation.objects.get(pk=created["id"]).status == "pending"  # still usable by the right person


def test_invite_to_a_team_you_were_removed_from(lab: Lab, on_commit: Any) -> None:
    """GIVEN a member who was removed WHEN invited again THEN the new link lets them back in."""
    returning = lab.add(Role.EDITOR, email="back@example.org")
    assert lab.client(Role.ADMIN).delete(lab.url(f"/members/{returning.pk}")).status_code == 204

    _invite(lab, on_commit, email="back@example.org", role="viewer")
    response = _accept(client_for(returning.user), _token_from_last_mail())
    assert response.status_code == 200, response.content
    assert Membership.objects.get(team=lab.team, user=returning.user).role == Role.VIEWER


def test_invite_a_member_or_an_address_already_invited(lab: Lab, on_commit: Any) -> None:
    """Both refusals are about the address typed, so both name the ``email`` field: the invite form shows
    them in the same place, under it."""
    client = lab.client(Role.ADMIN)
    response = client.post(
        lab.url("/invitations"), {"email": lab.viewer.user.email.upper(), "role": "editor"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "already_member")
    assert response.json()["fields"] == {"email": ["This address is already a member of the team."]}
    _invite(lab, on_commit)
    response = client.post(lab.url("/invitations"), {"email": "new@example.org", "role": "viewer"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "already_invited")
    assert response.json()["fields"] == {"email": ["This address has a pending invitation."]}


def test_inviting_an_expired_address_again_renews_the_invitation(lab: Lab, on_commit: Any) -> None:
    created = _invite(lab, on_commit, role="viewer")
    Invitation.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - timedelta(days=1))
    renewed = _invite(lab, on_commit, role="admin")
    assert renewed["id"] == created["id"]
    assert (renewed["role"], renewed["status"]) == ("admin", "pending")
    assert len(mail.outbox) == 2


def test_seat_limit_counts_members_and_pending_invitations(on_commit: Any) -> None:
    """GIVEN a team of 4 members with 5 seats WHEN a 5th and 6th are invited THEN the 6th is refused."""
    lab = build_lab(seat_limit=5)
    _invite(lab, on_commit, email="fifth@example.org")
    response = lab.client(Role.ADMIN).post(
        lab.url("/invitations"), {"email": "sixth@example.org", "role": "viewer"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "seat_limit_reached"
    assert "5 seats" in body["detail"]
    assert lab.client(Role.ADMIN).get(lab.url()).json()["seats_used"] == 5

    # An expired invitation frees its seat, and renewing it takes one again.
    pending = Invitation.objects.get(email="fifth@example.org")
    Invitation.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - timedelta(days=1))
    _invite(lab, on_commit, email="sixth@example.org")
    response = lab.client(Role.ADMIN).post(lab.url(f"/invitations/{pending.pk}/resend"))
    assert (response.status_code, response.json()["code"]) == (409, "seat_limit_reached")

    # Revoking frees it too.
    sixth = Invitation.objects.get(email="sixth@example.org")
    assert lab.client(Role.ADMIN).delete(lab.url(f"/invitations/{sixth.pk}")).status_code == 204
    assert lab.client(Role.ADMIN).post(lab.url(f"/invitations/{pending.pk}/resend")).status_code == 200


def test_accepting_into_a_full_team_is_refused(on_commit: Any) -> None:
    """GIVEN the seat limit was lowered after the invitation WHEN it is accepted THEN seat_limit_reached."""
    lab = build_lab()
    invitee = UserFactory.create(email="new@example.org")
    _invite(lab, on_commit)
    type(lab.team).objects.filter(pk=lab.team.pk).update(seat_limit=4)
    response = _accept(client_for(invitee), _token_from_last_mail())
    assert (response.status_code, response.json()["code"]) == (409, "seat_limit_reached")


def test_resend_renews_the_expiry_and_mails_again(lab: Lab, on_commit: Any) -> None:
    created = _invite(lab, on_commit)
    Invitation.objects.filter(pk=created["id"]).update(expires_at=timezone.now() + timedelta(hours=1))
    before = timezone.now()

    response = on_commit(lab.client(Role.OWNER).post, lab.url(f"/invitations/{created['id']}/resend"))
    assert response.status_code == 200
    expires_at = Invitation.objects.get(pk=created["id"]).expires_at
    assert before + INVITATION_TTL - timedelta(minutes=1) < expires_at <= timezone.now() + INVITATION_TTL
    assert len(mail.outbox) == 2
    assert mail.outbox[-1].to == ["new@example.org"]
    assert response.json()["invited_by"]["email"] == lab.owner.user.email
    event = AuditEvent.objects.filter(team=lab.team).latest("created_at")
    assert (event.action, event.data["email"]) == ("invitation.resent", "new@example.org")

    invitee = UserFactory.create(email="new@example.org")
    assert _accept(client_for(invitee), _token_from_last_mail()).status_code == 200


def test_preview_shows_the_invitation_without_signing_in(lab: Lab, on_commit: Any) -> None:
    _invite(lab, on_commit, role="viewer")
    response = APIClient().get(f"/api/v1/invitations/{_token_from_last_mail()}")
    assert response.status_code == 200
    assert response.json() == {
        "team_name": lab.team.name,
        "inviter_name": "Ada Admin",
        "email": "new@example.org",
        "role": "viewer",
        "status": "pending",
        "expires_at": response.json()["expires_at"],
    }


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda: "nonsense", id="garbled"),
        pytest.param(lambda: "a:b:c", id="bad-signature"),
        pytest.param(lambda: signing.dumps({"invitation": "x"}, salt="another.salt"), id="other-salt"),
        pytest.param(lambda: signing.dumps({"invitation": "not-a-uuid"}, salt="teams.invitation"), id="bad-id"),
        pytest.param(lambda: signing.dumps(["list"], salt="teams.invitation"), id="bad-payload"),
    ],
)
def test_forged_or_garbled_tokens_are_invalid(make_token: Any, user: User) -> None:
    token = make_token()
    response = APIClient().get(f"/api/v1/invitations/{token}")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_token")
    response = _accept(client_for(user), token)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_token")


def test_a_well_signed_token_of_a_deleted_team_is_invalid(lab: Lab, on_commit: Any) -> None:
    invitee = UserFactory.create(email="new@example.org")
    _invite(lab, on_commit)
    token = _token_from_last_mail()
    assert lab.client(Role.OWNER).delete(lab.url()).status_code == 204
    assert APIClient().get(f"/api/v1/invitations/{token}").json()["code"] == "invalid_token"
    assert _accept(client_for(invitee), token).json()["code"] == "invalid_token"


def test_accepting_needs_a_signed_in_user(lab: Lab, on_commit: Any) -> None:
    _invite(lab, on_commit)
    response = APIClient().post("/api/v1/invitations/accept", {"token": _token_from_last_mail()}, format="json")
    assert response.status_code == 401


def test_sign_up_from_the_link_then_accept(lab: Lab, on_commit: Any) -> None:
    """GIVEN an invitation to an address without an account WHEN its owner signs up, verifies and
    accepts THEN they are in their personal team and in the inviting team."""
    _invite(lab, on_commit, email="fresh@example.org", role="viewer")
    invitation_link_token = _token_from_last_mail()
    visitor = APIClient()
    preview = visitor.get(f"/api/v1/invitations/{invitation_link_token}").json()

    response = on_commit(
        visitor.post, "/api/v1/auth/signup", {"email": preview["email"], "password": STRONG}, format="json"
    )
    assert response.status_code == 201
    verify = re.search(r"https?://\S+/verify-email\?\S+", str(mail.outbox[-1].body))
    assert verify
    token = parse_qs(urlsplit(verify.group(0)).query)["token"][0]
    assert visitor.post("/api/v1/auth/verify-email", {"token": token}, format="json").status_code == 200
    login = {"email": "fresh@example.org", "password": STRONG}
    assert visitor.post("/api/v1/auth/login", login, format="json").status_code == 200

    assert _accept(visitor, invitation_link_token).status_code == 200
    teams = visitor.get("/api/v1/teams").json()["results"]
    assert [(team["personal"], team["role"]) for team in teams] == [(True, "owner"), (False, "viewer")]


def test_audit_log_records_invitations(lab: Lab, on_commit: Any) -> None:
    invitee = UserFactory.create(email="new@example.org")
    created = _invite(lab, on_commit)
    _accept(client_for(invitee), _token_from_last_mail())
    _invite(lab, on_commit, email="later@example.org")
    later = Invitation.objects.get(email="later@example.org")
    lab.client(Role.ADMIN).delete(lab.url(f"/invitations/{later.pk}"))

    events = lab.client(Role.OWNER).get(lab.url("/audit-log")).json()["results"]
    assert [event["action"] for event in events][:4] == [
        "invitation.revoked",
        "member.invited",
        "member.joined",
        "member.invited",
    ]
    joined = events[2]
    assert joined["actor"]["email"] == "new@example.org"
    assert joined["data"]["invitation_id"] == created["id"]


def test_invitation_mails_are_rate_limited_per_team(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a team that sent its hour's invitations WHEN it invites again THEN 429, nothing is sent,
    and another team is not affected."""
    monkeypatch.setattr(InvitationThrottle, "THROTTLE_RATES", {"invitations": "2/hour"})
    client = lab.client(Role.ADMIN)
    for number in range(2):
        body = {"email": f"a{number}@example.org", "role": "viewer"}
        assert client.post(lab.url("/invitations"), body, format="json").status_code == 201
    assert client.get(lab.url("/invitations")).status_code == 200  # reading is not limited
    refused = client.post(lab.url("/invitations"), {"email": "a2@example.org", "role": "viewer"}, format="json")
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert not Invitation.objects.filter(email="a2@example.org").exists()

    other = build_lab("Other lab")
    body = {"email": "b@example.org", "role": "viewer"}
    response = other.client(Role.ADMIN).post(other.url("/invitations"), body, format="json")
    assert response.status_code == 201
