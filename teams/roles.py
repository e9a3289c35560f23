"""The four roles and the one matrix that says what each may do in a team.

This module is the only place that knows which role holds which permission. Views declare the
permission an HTTP method needs (``TeamScopedApi.team_permissions``) and services ask
:func:`has_permission` for the rules that depend on the target (an admin may not touch an owner).
Later apps (documents, annotations, billing) use the permission names below; a name that is not in
the matrix raises, so a typo can never open an endpoint.
"""

from collections.abc import Mapping
from types import MappingProxyType

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


_ALL = frozenset(Role)
_OWNER = frozenset({Role.OWNER})
_MANAGERS = frozenset({Role.OWNER, Role.ADMIN})
_WRITERS = frozenset({Role.OWNER, Role.ADMIN, Role.EDITOR})

# permission -> the roles that hold it. Read-only at run time.
PERMISSIONS: Mapping[str, frozenset[Role]] = MappingProxyType(
    {
        "team.view": _ALL,
        "team.leave": _ALL,
        "team.update": _MANAGERS,
        "team.delete": _OWNER,
        "team.transfer_ownership": _OWNER,
        "billing.manage": _OWNER,
        "members.view": _ALL,
        # Invite, resend, revoke, change roles, remove. Touching an owner needs members.manage_owners too.
        "members.manage": _MANAGERS,
        "members.manage_owners": _OWNER,
        "audit.view": _MANAGERS,
        "documents.view": _ALL,
        "documents.upload": _WRITERS,
        "documents.edit_own": _WRITERS,
        "documents.delete_any": _MANAGERS,
        "annotations.comment": _ALL,
        "annotations.highlight": _WRITERS,
        "annotations.delete_any": _MANAGERS,
    }
)

# What a 403 says the role lacks: "As a viewer you cannot <label>."
PERMISSION_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "team.view": "see this team",
        "team.leave": "leave this team",
        "team.update": "change the team's settings",
        "team.delete": "delete the team",
        "team.transfer_ownership": "transfer ownership of the team",
        "billing.manage": "manage billing",
        "members.view": "see the members",
        "members.manage": "manage members and invitations",
        "members.manage_owners": "change an owner's membership or make someone an owner",
        "audit.view": "read the audit log",
        "documents.view": "read documents",
        "documents.upload": "upload documents",
        "documents.edit_own": "edit documents",
        "documents.delete_any": "delete other people's documents",
        "annotations.comment": "comment",
        "annotations.highlight": "highlight",
        "annotations.delete_any": "delete other people's annotations",
    }
)

# Roles an invitation may carry. Ownership is only ever given to someone who is already a member
# (role change or transfer), never to whoever holds an e-mailed link.
INVITABLE_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.EDITOR, Role.VIEWER)

# Display order of members: owners first.
ROLE_ORDER: tuple[Role, ...] = (Role.OWNER, Role.ADMIN, Role.EDITOR, Role.VIEWER)


def check_permission_name(permission: str) -> None:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown team permission {permission!r}; the matrix is in teams/roles.py")


def has_permission(role: str, permission: str) -> bool:
    """Whether ``role`` holds ``permission``. An unknown permission name raises ``KeyError``."""
    check_permission_name(permission)
    return role in PERMISSIONS[permission]


def permissions_of(role: str) -> list[str]:
    """Every permission the role holds, sorted; the UI hides the controls of the others."""
    return sorted(name for name, roles in PERMISSIONS.items() if role in roles)


def denial_detail(role: str, permission: str) -> str:
    label = Role(role).label.lower()
    article = "an" if label[0] in "aeiou" else "a"
    return (
        f"As {article} {label} of this team you cannot {PERMISSION_LABELS[permission]}. "
        "Ask an owner or an admin of the team."
    )
