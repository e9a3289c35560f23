"""The world of the tenant-isolation test, and the samples that fill in URLs and bodies.

Other apps register their own samples in ``tests/<app>/isolation_samples.py`` (module-level
``KWARG_SAMPLES`` and ``BODY_SAMPLES`` dicts of the same shape), found automatically, so that a new
endpoint is covered without editing the teams tests. A kwarg sample receives the :class:`World` and
returns the id of a real object *of the victim team* (create it with the app's services); it is
called once per test, before the database snapshot is taken.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection

import tests
from accounts.models import ApiToken
from teams.models import Invitation, Membership
from tests.teams.conftest import Lab

Snapshot = dict[str, tuple[int, str]]


@dataclass
class World:
    """A victim team with a member of every role (plus a co-owner, a bystander viewer and a pending
    invitation), and an attacker's team built the same way."""

    victim: Lab
    co_owner: Membership
    bystander: Membership  # the member that member operations act on
    invitation: Invitation
    victim_token: ApiToken  # an API token of the victim team's owner (user-scoped routes)
    attacker: Lab
    samples: dict[str, Any] = field(default_factory=dict)

    def sample(self, kwarg: str, route: str) -> Any:
        if kwarg not in self.samples:
            registry = kwarg_samples()
            if kwarg not in registry:
                pytest.fail(
                    f"register a sample for kwarg {kwarg!r} used by {route} in KWARG_SAMPLES "
                    "(tests/teams/isolation.py, or tests/<app>/isolation_samples.py)"
                )
            self.samples[kwarg] = registry[kwarg](self)
        return self.samples[kwarg]

    def secrets(self) -> list[str]:
        """What of the victim team must never appear in responses to the attacker's members."""
        members = Membership.objects.filter(team=self.victim.team).select_related("user")
        return [
            str(self.victim.team.pk),
            self.victim.team.name,
            self.victim.team.slug,
            str(self.invitation.pk),
            self.invitation.email,
            *(str(member.pk) for member in members),
            *(member.user.email for member in members),
        ]


KwargSample = Callable[[World], Any]
BodySample = Callable[[World], dict[str, Any] | None]

KWARG_SAMPLES: dict[str, KwargSample] = {
    "team_id": lambda world: world.victim.team.pk,
    "membership_id": lambda world: world.bystander.pk,
    "invitation_id": lambda world: world.invitation.pk,
    "token_id": lambda world: world.victim_token.pk,
}

# (route as written in the URLconf, method) -> a body that a role allowed to make the request gets a
# 2xx for. The refusals are then refusals of requests that would have worked.
BODY_SAMPLES: dict[tuple[str, str], BodySample] = {
    ("/api/v1/teams/<uuid:team_id>", "PATCH"): lambda world: {"name": "Taken over"},
    ("/api/v1/teams/<uuid:team_id>/leave", "POST"): lambda world: None,
    ("/api/v1/teams/<uuid:team_id>/transfer-ownership", "POST"): lambda world: {
        "membership_id": str(world.bystander.pk)
    },
    ("/api/v1/teams/<uuid:team_id>/members/<uuid:membership_id>", "PATCH"): lambda world: {"role": "editor"},
    ("/api/v1/teams/<uuid:team_id>/invitations", "POST"): lambda world: {
        "email": "newcomer@example.org",
        "role": "viewer",
    },
    ("/api/v1/teams/<uuid:team_id>/invitations/<uuid:invitation_id>/resend", "POST"): lambda world: None,
}


def _app_sample_modules() -> list[Any]:
    modules = []
    for info in pkgutil.iter_modules(tests.__path__):
        name = f"tests.{info.name}.isolation_samples"
        if not info.ispkg:
            continue
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


def _merged(attribute: str, own: dict[Any, Any]) -> dict[Any, Any]:
    merged = dict(own)
    for module in _app_sample_modules():
        for key, value in getattr(module, attribute, {}).items():
            assert key not in merged, f"{module.__name__}.{attribute} registers {key!r} a second time"
            merged[key] = value
    return merged


def kwarg_samples() -> dict[str, KwargSample]:
    return _merged("KWARG_SAMPLES", KWARG_SAMPLES)


def body_samples() -> dict[tuple[str, str], BodySample]:
    return _merged("BODY_SAMPLES", BODY_SAMPLES)


def db_snapshot() -> Snapshot:
    """Row count and a checksum of all rows of every table: catches inserts, deletes and updates,
    including ``QuerySet.update()`` calls, which leave ``updated_at`` alone."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            name = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {name} AS t"  # noqa: S608 - table names come from the database's own catalogue
            )
            count, checksum = cursor.fetchone()
            snapshot[table] = (count, checksum)
    return snapshot


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    return [f"{table}: {before.get(table)} -> {now}" for table, now in after.items() if before.get(table) != now]
