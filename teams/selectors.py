"""Reads. Everything inside a team is found through :func:`team_scoped`, so that an id of another
team's object is simply not found (404), exactly like an id that does not exist."""

from uuid import UUID

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError, NotFoundError

from .models import AuditEvent, Invitation, Membership, Team
from .roles import ROLE_ORDER
from .tokens import InvalidToken, invitation_id_from_token

NOT_FOUND = "Not found."


def team_scoped[M: models.Model](queryset: QuerySet[M], *, team: Team) -> QuerySet[M]:
    """Only the rows of ``team``. The one filter every team-scoped lookup and list goes through.

    A model names the path to its team in ``team_lookup`` (``"document__team"`` for annotations);
    the default is a ``team`` foreign key. A model with neither raises: better than returning rows
    of every team.
    """
    model = queryset.model
    if model is Team:
        return queryset.filter(pk=team.pk)
    lookup: str = getattr(model, "team_lookup", "team")
    try:
        model._meta.get_field(lookup.split("__", 1)[0])
    except FieldDoesNotExist as exc:
        raise ImproperlyConfigured(
            f"{model.__name__} has no '{lookup}' field; set team_lookup on it to the path to its team"
        ) from exc
    return queryset.filter(**{lookup: team})


def scoped_get[M: models.Model](queryset: QuerySet[M], *, team: Team, pk: UUID | str) -> M:
    """One object of ``team`` by id, or 404 (for another team's object too)."""
    try:
        return team_scoped(queryset, team=team).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise NotFoundError(NOT_FOUND) from exc


# --- teams and memberships --------------------------------------------------------------------


def team_memberships_for(*, user: User) -> QuerySet[Membership]:
    """The user's teams, as their memberships so that each carries the user's role there."""
    return Membership.objects.filter(user=user).select_related("team").order_by("-team__personal", "team__name")


def membership_for(*, user: User, team_id: UUID | str) -> Membership:
    """The user's membership of the team, or 404: a team you are not in looks like no team at all."""
    try:
        membership = Membership.objects.select_related("team").get(user=user, team_id=team_id)
    except (Membership.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFoundError(NOT_FOUND) from exc
    membership.user = user  # saves a query: it is the caller
    return membership


def _role_rank() -> Case:
    return Case(
        *(When(role=role, then=Value(rank)) for rank, role in enumerate(ROLE_ORDER)),
        output_field=IntegerField(),
    )


def member_list(*, team: Team) -> QuerySet[Membership]:
    """Owners first, then by e-mail; users fetched in the same query."""
    return (
        team_scoped(Membership.objects.select_related("user"), team=team)
        .annotate(role_rank=_role_rank())
        .order_by("role_rank", "user__email")
    )


def member_get(*, team: Team, membership_id: UUID | str) -> Membership:
    return scoped_get(Membership.objects.select_related("user", "team"), team=team, pk=membership_id)


def owner_count(*, team: Team) -> int:
    return team_scoped(Membership.objects.filter(role="owner"), team=team).count()


# --- invitations --------------------------------------------------------------------------------


def _pending(queryset: QuerySet[Invitation]) -> QuerySet[Invitation]:
    return queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


def invitation_list_open(*, team: Team) -> QuerySet[Invitation]:
    """Neither accepted nor revoked, newest first; expired ones stay listed so they can be resent."""
    return team_scoped(
        Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related("invited_by"),
        team=team,
    ).order_by("-created_at")


def invitation_get(*, team: Team, invitation_id: UUID | str) -> Invitation:
    return scoped_get(Invitation.objects.select_related("team", "invited_by"), team=team, pk=invitation_id)


def team_seats_used(*, team: Team) -> int:
    """Members plus pending (unexpired) invitations: what counts against ``seat_limit``."""
    members = team_scoped(Membership.objects.all(), team=team).count()
    return members + team_scoped(_pending(Invitation.objects.all()), team=team).count()


def invitations_for_user(*, user: User) -> QuerySet[Invitation]:
    """The open, unexpired invitations sent to the user's own (verified) address, to teams they are not
    in yet, newest first: the app offers them to a user who was invited while already signed up."""
    if not user.email_verified:
        return Invitation.objects.none()
    return (
        _pending(Invitation.objects.filter(email=user.email.lower()))
        .exclude(team__memberships__user=user)
        .select_related("team", "invited_by")
        .order_by("-created_at")
    )


def invitation_from_token(token: str) -> tuple[Invitation, bool]:
    """The invitation a link names, and whether the link itself is older than its maximum age.

    Only the holder of the e-mailed link has the token, so no team membership is asked for.
    Raises ``invalid_token`` for anything that is not a token we signed for an existing invitation
    (a deleted team's invitations are gone, and so are their links).
    """
    invalid = ApplicationError("This invitation link is not valid.", code="invalid_token")
    try:
        invitation_id, link_expired = invitation_id_from_token(token)
    except InvalidToken as exc:
        raise invalid from exc
    try:
        invitation = Invitation.objects.select_related("team", "invited_by").get(pk=invitation_id)
    except (Invitation.DoesNotExist, ValueError, ValidationError) as exc:
        raise invalid from exc
    return invitation, link_expired


# --- audit log ----------------------------------------------------------------------------------


def audit_event_list(*, team: Team) -> QuerySet[AuditEvent]:
    """Newest first, with actor and target fetched in the same query (the page is cursor-paginated)."""
    return team_scoped(AuditEvent.objects.select_related("actor", "target_user"), team=team).order_by(
        "-created_at", "-id"
    )
