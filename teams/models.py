"""Teams, who belongs to them in which role, invitations to join, and the team's audit log."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import BaseModel

from .roles import INVITABLE_ROLES, Role


class Team(BaseModel):
    """A workspace. Everything a research team owns (documents, annotations, billing) hangs off it."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Created at sign-up for the user alone; otherwise an ordinary team.
    personal = models.BooleanField(default=False)
    # Members plus pending invitations may not exceed it; None means unlimited. Set by billing.
    seat_limit = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """One user in one team, in one role. Its id (not the user's) names a member in team URLs."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["team", "user"], name="teams_membership_unique_team_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="teams_membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id} as {self.role}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class Invitation(BaseModel):
    """An e-mailed offer to join a team in a role. Single-use: ``accepted_at`` is set once.

    "Open" means neither accepted nor revoked; an open invitation past ``expires_at`` is expired and
    can be renewed (resent) but not accepted. At most one open invitation exists per team and address.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)  # stored lower-cased
    role = models.CharField(max_length=16, choices=[(role.value, role.label) for role in INVITABLE_ROLES])
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["team", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="teams_invitation_one_open_per_team_email",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[role.value for role in INVITABLE_ROLES]), name="teams_invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.team_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING


class AuditAction(models.TextChoices):
    """The actions teams records. Later apps record their own (``document.uploaded``) through
    ``teams.services.audit_record``; ``AuditEvent.action`` is therefore not limited to these."""

    TEAM_CREATED = "team.created", "Team created"
    TEAM_UPDATED = "team.updated", "Team updated"
    TEAM_OWNERSHIP_TRANSFERRED = "team.ownership_transferred", "Ownership transferred"
    MEMBER_INVITED = "member.invited", "Member invited"
    MEMBER_JOINED = "member.joined", "Member joined"
    MEMBER_REMOVED = "member.removed", "Member removed"
    MEMBER_LEFT = "member.left", "Member left"
    MEMBER_ROLE_CHANGED = "member.role_changed", "Role changed"
    INVITATION_RESENT = "invitation.resent", "Invitation resent"
    INVITATION_REVOKED = "invitation.revoked", "Invitation revoked"


class AuditEvent(BaseModel):
    """Who did what in a team. Written by services in the same transaction as the change itself."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["team", "-created_at"], name="teams_audit_team_created_idx")]

    def __str__(self) -> str:
        return f"{self.action} in {self.team_id}"
