"""What teams does when other apps' signals arrive; connected in ``TeamsConfig.ready()``."""

from typing import Any

from accounts.models import User


def create_personal_team(sender: type[User], user: User, **kwargs: Any) -> None:
    """Every account starts with a team of its own, in the sign-up transaction."""
    from .services import team_create_personal

    team_create_personal(user=user)
