"""Everything that changes a team, its members and its invitations.

Preconditions: team-scoped services take ``actor``, the acting user's :class:`Membership`, already
resolved and checked against the role matrix by the view (``TeamScopedApi``). What depends on the
*target* is checked here: an admin may not touch an owner, the last owner may not go.

Each service locks the team row first, so that concurrent changes to one team's members and
invitations (two admins demoting the last two owners, two invitations racing for the last seat)
happen one after the other. Every change of membership writes its :class:`AuditEvent` in the same
transaction; e-mails and signals leave on commit.
"""

import logging
import secrets
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError

from . import selectors
from .models import AuditAction, AuditEvent, Invitation, InvitationStatus, Membership, Team
from .roles import INVITABLE_ROLES, Role, denial_detail, has_permission
from .signals import membership_changed, membership_removed
from .tokens import INVITATION_TTL, invitation_token

logger = logging.getLogger(__name__)

# --- helpers -------------------------------------------------------------------------------------


def audit_record(
    *,
    team: Team,
    actor: User | None,
    action: str,
    target_user: User | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append to the team's audit log. Call it inside the transaction of the change it records,
    so that the log never shows what was rolled back. Later apps record their own actions here."""
    return AuditEvent.objects.create(team=team, actor=actor, action=action, target_user=target_user, data=data or {})


def _lock(actor: Membership) -> tuple[Team, Membership]:
    """Lock the actor's team and re-read the actor's membership (it may have changed meanwhile)."""
    try:
        team = Team.objects.select_for_update().get(pk=actor.team_id)
        fresh = Membership.objects.select_related("user").get(pk=actor.pk)
    except (Team.DoesNotExist, Membership.DoesNotExist) as exc:
        raise NotFoundError(selectors.NOT_FOUND) from exc
    fresh.team = team
    return team, fresh


def _send_on_commit(*, to: str, subject: str, body: str) -> None:
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False))


def _removed_on_commit(*, team_id: UUID, user_id: UUID) -> None:
    transaction.on_commit(lambda: membership_removed.send(sender=Membership, team_id=team_id, user_id=user_id))


def _role_changed_on_commit(membership: Membership) -> None:
    """The member's open pages learn of their new role (``membership_changed``), and offer what it allows.
    Robust: should telling them fail (the channel layer down), the change stands; the pages learn of it
    when they next load the team."""
    team_id, user_id, role = membership.team_id, membership.user_id, Role(membership.role).value
    transaction.on_commit(
        lambda: membership_changed.send(sender=Membership, team_id=team_id, user_id=user_id, role=role), robust=True
    )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100].strip("-") or "team"
    taken = set(Team.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _check_seats(team: Team, *, adding: int = 1) -> None:
    if team.seat_limit is None:
        return
    used = selectors.team_seats_used(team=team)
    if used + adding > team.seat_limit:
        raise ConflictError(
            f"All {team.seat_limit} seats of this team are taken ({used} members and pending invitations). "
            "Revoke a pending invitation or remove a member, or ask the owner to add seats.",
            code="seat_limit_reached",
        )


def _require_owner_rights(actor: Membership) -> None:
    if not has_permission(actor.role, "members.manage_owners"):
        raise PermissionDeniedError(denial_detail(actor.role, "members.manage_owners"))


def _last_owner_error(team: Team) -> ConflictError:
    return ConflictError(
        f"This is the last owner of {team.name}. Make another member an owner first "
        "(or transfer ownership), or delete the team.",
        code="last_owner",
    )


# --- teams ---------------------------------------------------------------------------------------


def _team_create(*, actor: User, name: str, personal: bool) -> Membership:
    name = name.strip()
    slug = _unique_slug(name)
    for _ in range(3):
        try:
            with transaction.atomic():  # a savepoint: a concurrent create may have taken the slug
                team = Team.objects.create(name=name, slug=slug, created_by=actor, personal=personal)
            break
        except IntegrityError:
            slug = f"{_unique_slug(name)}-{secrets.token_hex(3)}"
    else:
        raise ConflictError("Could not name the team; please try again.", code="conflict")
    membership = Membership.objects.create(team=team, user=actor, role=Role.OWNER)
    audit_record(team=team, actor=actor, action=AuditAction.TEAM_CREATED, data={"name": name, "personal": personal})
    return membership


@transaction.atomic
def team_create(*, actor: User, name: str) -> Membership:
    """A new team with ``actor`` as its owner; returns the owner's membership."""
    return _team_create(actor=actor, name=name, personal=False)


@transaction.atomic
def team_create_personal(*, user: User) -> Membership:
    """The team every account starts with, called at sign-up (see teams.receivers)."""
    return _team_create(actor=user, name=f"{user.name}'s team", personal=True)


@transaction.atomic
def team_update(*, actor: Membership, name: str | None = None) -> Membership:
    """Change what is given; ``None`` leaves a field as it is (PATCH). The slug never changes."""
    team, actor = _lock(actor)
    name = name.strip() if name is not None else team.name
    if name != team.name:
        previous, team.name = team.name, name
        team.save(update_fields=["name", "updated_at"])
        audit_record(
            team=team, actor=actor.user, action=AuditAction.TEAM_UPDATED, data={"name": {"from": previous, "to": name}}
        )
    return actor


@transaction.atomic
def team_delete(*, actor: Membership) -> None:
    """Delete the team and everything in it (memberships, invitations, its audit log)."""
    team, actor = _lock(actor)
    user_ids = list(Membership.objects.filter(team=team).values_list("user_id", flat=True))
    team_id = team.pk
    team.delete()
    logger.info("team %s deleted by user %s", team_id, actor.user_id)
    for user_id in user_ids:
        _removed_on_commit(team_id=team_id, user_id=user_id)


@transaction.atomic
def team_transfer_ownership(*, actor: Membership, membership_id: UUID | str) -> Membership:
    """Make another member an owner and the actor an admin; returns the actor's new membership."""
    team, actor = _lock(actor)
    if actor.role != Role.OWNER:
        raise PermissionDeniedError(denial_detail(actor.role, "team.transfer_ownership"))
    target = selectors.member_get(team=team, membership_id=membership_id)
    if target.role == Role.OWNER:
        raise ConflictError(
            f"{target.user.name} is already an owner. To step down, change your own role instead.",
            code="already_owner",
        )
    previous_role = target.role
    target.role = Role.OWNER
    target.save(update_fields=["role", "updated_at"])
    actor.role = Role.ADMIN
    actor.save(update_fields=["role", "updated_at"])
    audit_record(
        team=team,
        actor=actor.user,
        action=AuditAction.TEAM_OWNERSHIP_TRANSFERRED,
        target_user=target.user,
        data={"new_owner_previous_role": previous_role, "previous_owner_role": Role.ADMIN.value},
    )
    _role_changed_on_commit(target)
    _role_changed_on_commit(actor)
    return actor


# --- members -------------------------------------------------------------------------------------


@transaction.atomic
def member_change_role(*, actor: Membership, membership_id: UUID | str, role: str | None = None) -> Membership:
    """Give the member ``role`` (``None``: leave it, as a PATCH without a role does)."""
    team, actor = _lock(actor)
    target = selectors.member_get(team=team, membership_id=membership_id)
    role = Role(role if role is not None else target.role)
    if target.role == role:
        return target
    if Role.OWNER in (target.role, role):
        _require_owner_rights(actor)
    if target.role == Role.OWNER and selectors.owner_count(team=team) == 1:
        raise _last_owner_error(team)
    previous, target.role = target.role, role
    target.save(update_fields=["role", "updated_at"])
    audit_record(
        team=team,
        actor=actor.user,
        action=AuditAction.MEMBER_ROLE_CHANGED,
        target_user=target.user,
        data={"from": previous, "to": role.value},
    )
    _role_changed_on_commit(target)
    return target


@transaction.atomic
def member_remove(*, actor: Membership, membership_id: UUID | str) -> None:
    team, actor = _lock(actor)
    target = selectors.member_get(team=team, membership_id=membership_id)
    if target.pk == actor.pk:
        raise ApplicationError("To leave the team yourself, use “Leave team”.", code="cannot_remove_self")
    if target.role == Role.OWNER:
        _require_owner_rights(actor)
        # Only an owner gets here and the target is someone else, so two owners exist; kept as a guard.
        if selectors.owner_count(team=team) == 1:
            raise _last_owner_error(team)
    user = target.user
    target.delete()
    audit_record(
        team=team, actor=actor.user, action=AuditAction.MEMBER_REMOVED, target_user=user, data={"role": target.role}
    )
    _removed_on_commit(team_id=team.pk, user_id=user.pk)


@transaction.atomic
def member_leave(*, actor: Membership) -> None:
    team, actor = _lock(actor)
    if actor.role == Role.OWNER and selectors.owner_count(team=team) == 1:
        raise ConflictError(
            f"You are the last owner of {team.name}. Make another member an owner (or transfer ownership) "
            "before leaving, or delete the team.",
            code="last_owner",
        )
    actor.delete()
    audit_record(
        team=team, actor=actor.user, action=AuditAction.MEMBER_LEFT, target_user=actor.user, data={"role": actor.role}
    )
    _removed_on_commit(team_id=team.pk, user_id=actor.user_id)


# --- invitations ---------------------------------------------------------------------------------


def invitation_link(*, invitation: Invitation, base_url: str) -> str:
    """The single-page app's page for the invitation; it previews and accepts through the API."""
    return f"{base_url.rstrip('/')}/invitations/{invitation_token(str(invitation.pk))}"


def _mail_invitation(*, invitation: Invitation, inviter: User, base_url: str) -> None:
    role = Role(invitation.role).label.lower()
    article = "an" if role[0] in "aeiou" else "a"
    _send_on_commit(
        to=invitation.email,
        subject=f"{inviter.name} invited you to {invitation.team.name} on Scrollkeeper",
        body=(
            "Hello,\n\n"
            f"{inviter.name} ({inviter.email}) invited you to join the team “{invitation.team.name}” "
            f"on Scrollkeeper as {article} {role}. To accept:\n\n"
            f"{invitation_link(invitation=invitation, base_url=base_url)}\n\n"
            f"The link works once and for 7 days. No account yet? Create one from the link with this "
            f"address ({invitation.email}).\n"
            "If you did not expect this invitation, ignore this e-mail.\n"
        ),
    )


def _unusable(invitation: Invitation, *, link_expired: bool = False) -> ApplicationError | None:
    """Why the invitation cannot be accepted (or resent), or None."""
    status = invitation.status
    if status == InvitationStatus.ACCEPTED:
        return ConflictError("This invitation has already been used.", code="invitation_used")
    if status == InvitationStatus.REVOKED:
        return ConflictError("This invitation has been withdrawn.", code="invitation_revoked")
    if status == InvitationStatus.EXPIRED or link_expired:
        return ConflictError(
            "This invitation has expired. Ask the person who invited you to send it again.", code="invitation_expired"
        )
    return None


@transaction.atomic
def invitation_create(*, actor: Membership, email: str, role: str, base_url: str) -> Invitation:
    """Invite an address. An expired open invitation to the same address is renewed instead."""
    team, actor = _lock(actor)
    email = User.objects.normalize_email(email).strip().lower()
    role = Role(role)
    if role not in INVITABLE_ROLES:
        raise ApplicationError(
            "Invitations make admins, editors or viewers. Make a member an owner from the member list.",
            fields={"role": ["Choose admin, editor or viewer."]},
        )
    if Membership.objects.filter(team=team, user__email__iexact=email).exists():
        raise ConflictError(
            f"{email} is already a member of this team.",
            code="already_member",
            fields={"email": ["This address is already a member of the team."]},
        )
    invitation = (
        Invitation.objects.select_for_update()
        .filter(team=team, email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is not None and invitation.status == InvitationStatus.PENDING:
        raise ConflictError(
            f"{email} has a pending invitation already; resend it instead.",
            code="already_invited",
            fields={"email": ["This address has a pending invitation."]},
        )
    _check_seats(team)
    expires_at = timezone.now() + INVITATION_TTL
    if invitation is None:
        invitation = Invitation.objects.create(
            team=team, email=email, role=role, invited_by=actor.user, expires_at=expires_at
        )
    else:  # expired: renew it, as the partial unique constraint allows one open invitation per address
        invitation.role, invitation.invited_by, invitation.expires_at = role, actor.user, expires_at
        invitation.save(update_fields=["role", "invited_by", "expires_at", "updated_at"])
    invitation.team = team
    audit_record(
        team=team,
        actor=actor.user,
        action=AuditAction.MEMBER_INVITED,
        data={"email": email, "role": role.value, "invitation_id": str(invitation.pk)},
    )
    _mail_invitation(invitation=invitation, inviter=actor.user, base_url=base_url)
    return invitation


@transaction.atomic
def invitation_resend(*, actor: Membership, invitation_id: UUID | str, base_url: str) -> Invitation:
    """A new seven days and a new e-mail. An expired invitation takes a seat again."""
    team, actor = _lock(actor)
    invitation = selectors.invitation_get(team=team, invitation_id=invitation_id)
    if not invitation.is_open:
        error = _unusable(invitation)
        assert error is not None  # noqa: S101 - not open means accepted or revoked
        raise error
    if invitation.status == InvitationStatus.EXPIRED:
        _check_seats(team)
    invitation.expires_at = timezone.now() + INVITATION_TTL
    invitation.invited_by = actor.user
    invitation.save(update_fields=["expires_at", "invited_by", "updated_at"])
    audit_record(
        team=team,
        actor=actor.user,
        action=AuditAction.INVITATION_RESENT,
        data={"email": invitation.email, "role": invitation.role, "invitation_id": str(invitation.pk)},
    )
    _mail_invitation(invitation=invitation, inviter=actor.user, base_url=base_url)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Membership, invitation_id: UUID | str) -> None:
    team, actor = _lock(actor)
    invitation = selectors.invitation_get(team=team, invitation_id=invitation_id)
    if not invitation.is_open:
        error = _unusable(invitation)
        assert error is not None  # noqa: S101 - not open means accepted or revoked
        raise error
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        team=team,
        actor=actor.user,
        action=AuditAction.INVITATION_REVOKED,
        data={"email": invitation.email, "role": invitation.role, "invitation_id": str(invitation.pk)},
    )


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """Join the team the link invites to, once, as the address it was sent to."""
    found, link_expired = selectors.invitation_from_token(token)
    team = Team.objects.select_for_update().get(pk=found.team_id)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    invitation.team = team
    error = _unusable(invitation, link_expired=link_expired)
    if error is not None:
        raise error
    if user.email.lower() != invitation.email:
        raise PermissionDeniedError(
            f"This invitation was sent to {invitation.email}, and you are signed in as {user.email}. "
            "Sign in with the invited address, or ask for an invitation to yours.",
            code="invitation_email_mismatch",
        )
    if Membership.objects.filter(team=team, user=user).exists():
        raise ConflictError("You are already a member of this team.", code="already_member")
    if team.seat_limit is not None and Membership.objects.filter(team=team).count() >= team.seat_limit:
        raise ConflictError(
            "This team has no free seat left. Ask its owner to add seats, then open the link again.",
            code="seat_limit_reached",
        )
    membership = Membership.objects.create(team=team, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(
        team=team,
        actor=user,
        action=AuditAction.MEMBER_JOINED,
        target_user=user,
        data={
            "role": invitation.role,
            "invitation_id": str(invitation.pk),
            "invited_by": str(invitation.invited_by_id) if invitation.invited_by_id else None,
        },
    )
    return membership
