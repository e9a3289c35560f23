"""Teams and members: the personal team, many teams per user, last-owner rules, ownership transfer,
the audit log, query counts, and the permission layer failing loudly when misused."""

from typing import Any, ClassVar

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import ApiToken
from teams.api.base import TeamScopedApi
from teams.models import AuditEvent, Membership, Team
from teams.roles import Role
from teams.selectors import team_scoped
from teams.services import team_create
from tests.factories import MembershipFactory, UserFactory, make_team
from tests.teams.conftest import Lab, build_lab, client_for

pytestmark = pytest.mark.django_db

STRONG = "a much longer passphrase 42"


def _actions(lab: Lab) -> list[str]:
    return list(AuditEvent.objects.filter(team=lab.team).order_by("created_at").values_list("action", flat=True))


# --- sign-up and many teams -------------------------------------------------------------------------------


def test_sign_up_creates_a_personal_team_owned_by_the_new_user(api: APIClient) -> None:
    api.get("/api/v1/auth/csrf")
    response = api.post(
        "/api/v1/auth/signup",
        {"email": "ada@example.org", "password": STRONG, "display_name": "Ada"},
        format="json",
        HTTP_X_CSRFTOKEN=api.cookies["csrftoken"].value,
    )
    assert response.status_code == 201
    membership = Membership.objects.select_related("team").get(user__email="ada@example.org")
    assert membership.role == Role.OWNER
    assert membership.team.personal is True
    assert membership.team.name == "Ada's team"
    assert AuditEvent.objects.filter(team=membership.team, action="team.created").exists()


def test_a_failed_sign_up_creates_no_team(api: APIClient) -> None:
    api.get("/api/v1/auth/csrf")
    response = api.post(
        "/api/v1/auth/signup",
        {"email": "weak@example.org", "password": "123"},
        format="json",
        HTTP_X_CSRFTOKEN=api.cookies["csrftoken"].value,
    )
    assert response.status_code == 400
    assert not Team.objects.exists()


def test_a_user_belongs_to_many_teams_and_lists_only_theirs(lab: Lab) -> None:
    other = build_lab("Other Lab")
    MembershipFactory.create(team=other.team, user=lab.viewer.user, role=Role.EDITOR)
    build_lab("Not Mine")
    results = lab.client(Role.VIEWER).get("/api/v1/teams").json()["results"]
    assert [(team["name"], team["role"]) for team in results] == [("Lab", "viewer"), ("Other Lab", "editor")]
    # Switching teams is choosing the team id of the URL: both answer.
    for team in results:
        assert lab.client(Role.VIEWER).get(f"/api/v1/teams/{team['id']}").status_code == 200


def test_slugs_are_unique_and_derived_from_the_name() -> None:
    slugs = [make_team(name="Reading Group").slug for _ in range(3)]
    assert slugs == ["reading-group", "reading-group-2", "reading-group-3"]
    assert make_team(name="日本語").slug == "team"


def test_team_detail_shows_seats(lab: Lab) -> None:
    body = lab.client(Role.VIEWER).get(lab.url()).json()
    assert body["seat_limit"] is None
    assert body["seats_used"] == 4
    assert body["personal"] is False


# --- renaming and deleting ------------------------------------------------------------------------------


def test_rename_is_audited(lab: Lab) -> None:
    response = lab.client(Role.ADMIN).patch(lab.url(), {"name": "  Renamed Lab "}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed Lab"
    assert response.json()["slug"] == "lab"  # slugs stay put
    event = AuditEvent.objects.get(team=lab.team, action="team.updated")
    assert event.data == {"name": {"from": "Lab", "to": "Renamed Lab"}}
    assert event.actor == lab.admin.user


def test_patch_without_fields_changes_nothing(lab: Lab) -> None:
    client = lab.client(Role.OWNER)
    assert client.patch(lab.url(), {}, format="json").json()["name"] == "Lab"
    assert client.patch(lab.url(f"/members/{lab.viewer.pk}"), {}, format="json").json()["role"] == "viewer"
    assert _actions(lab) == ["team.created"]


def test_owner_deletes_the_team_and_every_member_is_signalled(
    lab: Lab, on_commit: Any, removed_signals: list[dict[str, Any]]
) -> None:
    member_ids = set(Membership.objects.filter(team=lab.team).values_list("user_id", flat=True))
    assert on_commit(lab.client(Role.OWNER).delete, lab.url()).status_code == 204
    assert not Team.objects.filter(pk=lab.team.pk).exists()
    assert not Membership.objects.filter(team_id=lab.team.pk).exists()
    assert {signal["user_id"] for signal in removed_signals} == member_ids
    assert {signal["team_id"] for signal in removed_signals} == {lab.team.pk}


# --- members --------------------------------------------------------------------------------------------


def test_member_list_shows_owners_first(lab: Lab) -> None:
    results = lab.client(Role.VIEWER).get(lab.url("/members")).json()["results"]
    assert [row["role"] for row in results] == ["owner", "admin", "editor", "viewer"]
    assert results[0]["user"] == {
        "id": str(lab.owner.user.pk),
        "name": "Olga Owner",
        "email": lab.owner.user.email,
    }
    assert results[0]["id"] == str(lab.owner.pk)


def test_change_role_is_audited_and_a_no_change_is_not(lab: Lab) -> None:
    client = lab.client(Role.ADMIN)
    assert client.patch(lab.url(f"/members/{lab.viewer.pk}"), {"role": "editor"}, format="json").status_code == 200
    assert client.patch(lab.url(f"/members/{lab.viewer.pk}"), {"role": "editor"}, format="json").status_code == 200
    events = AuditEvent.objects.filter(team=lab.team, action="member.role_changed")
    assert [(event.target_user, event.data) for event in events] == [
        (lab.viewer.user, {"from": "viewer", "to": "editor"})
    ]


def test_remove_member_is_audited_and_signalled(
    lab: Lab, on_commit: Any, removed_signals: list[dict[str, Any]]
) -> None:
    response = on_commit(lab.client(Role.ADMIN).delete, lab.url(f"/members/{lab.editor.pk}"))
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=lab.editor.pk).exists()
    event = AuditEvent.objects.get(team=lab.team, action="member.removed")
    assert (event.actor, event.target_user, event.data) == (lab.admin.user, lab.editor.user, {"role": "editor"})
    assert removed_signals == [{"team_id": lab.team.pk, "user_id": lab.editor.user.pk}]
    # The removed member's next request finds nothing.
    assert lab.client(Role.EDITOR).get(lab.url()).status_code == 404


def test_membership_removed_is_not_signalled_when_the_change_rolls_back(
    lab: Lab, removed_signals: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = lab.client(Role.OWNER).post(lab.url("/leave"))  # last owner: refused
    assert response.status_code == 409
    assert removed_signals == []


def test_members_leave_and_are_signalled(lab: Lab, on_commit: Any, removed_signals: list[dict[str, Any]]) -> None:
    assert on_commit(lab.client(Role.VIEWER).post, lab.url("/leave")).status_code == 204
    event = AuditEvent.objects.get(team=lab.team, action="member.left")
    assert event.actor == event.target_user == lab.viewer.user
    assert removed_signals == [{"team_id": lab.team.pk, "user_id": lab.viewer.user.pk}]


# --- the last owner ---------------------------------------------------------------------------------------


def test_last_owner_cannot_leave(lab: Lab) -> None:
    response = lab.client(Role.OWNER).post(lab.url("/leave"))
    assert response.status_code == 409
    assert response.json()["code"] == "last_owner"
    assert Membership.objects.filter(pk=lab.owner.pk).exists()


def test_last_owner_cannot_be_demoted_even_by_themselves(lab: Lab) -> None:
    response = lab.client(Role.OWNER).patch(lab.url(f"/members/{lab.owner.pk}"), {"role": "admin"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "last_owner"
    lab.owner.refresh_from_db()
    assert lab.owner.role == Role.OWNER


def test_last_owner_cannot_be_removed(lab: Lab) -> None:
    # Admins may not touch owners (403); the owner may not remove themselves (use leave, then 409).
    assert lab.client(Role.ADMIN).delete(lab.url(f"/members/{lab.owner.pk}")).status_code == 403
    assert lab.client(Role.OWNER).delete(lab.url(f"/members/{lab.owner.pk}")).json()["code"] == "cannot_remove_self"
    assert Membership.objects.filter(pk=lab.owner.pk, role=Role.OWNER).exists()


def test_with_two_owners_one_may_leave_or_be_removed(lab: Lab) -> None:
    co_owner = lab.add(Role.OWNER)
    assert lab.client(Role.OWNER).delete(lab.url(f"/members/{co_owner.pk}")).status_code == 204
    co_owner = lab.add(Role.OWNER)
    assert lab.client(Role.OWNER).post(lab.url("/leave")).status_code == 204
    assert list(Membership.objects.filter(team=lab.team, role=Role.OWNER)) == [co_owner]


# --- transfer of ownership --------------------------------------------------------------------------------


def test_transfer_ownership(lab: Lab) -> None:
    response = lab.client(Role.OWNER).post(
        lab.url("/transfer-ownership"), {"membership_id": str(lab.editor.pk)}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == "admin"  # the caller's new role
    assert "team.delete" not in response.json()["permissions"]
    lab.owner.refresh_from_db()
    lab.editor.refresh_from_db()
    assert (lab.owner.role, lab.editor.role) == (Role.ADMIN, Role.OWNER)
    event = AuditEvent.objects.get(team=lab.team, action="team.ownership_transferred")
    assert (event.actor, event.target_user) == (lab.owner.user, lab.editor.user)
    # The new owner can leave only after making someone else an owner: the old one is an admin now.
    assert lab.client(Role.EDITOR).post(lab.url("/leave")).json()["code"] == "last_owner"


def test_transfer_ownership_needs_a_member_of_this_team(lab: Lab) -> None:
    stranger = build_lab("Elsewhere").viewer
    response = lab.client(Role.OWNER).post(
        lab.url("/transfer-ownership"), {"membership_id": str(stranger.pk)}, format="json"
    )
    assert response.status_code == 404
    co_owner = lab.add(Role.OWNER)
    response = lab.client(Role.OWNER).post(
        lab.url("/transfer-ownership"), {"membership_id": str(co_owner.pk)}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "already_owner")
    response = lab.client(Role.OWNER).post(lab.url("/transfer-ownership"), {"membership_id": "nope"}, format="json")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["membership_id"])


# --- the audit log ----------------------------------------------------------------------------------------


def test_audit_log_records_each_action_newest_first_with_names(lab: Lab) -> None:
    owner, admin = lab.client(Role.OWNER), lab.client(Role.ADMIN)
    admin.patch(lab.url(), {"name": "Renamed"}, format="json")
    admin.patch(lab.url(f"/members/{lab.viewer.pk}"), {"role": "editor"}, format="json")
    admin.delete(lab.url(f"/members/{lab.viewer.pk}"))
    lab.client(Role.EDITOR).post(lab.url("/leave"))
    owner.post(lab.url("/transfer-ownership"), {"membership_id": str(lab.admin.pk)}, format="json")

    assert _actions(lab) == [
        "team.created",
        "team.updated",
        "member.role_changed",
        "member.removed",
        "member.left",
        "team.ownership_transferred",
    ]
    results = owner.get(lab.url("/audit-log")).json()["results"]
    assert [row["action"] for row in results] == list(reversed(_actions(lab)))
    removed = results[2]
    assert removed["actor"] == {"id": str(lab.admin.user.pk), "name": "Ada Admin", "email": lab.admin.user.email}
    assert removed["target_user"]["name"] == "Vi Viewer"


def test_audit_log_is_cursor_paginated(lab: Lab) -> None:
    for number in range(5):
        lab.client(Role.ADMIN).patch(lab.url(), {"name": f"Name {number}"}, format="json")
    first = lab.client(Role.ADMIN).get(lab.url("/audit-log?page_size=4")).json()
    assert len(first["results"]) == 4
    assert first["previous"] is None
    second = lab.client(Role.ADMIN).get(first["next"]).json()
    assert [row["action"] for row in second["results"]] == ["team.updated", "team.created"]
    assert second["next"] is None


@pytest.mark.parametrize(("role", "status"), [("owner", 200), ("admin", 200), ("editor", 403), ("viewer", 403)])
def test_audit_log_is_readable_by_owners_and_admins_only(lab: Lab, role: str, status: int) -> None:
    assert lab.client(role).get(lab.url("/audit-log")).status_code == status


# --- queries ----------------------------------------------------------------------------------------------


def test_member_list_queries_do_not_grow_with_members(lab: Lab, django_assert_max_num_queries: Any) -> None:
    for _ in range(30):
        lab.add(Role.EDITOR)
    client = lab.client(Role.VIEWER)
    # session, user, membership + team, members with users
    with django_assert_max_num_queries(4):
        response = client.get(lab.url("/members"))
    assert len(response.json()["results"]) == 34


def test_audit_log_queries_do_not_grow_with_events(lab: Lab, django_assert_max_num_queries: Any) -> None:
    for _ in range(15):
        member = lab.add(Role.VIEWER)
        lab.client(Role.ADMIN).patch(lab.url(f"/members/{member.pk}"), {"role": "editor"}, format="json")
    client = lab.client(Role.ADMIN)
    with django_assert_max_num_queries(4):
        response = client.get(lab.url("/audit-log"))
    assert len(response.json()["results"]) == 16


def test_api_tokens_reach_team_endpoints_too(lab: Lab) -> None:
    client = lab.client(Role.EDITOR)
    secret = client.post("/api/v1/auth/tokens", {"name": "script"}, format="json").json()["token"]
    response = APIClient().get(lab.url("/members"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=lab.editor.user).exists()


# --- the permission layer fails loudly ----------------------------------------------------------------------


def test_a_team_view_without_a_permission_map_cannot_be_defined() -> None:
    with pytest.raises(ImproperlyConfigured, match="must declare team_permissions"):

        class Forgetful(TeamScopedApi):
            def get(self, request: Request, team_id: str) -> Response:
                return Response()


def test_a_team_view_must_map_every_handler_to_a_known_permission() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"no permission for \['DELETE'\]"):

        class Partial(TeamScopedApi):
            team_permissions: ClassVar = {"GET": "team.view"}

            def get(self, request: Request, team_id: str) -> Response:
                return Response()

            def delete(self, request: Request, team_id: str) -> Response:
                return Response()

    with pytest.raises(ImproperlyConfigured, match="unknown permissions"):

        class Typo(TeamScopedApi):
            team_permissions: ClassVar = {"GET": "team.veiw"}

            def get(self, request: Request, team_id: str) -> Response:
                return Response()


def test_a_team_view_that_drops_the_permission_class_fails(lab: Lab, rf: Any) -> None:
    class Opened(TeamScopedApi):
        team_permissions: ClassVar = {"GET": "team.view"}
        permission_classes = ()

        def get(self, request: Request, team_id: str) -> Response:
            return Response()

    request = rf.get("/")
    request.user = lab.viewer.user
    with pytest.raises(ImproperlyConfigured, match="must keep HasTeamPermission"):
        Opened.as_view()(request, team_id=lab.team.pk)


def test_team_scoped_refuses_a_model_that_does_not_say_how_it_belongs_to_a_team(lab: Lab) -> None:
    with pytest.raises(ImproperlyConfigured, match="set team_lookup"):
        team_scoped(ApiToken.objects.all(), team=lab.team)
    assert list(team_scoped(Team.objects.all(), team=lab.team)) == [lab.team]


def test_services_build_a_team_with_its_owner() -> None:
    user = UserFactory.create()
    membership = team_create(actor=user, name=" Spaced ")
    assert (membership.team.name, membership.role, membership.team.created_by) == ("Spaced", Role.OWNER, user)
    assert client_for(user).get(f"/api/v1/teams/{membership.team.pk}").status_code == 200
