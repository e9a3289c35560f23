"""A team with one member of every role, and clients signed in as each of them."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from teams.models import Membership, Team
from teams.roles import Role
from tests.factories import MembershipFactory, UserFactory, make_team


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@dataclass
class Lab:
    team: Team
    owner: Membership
    admin: Membership
    editor: Membership
    viewer: Membership
    clients: dict[str, APIClient] = field(default_factory=dict)

    def member(self, role: str) -> Membership:
        return {
            Role.OWNER: self.owner,
            Role.ADMIN: self.admin,
            Role.EDITOR: self.editor,
            Role.VIEWER: self.viewer,
        }[Role(role)]

    def client(self, role: str) -> APIClient:
        if role not in self.clients:
            self.clients[role] = client_for(self.member(role).user)
        return self.clients[role]

    def url(self, suffix: str = "") -> str:
        return f"/api/v1/teams/{self.team.pk}{suffix}"

    def add(self, role: str = Role.VIEWER, **user_fields: Any) -> Membership:
        return MembershipFactory.create(team=self.team, user=UserFactory.create(**user_fields), role=role)


def build_lab(name: str = "Lab", seat_limit: int | None = None) -> Lab:
    owner_user = UserFactory.create(display_name="Olga Owner")
    team = make_team(owner=owner_user, name=name, seat_limit=seat_limit)
    owner = Membership.objects.select_related("user").get(team=team, user=owner_user)
    return Lab(
        team=team,
        owner=owner,
        admin=MembershipFactory.create(team=team, role=Role.ADMIN, user__display_name="Ada Admin"),
        editor=MembershipFactory.create(team=team, role=Role.EDITOR, user__display_name="Ed Editor"),
        viewer=MembershipFactory.create(team=team, role=Role.VIEWER, user__display_name="Vi Viewer"),
    )


@pytest.fixture
def lab(db: None) -> Lab:
    return build_lab()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a request (or anything) and fire its on-commit callbacks (mails, signals) as a commit would."""

    def _run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return _run


@pytest.fixture
def removed_signals() -> Iterator[list[dict[str, Any]]]:
    from teams.signals import membership_removed

    received: list[dict[str, Any]] = []

    def _receiver(sender: Any, **kwargs: Any) -> None:
        received.append({key: value for key, value in kwargs.items() if key != "signal"})

    membership_removed.connect(_receiver, dispatch_uid="tests.removed_signals")
    yield received
    membership_removed.disconnect(dispatch_uid="tests.removed_signals")
