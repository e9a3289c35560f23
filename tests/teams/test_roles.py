"""Every rule of the role matrix has a test: the matrix itself against the specification (one case
per permission and role), every team operation of the API for every role, the rules that depend on
the target (admins and owners), and the documentation table against the code."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from teams.api.base import TeamScopedApi
from teams.models import Invitation, Membership, Team
from teams.roles import PERMISSIONS, ROLE_ORDER, Role, has_permission, permissions_of
from teams.services import invitation_create
from tests.teams.conftest import Lab

pytestmark = pytest.mark.django_db

OWNER, ADMIN, EDITOR, VIEWER = "owner", "admin", "editor", "viewer"

# The specification of the issue, written out independently of teams/roles.py.
SPEC: dict[str, set[str]] = {
    "team.view": {OWNER, ADMIN, EDITOR, VIEWER},
    "team.leave": {OWNER, ADMIN, EDITOR, VIEWER},
    "team.update": {OWNER, ADMIN},
    "team.delete": {OWNER},
    "team.transfer_ownership": {OWNER},
    "billing.manage": {OWNER},
    "members.view": {OWNER, ADMIN, EDITOR, VIEWER},
    "members.manage": {OWNER, ADMIN},
    "members.manage_owners": {OWNER},
    "audit.view": {OWNER, ADMIN},
    "documents.view": {OWNER, ADMIN, EDITOR, VIEWER},
    "documents.upload": {OWNER, ADMIN, EDITOR},
    "documents.edit_own": {OWNER, ADMIN, EDITOR},
    "documents.delete_any": {OWNER, ADMIN},
    "annotations.comment": {OWNER, ADMIN, EDITOR, VIEWER},
    "annotations.highlight": {OWNER, ADMIN, EDITOR},
    "annotations.delete_any": {OWNER, ADMIN},
}


# --- the matrix ----------------------------------------------------------------------------------------


def test_the_matrix_names_exactly_the_specified_permissions() -> None:
    assert set(PERMISSIONS) == set(SPEC)


@pytest.mark.parametrize(("permission", "role"), [(permission, role) for permission in SPEC for role in ROLE_ORDER])
def test_matrix_rule(permission: str, role: Role) -> None:
    assert has_permission(role, permission) is (role.value in SPEC[permission])


def test_an_unknown_permission_raises_instead_of_answering_no() -> None:
    with pytest.raises(KeyError, match="unknown team permission"):
        has_permission(Role.OWNER, "documents.veiw")


def test_the_matrix_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        PERMISSIONS["team.delete"] = frozenset(Role)  # type: ignore[index]  # the point: a read-only mapping refuses it


@pytest.mark.parametrize("document", ["README.md", "docs/teams.md"])
def test_docs_table_matches_the_matrix(document: str) -> None:
    """The README and docs/teams.md show the matrix; they may not drift from the code."""
    text = (Path(__file__).resolve().parents[2] / document).read_text()
    # | `permission` | what it allows | owner | admin | editor | viewer |
    rows = re.findall(r"^\| `([a-z_.]+)` \|[^|]*\|(.+)\|\s*$", text, flags=re.MULTILINE)
    documented = {
        permission: {role for role, cell in zip(ROLE_ORDER, cells.split("|"), strict=True) if cell.strip() == "✓"}
        for permission, cells in rows
    }
    assert documented == {permission: {role.value for role in roles} for permission, roles in PERMISSIONS.items()}


def test_every_team_view_declares_known_permissions() -> None:
    views = TeamScopedApi.__subclasses__()
    assert views
    for view in views:
        for permission in view.team_permissions.values():
            assert permission in PERMISSIONS, f"{view.__name__} needs {permission}"


# --- every team operation of the API, for every role -----------------------------------------------------


@dataclass(frozen=True)
class Operation:
    name: str
    permission: str
    call: Callable[[APIClient, Lab], Any]
    success: int

    def __str__(self) -> str:
        return self.name


def _pending_invitation(lab: Lab) -> Invitation:
    return invitation_create(actor=lab.owner, email="someone@example.org", role=Role.VIEWER, base_url="http://t/")


OPERATIONS = [
    Operation("view team", "team.view", lambda c, lab: c.get(lab.url()), 200),
    Operation("rename team", "team.update", lambda c, lab: c.patch(lab.url(), {"name": "New"}, format="json"), 200),
    Operation("delete team", "team.delete", lambda c, lab: c.delete(lab.url()), 204),
    Operation(
        "transfer ownership",
        "team.transfer_ownership",
        lambda c, lab: c.post(lab.url("/transfer-ownership"), {"membership_id": str(lab.add().pk)}, format="json"),
        200,
    ),
    Operation("leave team", "team.leave", lambda c, lab: c.post(lab.url("/leave")), 204),
    Operation("list members", "members.view", lambda c, lab: c.get(lab.url("/members")), 200),
    Operation(
        "change a viewer's role",
        "members.manage",
        lambda c, lab: c.patch(lab.url(f"/members/{lab.add().pk}"), {"role": "editor"}, format="json"),
        200,
    ),
    Operation("remove a viewer", "members.manage", lambda c, lab: c.delete(lab.url(f"/members/{lab.add().pk}")), 204),
    Operation("list invitations", "members.manage", lambda c, lab: c.get(lab.url("/invitations")), 200),
    Operation(
        "invite",
        "members.manage",
        lambda c, lab: c.post(lab.url("/invitations"), {"email": "new@example.org", "role": "editor"}, format="json"),
        201,
    ),
    Operation(
        "resend an invitation",
        "members.manage",
        lambda c, lab: c.post(lab.url(f"/invitations/{_pending_invitation(lab).pk}/resend")),
        200,
    ),
    Operation(
        "revoke an invitation",
        "members.manage",
        lambda c, lab: c.delete(lab.url(f"/invitations/{_pending_invitation(lab).pk}")),
        204,
    ),
    Operation("read the audit log", "audit.view", lambda c, lab: c.get(lab.url("/audit-log")), 200),
]


@pytest.mark.parametrize("role", ROLE_ORDER)
@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_operation_for_role(lab: Lab, operation: Operation, role: Role) -> None:
    if role == Role.OWNER and operation.name == "leave team":
        lab.add(Role.OWNER)  # the last owner may not leave; that rule has its own test
    response = operation.call(lab.client(role), lab)
    if has_permission(role, operation.permission):
        assert response.status_code == operation.success, response.content
    else:
        assert response.status_code == 403, response.content
        body = response.json()
        assert body["code"] == "permission_denied"
        assert body["permission"] == operation.permission
        assert f"As a{'n' if role in (Role.ADMIN, Role.EDITOR, Role.OWNER) else ''} {role.value}" in body["detail"]


def test_every_permission_the_teams_views_use_has_an_operation_test() -> None:
    # Other apps' views are checked per role and route by the tenant-isolation test.
    views = [view for view in TeamScopedApi.__subclasses__() if view.__module__.startswith("teams.")]
    used = {permission for view in views for permission in view.team_permissions.values()}
    assert used <= {operation.permission for operation in OPERATIONS}


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_team_detail_lists_the_callers_role_and_permissions(lab: Lab, role: Role) -> None:
    body = lab.client(role).get(lab.url()).json()
    assert body["role"] == role.value
    assert body["permissions"] == permissions_of(role)


# --- rules that depend on the target ---------------------------------------------------------------------


def test_admin_cannot_change_an_owners_role(lab: Lab) -> None:
    co_owner = lab.add(Role.OWNER)
    response = lab.client(Role.ADMIN).patch(lab.url(f"/members/{co_owner.pk}"), {"role": "viewer"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    co_owner.refresh_from_db()
    assert co_owner.role == Role.OWNER


def test_admin_cannot_make_anyone_an_owner(lab: Lab) -> None:
    response = lab.client(Role.ADMIN).patch(lab.url(f"/members/{lab.editor.pk}"), {"role": "owner"}, format="json")
    assert response.status_code == 403
    response = lab.client(Role.ADMIN).patch(lab.url(f"/members/{lab.admin.pk}"), {"role": "owner"}, format="json")
    assert response.status_code == 403
    assert not Membership.objects.filter(team=lab.team, role=Role.OWNER).exclude(pk=lab.owner.pk).exists()


def test_admin_cannot_remove_an_owner(lab: Lab) -> None:
    response = lab.client(Role.ADMIN).delete(lab.url(f"/members/{lab.owner.pk}"))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=lab.owner.pk).exists()


def test_admin_can_promote_to_admin_and_demote_another_admin(lab: Lab) -> None:
    other_admin = lab.add(Role.ADMIN)
    client = lab.client(Role.ADMIN)
    assert client.patch(lab.url(f"/members/{lab.editor.pk}"), {"role": "admin"}, format="json").status_code == 200
    assert client.patch(lab.url(f"/members/{other_admin.pk}"), {"role": "viewer"}, format="json").status_code == 200


def test_owner_can_make_a_co_owner_and_the_co_owner_can_then_demote_the_first(lab: Lab) -> None:
    response = lab.client(Role.OWNER).patch(lab.url(f"/members/{lab.admin.pk}"), {"role": "owner"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "owner"
    response = lab.client(Role.ADMIN).patch(lab.url(f"/members/{lab.owner.pk}"), {"role": "editor"}, format="json")
    assert response.status_code == 200


def test_nobody_invites_an_owner(lab: Lab) -> None:
    response = lab.client(Role.OWNER).post(
        lab.url("/invitations"), {"email": "boss@example.org", "role": "owner"}, format="json"
    )
    assert response.status_code == 400
    assert "role" in response.json()["fields"]


def test_removing_yourself_points_to_leave(lab: Lab) -> None:
    response = lab.client(Role.ADMIN).delete(lab.url(f"/members/{lab.admin.pk}"))
    assert response.status_code == 400
    assert response.json()["code"] == "cannot_remove_self"


def test_a_new_team_is_owned_by_its_creator(lab: Lab) -> None:
    response = lab.client(Role.VIEWER).post("/api/v1/teams", {"name": "Side project"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["role"] == "owner"
    assert body["permissions"] == permissions_of(Role.OWNER)
    assert Team.objects.get(pk=body["id"]).created_by == lab.viewer.user
