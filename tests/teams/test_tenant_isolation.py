"""Tenant isolation over the whole API, discovered from the URL resolver.

Every pattern under ``/api/v1/`` is one of three kinds:

- team-scoped: it has a ``team_id``. Its view must be a ``TeamScopedApi``. For every method it
  allows: a member of another team gets 404 (also with their own team's id and this team's object
  ids), an anonymous caller 401, every role the matrix denies 403, and none of them changes a single
  row of the database. Every role the matrix allows succeeds with the sample request, which proves
  that the refusals are refusals and not broken URLs or bodies.
- user-scoped: acts on the caller's own things (listed below with a reason). Object ids of another
  user are 404; reads contain nothing of another team.
- public by design: listed below with a reason.

A new endpoint is covered without touching this file, or the test fails naming it: an unclassified
pattern, a URL kwarg without a sample object, a write without a sample body.
"""

import json
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.services import api_token_create
from teams.api.base import TeamScopedApi
from teams.roles import ROLE_ORDER, Role, has_permission
from teams.services import invitation_create
from tests.factories import MembershipFactory, UserFactory
from tests.teams.conftest import build_lab, client_for
from tests.teams.isolation import World, body_samples, changed_tables, db_snapshot, kwarg_samples

pytestmark = pytest.mark.django_db

API_PREFIX = "/api/v1/"
WRITES = {"POST", "PUT", "PATCH"}

PUBLIC_BY_DESIGN: dict[str, str] = {
    "/api/v1/auth/csrf": "sets the CSRF cookie the signed-out single-page app needs",
    "/api/v1/auth/session": "tells the caller's own browser who is signed in there, if anyone",
    "/api/v1/auth/signup": "creating an account happens before there is one",
    "/api/v1/auth/verify-email": "authorised by the signed token from the e-mail",
    "/api/v1/auth/verify-email/resend": "says the same for every address; rate-limited",
    "/api/v1/auth/login": "signing in happens before being signed in",
    "/api/v1/auth/logout": "ends the caller's own session, if any",
    "/api/v1/auth/password/reset": "says the same for every address; rate-limited",
    "/api/v1/auth/password/reset/confirm": "authorised by the one-time token from the e-mail",
    "/api/v1/invitations/<str:token>": "invitation preview for the holder of the e-mailed signed token, before sign-in",
    "/api/v1/storage/local/<str:token>": "signed, expiring upload/download URLs of the local storage adapter",
}
USER_SCOPED: dict[str, str] = {
    "/api/v1/auth/me": "the caller's own account",
    "/api/v1/auth/password/change": "the caller's own password",
    "/api/v1/auth/tokens": "the caller's own API tokens",
    "/api/v1/auth/tokens/<uuid:token_id>": "one of the caller's own API tokens",
    "/api/v1/teams": "lists the caller's teams only; a new team is owned by the caller",
    "/api/v1/invitations": "the invitations sent to the caller's own address",
    "/api/v1/invitations/accept": "joins the team of a signed token sent to the caller's own address",
}


# --- the routes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    path: str  # as written in the URLconf, e.g. /api/v1/teams/<uuid:team_id>/members
    kwargs: tuple[str, ...]
    view_class: type | None
    is_regex: bool

    @property
    def methods(self) -> tuple[str, ...]:
        if self.view_class is None:
            return ()
        view = self.view_class()
        methods = [name.upper() for name in view.http_method_names if name != "head" and hasattr(view, name)]
        if "GET" in methods:
            methods.append("HEAD")
        return tuple(methods)

    def __str__(self) -> str:
        return self.path


def _walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, bool, URLPattern]]:
    for pattern in patterns:
        route = str(pattern.pattern)
        is_regex = route.startswith("^") or route.endswith("$")
        if isinstance(pattern, URLResolver):
            for path, regex, leaf in _walk(pattern.url_patterns, prefix + route):
                yield path, regex or is_regex, leaf
        elif isinstance(pattern, URLPattern):
            yield prefix + route, is_regex, pattern


def api_routes() -> list[Route]:
    routes = []
    for path, is_regex, pattern in _walk(get_resolver().url_patterns, "/"):
        if not path.startswith(API_PREFIX):
            continue
        kwargs = tuple(re.findall(r"<(?:\w+:)?(\w+)>", path))
        routes.append(Route(path, kwargs, getattr(pattern.callback, "view_class", None), is_regex))
    return routes


ROUTES = api_routes()
TEAM_ROUTES = [route for route in ROUTES if "team_id" in route.kwargs]
TEAM_METHODS = [(route, method) for route in TEAM_ROUTES for method in route.methods]
# OPTIONS describes the endpoint and never loads the object: its answer is the same for every id.
FOREIGN_ID_METHODS = [
    (route, method) for route, method in TEAM_METHODS if set(route.kwargs) - {"team_id"} and method != "OPTIONS"
]
ROLE_CASES = [(route, method, role) for route, method in TEAM_METHODS for role in ROLE_ORDER]
USER_OBJECT_METHODS = [
    (route, method)
    for route in ROUTES
    if route.path in USER_SCOPED and route.kwargs
    for method in route.methods
    if method != "OPTIONS"
]
USER_READS = [route for route in ROUTES if route.path in USER_SCOPED and not route.kwargs and "GET" in route.methods]


def _params(cases: list[tuple[Any, ...]]) -> list[Any]:
    """Readable test ids: "viewer PATCH /api/v1/teams/<uuid:team_id>"."""
    return [pytest.param(*case, id=" ".join(str(part) for part in reversed(case))) for case in cases]


@pytest.fixture
def world(db: None) -> World:
    victim = build_lab("Victim Lab")
    attacker = build_lab("Attacker Lab")
    co_owner = MembershipFactory.create(team=victim.team, role=Role.OWNER)
    bystander = MembershipFactory.create(team=victim.team, role=Role.VIEWER, user__email="bystander@example.org")
    invitation = invitation_create(
        actor=victim.owner, email="invitee@example.org", role=Role.VIEWER, base_url="http://testserver/"
    )
    invitation_create(actor=attacker.owner, email="theirs@example.org", role=Role.VIEWER, base_url="http://x/")
    victim_token, _ = api_token_create(user=victim.owner.user, name="victim's script")
    for role in ROLE_ORDER:  # the sessions exist before any snapshot
        victim.client(role)
        attacker.client(role)
    return World(victim, co_owner, bystander, invitation, victim_token, attacker)


@dataclass(frozen=True)
class Prepared:
    method: str
    path: str
    data: str


def prepare(world: World, route: Route, method: str, *, attackers_team: bool = False) -> Prepared:
    """Fill in the URL and body (creating sample objects) before the snapshot is taken."""
    path = route.path
    for name in route.kwargs:
        value = world.attacker.team.pk if name == "team_id" and attackers_team else world.sample(name, route.path)
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    body: dict[str, Any] | None = None
    if method in WRITES:
        samples = body_samples()
        if (route.path, method) not in samples:
            pytest.fail(
                f"register a sample body for {method} {route} in BODY_SAMPLES "
                "(tests/teams/isolation.py, or tests/<app>/isolation_samples.py)"
            )
        body = samples[(route.path, method)](world)
    return Prepared(method, path, json.dumps(body) if body is not None else "")


def send(client: APIClient, request: Prepared) -> Any:
    return client.generic(request.method, request.path, data=request.data, content_type="application/json")


def _assert_refused(response: Any, status: int, code: str, route: Route, method: str) -> None:
    assert response.status_code == status, f"{method} {route}: {response.status_code} {response.content[:300]!r}"
    if method != "HEAD":
        assert response.json()["code"] == code


# --- the routes are all classified and covered --------------------------------------------------------


def test_every_api_route_is_classified() -> None:
    problems = []
    for route in ROUTES:
        if route.is_regex:
            problems.append(f"{route}: use path() with converters, so that its kwargs can be filled in")
        if "team_id" in route.kwargs:
            if route.path in PUBLIC_BY_DESIGN or route.path in USER_SCOPED:
                problems.append(f"{route} has a team_id: it must not be public or user-scoped")
            if route.view_class is None or not issubclass(route.view_class, TeamScopedApi):
                problems.append(f"{route} has a team_id but its view is not a TeamScopedApi")
        elif route.path not in PUBLIC_BY_DESIGN and route.path not in USER_SCOPED:
            problems.append(
                f"{route} is neither team-scoped (<uuid:team_id>) nor listed in PUBLIC_BY_DESIGN or "
                "USER_SCOPED with a reason"
            )
    assert not problems, "\n".join(problems)


def test_isolation_covers_every_team_scoped_route() -> None:
    covered = sorted({str(route) for route, _ in TEAM_METHODS})
    listing = "\n".join(covered)
    assert len(covered) > 0, "no team-scoped route found under /api/v1/"
    assert covered == sorted(str(route) for route in TEAM_ROUTES), f"routes without methods:\n{listing}"
    # The routes of this issue; later issues add theirs (the count only grows).
    assert len(covered) >= 9, f"team-scoped routes covered:\n{listing}"


# --- team-scoped routes -------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "method"), _params(TEAM_METHODS))
def test_member_of_another_team_gets_404_and_changes_nothing(world: World, route: Route, method: str) -> None:
    request = prepare(world, route, method)
    before = db_snapshot()
    response = send(world.attacker.client(Role.OWNER), request)
    _assert_refused(response, 404, "not_found", route, method)
    assert not changed_tables(before, db_snapshot())


@pytest.mark.parametrize(("route", "method"), _params(FOREIGN_ID_METHODS))
def test_ids_of_another_teams_objects_are_404_in_your_own_team(world: World, route: Route, method: str) -> None:
    """GIVEN the attacker owns a team WHEN they use its id with the victim team's object ids THEN 404."""
    request = prepare(world, route, method, attackers_team=True)
    before = db_snapshot()
    response = send(world.attacker.client(Role.OWNER), request)
    _assert_refused(response, 404, "not_found", route, method)
    assert not changed_tables(before, db_snapshot())


@pytest.mark.parametrize(("route", "method"), _params(TEAM_METHODS))
def test_anonymous_gets_401_and_changes_nothing(world: World, route: Route, method: str) -> None:
    request = prepare(world, route, method)
    before = db_snapshot()
    response = send(APIClient(), request)
    _assert_refused(response, 401, "not_authenticated", route, method)
    assert not changed_tables(before, db_snapshot())


@pytest.mark.parametrize(("route", "method", "role"), _params(ROLE_CASES))
def test_each_role_gets_what_the_matrix_says(world: World, route: Route, method: str, role: Role) -> None:
    """Denied by the matrix: 403 and nothing changed. The owner, who holds every permission, gets a
    2xx for the sample request: the positive control that makes every 404 and 403 here mean something.
    For other allowed roles a rule on the object itself may still refuse (an editor edits only their
    own documents; an upload in flight is its uploader's alone), and then nothing changes either."""
    assert route.view_class is not None
    assert issubclass(route.view_class, TeamScopedApi)
    permission = route.view_class.required_permission(method)
    request = prepare(world, route, method)
    before = db_snapshot()
    response = send(world.victim.client(role), request)
    answer = f"{role} {method} {route}: {response.status_code} {response.content[:300]!r}"
    if not has_permission(role, permission):
        _assert_refused(response, 403, "permission_denied", route, method)
        assert not changed_tables(before, db_snapshot())
    elif role == Role.OWNER:
        assert 200 <= response.status_code < 300, f"the sample request must succeed for the owner; {answer}"
    elif response.status_code >= 400:
        assert response.status_code != 401, answer
        assert not changed_tables(before, db_snapshot()), answer


# --- user-scoped routes -------------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "method"), _params(USER_OBJECT_METHODS))
def test_another_users_objects_are_404(world: World, route: Route, method: str) -> None:
    request = prepare(world, route, method)
    before = db_snapshot()
    response = send(world.attacker.client(Role.OWNER), request)
    _assert_refused(response, 404, "not_found", route, method)
    assert not changed_tables(before, db_snapshot())


@pytest.mark.parametrize("route", USER_READS, ids=str)
def test_user_scoped_reads_show_nothing_of_other_teams(world: World, route: Route) -> None:
    for role in ROLE_ORDER:
        response = send(world.attacker.client(role), prepare(world, route, "GET"))
        assert response.status_code == 200
        body = response.content.decode()
        leaked = [secret for secret in world.secrets() if secret in body]
        assert not leaked, f"GET {route} as the attacker's {role} shows {leaked}"


def test_a_user_of_both_teams_sees_each_only_through_its_own_id(world: World) -> None:
    """GIVEN a user in both teams WHEN they use one team's id with the other's member id THEN 404."""
    both = UserFactory.create()
    MembershipFactory.create(team=world.victim.team, user=both, role=Role.ADMIN)
    MembershipFactory.create(team=world.attacker.team, user=both, role=Role.ADMIN)
    client = client_for(both)
    response = client.patch(
        f"/api/v1/teams/{world.attacker.team.pk}/members/{world.bystander.pk}", {"role": "admin"}, format="json"
    )
    assert response.status_code == 404
    response = client.patch(
        f"/api/v1/teams/{world.victim.team.pk}/members/{world.bystander.pk}", {"role": "admin"}, format="json"
    )
    assert response.status_code == 200


def test_apps_register_samples_in_their_own_tests_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/<app>/isolation_samples.py is found without editing the teams tests; a sample registered
    twice is an error, not a silent override."""
    module = types.ModuleType("tests.core.isolation_samples")
    module.KWARG_SAMPLES = {"widget_id": lambda world: "w"}  # type: ignore[attr-defined]  # a stand-in app module, built here
    module.BODY_SAMPLES = {("/api/v1/teams/<uuid:team_id>/widgets", "POST"): lambda world: {}}  # type: ignore[attr-defined]  # a stand-in app module, built here
    monkeypatch.setitem(sys.modules, module.__name__, module)
    assert {"team_id", "widget_id"} <= set(kwarg_samples())
    assert ("/api/v1/teams/<uuid:team_id>/widgets", "POST") in body_samples()

    module.KWARG_SAMPLES = {"team_id": lambda world: "again"}  # type: ignore[attr-defined]  # a stand-in app module, built here
    with pytest.raises(AssertionError, match="a second time"):
        kwarg_samples()
