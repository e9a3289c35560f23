"""Test data built the way the app builds it: verified users with a known password, teams."""

from typing import Any

import factory
from django.utils import timezone

from accounts.models import User
from teams.models import Membership, Team
from teams.roles import Role

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"researcher{n}@example.org")
    display_name = factory.Faker("name")
    email_verified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(user: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        user.set_password(extracted or PASSWORD)
        if create:
            user.save(update_fields=["password"])


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    """A bare team row. Prefer ``make_team``, which goes through the service and has an owner."""

    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Lab {n}")
    slug = factory.Sequence(lambda n: f"lab-{n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    """A member who joined earlier (tests of invitations go through the invitation services)."""

    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


def make_team(*, owner: User | None = None, name: str = "Lab", seat_limit: int | None = None) -> Team:
    """A team created by ``team_create``, as the API creates it: the owner's membership and audit event."""
    from teams.services import team_create

    team = team_create(actor=owner or UserFactory.create(), name=name).team
    if seat_limit is not None:  # set by billing in the product; no teams service writes it
        Team.objects.filter(pk=team.pk).update(seat_limit=seat_limit)
        team.refresh_from_db()
    return team
