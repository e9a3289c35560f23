"""The DRF permission class of every team-scoped endpoint.

Three answers, in this order: not signed in (401), not a member of the URL's team (404, the same as
a team that does not exist, so that other teams' ids leak nothing), a member whose role lacks the
permission the view declares for the method (403, naming what the role cannot do).
"""

from collections.abc import Mapping
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import User
from core.exceptions import PermissionDeniedError

from .models import Membership
from .roles import denial_detail, has_permission
from .selectors import membership_for


class TeamScopedView(Protocol):
    """What ``HasTeamPermission`` needs of a view (``teams.api.base.TeamScopedApi`` provides it)."""

    kwargs: dict[str, Any]
    membership: Membership
    team_permissions: Mapping[str, str]

    @classmethod
    def required_permission(cls, method: str) -> str: ...


class HasTeamPermission(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.user, User) or not request.user.is_authenticated:
            return False  # DRF answers 401 with the authenticate header
        if not hasattr(view, "required_permission") or "team_id" not in view.kwargs:
            raise ImproperlyConfigured(
                f"{type(view).__name__} uses HasTeamPermission but is not a TeamScopedApi under <uuid:team_id>"
            )
        scoped: TeamScopedView = view
        permission = scoped.required_permission(request.method or "GET")
        membership = membership_for(user=request.user, team_id=scoped.kwargs["team_id"])
        scoped.membership = membership
        if not has_permission(membership.role, permission):
            raise PermissionDeniedError(denial_detail(membership.role, permission), extra={"permission": permission})
        return True
