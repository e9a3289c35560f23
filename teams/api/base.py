"""The base view of every endpoint under ``/api/v1/teams/{team_id}/``.

A subclass declares which permission of the matrix (``teams/roles.py``) each of its HTTP methods
needs, and finds objects through ``teams.selectors`` (``team_scoped``), never by filtering on the
team itself. A handler without a declared permission fails when the class is defined; there is no
default-open.
"""

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from teams.models import Membership, Team
from teams.permissions import HasTeamPermission
from teams.roles import PERMISSIONS

_HANDLERS = ("get", "post", "put", "patch", "delete")


class TeamScopedApi(APIView):
    # HTTP method -> permission name, e.g. {"GET": "members.view", "POST": "members.manage"}.
    team_permissions: ClassVar[Mapping[str, str]]
    permission_classes: Sequence[type[BasePermission]] = (HasTeamPermission,)

    membership: Membership  # the caller's, set by HasTeamPermission before the handler runs

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = getattr(cls, "team_permissions", None)
        handlers = {name.upper() for name in _HANDLERS if hasattr(cls, name)}
        if declared is None:
            if handlers:
                raise ImproperlyConfigured(f"{cls.__name__} must declare team_permissions for {sorted(handlers)}")
            return
        missing = handlers - set(declared)
        if missing:
            raise ImproperlyConfigured(f"{cls.__name__}.team_permissions has no permission for {sorted(missing)}")
        unknown = {name for name in declared.values() if name not in PERMISSIONS}
        if unknown:
            raise ImproperlyConfigured(f"{cls.__name__}.team_permissions names unknown permissions {sorted(unknown)}")

    @classmethod
    def required_permission(cls, method: str) -> str:
        """The permission ``method`` needs. OPTIONS and methods without a handler need membership
        only (members then get 405, outsiders still 404); HEAD needs what GET needs."""
        method = method.upper()
        if method == "HEAD":
            method = "GET"
        declared: Mapping[str, str] = getattr(cls, "team_permissions", {})
        if method in declared:
            return declared[method]
        if method == "OPTIONS" or not hasattr(cls, method.lower()):
            return "team.view"
        raise ImproperlyConfigured(f"{cls.__name__}.team_permissions has no permission for {method}")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # A subclass that swapped the permission classes would be open to every signed-in user.
        if HasTeamPermission not in self.permission_classes:
            raise ImproperlyConfigured(f"{type(self).__name__} must keep HasTeamPermission in permission_classes")
        super().initial(request, *args, **kwargs)

    @property
    def team(self) -> Team:
        return self.membership.team

    @property
    def user(self) -> User:
        return self.membership.user
