"""Shapes of the teams API. Team outputs are built from the caller's membership, so that each
carries the caller's role and permissions there (the UI hides the controls the role lacks)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from teams.models import AuditEvent, Invitation, InvitationStatus, Membership
from teams.roles import INVITABLE_ROLES, PERMISSIONS, Role, permissions_of
from teams.selectors import team_seats_used
from teams.tokens import invitation_token

PERMISSION_NAMES = sorted(PERMISSIONS)


class UserRefOut(serializers.ModelSerializer[User]):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ("id", "name", "email")
        read_only_fields = fields


class TeamOut(serializers.ModelSerializer[Membership]):
    """One of the caller's teams, built from the caller's membership of it."""

    id = serializers.UUIDField(source="team.id", read_only=True)
    name = serializers.CharField(source="team.name", read_only=True)
    slug = serializers.CharField(source="team.slug", read_only=True)
    personal = serializers.BooleanField(source="team.personal", read_only=True)
    created_at = serializers.DateTimeField(source="team.created_at", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True, help_text="The caller's role here.")

    class Meta:
        model = Membership
        fields: tuple[str, ...] = ("id", "name", "slug", "personal", "created_at", "role")
        read_only_fields = fields


class TeamDetailOut(TeamOut):
    seat_limit = serializers.IntegerField(
        source="team.seat_limit", read_only=True, allow_null=True, help_text="null: unlimited."
    )
    seats_used = serializers.SerializerMethodField(help_text="Members plus pending invitations.")
    permissions = serializers.SerializerMethodField(help_text="What the caller's role may do here.")

    class Meta(TeamOut.Meta):
        fields = (*TeamOut.Meta.fields, "seat_limit", "seats_used", "permissions")

    def get_seats_used(self, membership: Membership) -> int:
        return team_seats_used(team=membership.team)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=PERMISSION_NAMES)))
    def get_permissions(self, membership: Membership) -> list[str]:
        return permissions_of(membership.role)


class TeamListOut(serializers.Serializer[None]):
    results = TeamOut(many=True)


class TeamIn(serializers.Serializer[None]):
    name = serializers.CharField(max_length=100)


class MemberOut(serializers.ModelSerializer[Membership]):
    user = UserRefOut(read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ("id", "user", "role", "joined_at")
        read_only_fields = fields


class MemberListOut(serializers.Serializer[None]):
    results = MemberOut(many=True)


class MemberRoleIn(serializers.Serializer[None]):
    role = serializers.ChoiceField(choices=Role.choices)


class TransferOwnershipIn(serializers.Serializer[None]):
    membership_id = serializers.UUIDField(help_text="The member who becomes an owner; you become an admin.")


class InvitationOut(serializers.ModelSerializer[Invitation]):
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    status = serializers.ChoiceField(
        choices=InvitationStatus.choices, read_only=True, help_text="Lists show open invitations: pending or expired."
    )
    invited_by = UserRefOut(read_only=True, allow_null=True)

    class Meta:
        model = Invitation
        fields = ("id", "email", "role", "status", "invited_by", "created_at", "expires_at")
        read_only_fields = fields


class InvitationListOut(serializers.Serializer[None]):
    results = InvitationOut(many=True)


class InvitationIn(serializers.Serializer[None]):
    email = serializers.EmailField(max_length=254)
    # The schema shares one Role enum across the API; "owner" is refused here with a reason.
    role = serializers.ChoiceField(choices=Role.choices, help_text="admin, editor or viewer.")

    def validate_role(self, value: str) -> str:
        if value not in INVITABLE_ROLES:
            raise serializers.ValidationError(
                "Invitations make admins, editors or viewers; make a member an owner from the member list."
            )
        return value


class InvitationPreviewOut(serializers.Serializer[Invitation]):
    """What the invitation page shows before anyone signs in."""

    team_name = serializers.CharField(source="team.name", read_only=True)
    inviter_name = serializers.SerializerMethodField()
    email = serializers.EmailField(read_only=True, help_text="The invited address: sign up or log in with it.")
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    status = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField(read_only=True)

    def get_inviter_name(self, invitation: Invitation) -> str | None:
        return invitation.invited_by.name if invitation.invited_by else None

    @extend_schema_field(serializers.ChoiceField(choices=InvitationStatus.choices))
    def get_status(self, invitation: Invitation) -> str:
        # The link's own age counts too: an old link is expired even when the row was renewed.
        return "expired" if self.context.get("link_expired") and invitation.is_open else str(invitation.status)


class MyInvitationOut(serializers.ModelSerializer[Invitation]):
    """An invitation to the caller's own address, with the token its e-mailed link carries: the app
    opens the same invitation page from it."""

    team_name = serializers.CharField(source="team.name", read_only=True)
    inviter_name = serializers.SerializerMethodField()
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    token = serializers.SerializerMethodField(help_text="For POST /api/v1/invitations/accept, as in the e-mail.")

    class Meta:
        model = Invitation
        fields = ("id", "team_name", "inviter_name", "role", "expires_at", "token")
        read_only_fields = fields

    def get_inviter_name(self, invitation: Invitation) -> str | None:
        return invitation.invited_by.name if invitation.invited_by else None

    def get_token(self, invitation: Invitation) -> str:
        return invitation_token(str(invitation.pk))


class MyInvitationListOut(serializers.Serializer[None]):
    results = MyInvitationOut(many=True)


class InvitationAcceptIn(serializers.Serializer[None]):
    token = serializers.CharField(max_length=1024)


class AuditEventOut(serializers.ModelSerializer[AuditEvent]):
    actor = UserRefOut(read_only=True, allow_null=True)
    target_user = UserRefOut(read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ("id", "action", "created_at", "actor", "target_user", "data")
        read_only_fields = fields


class AuditLogPageOut(serializers.Serializer[None]):
    next = serializers.URLField(allow_null=True, help_text="The next (older) page, or null.")
    previous = serializers.URLField(allow_null=True)
    results = AuditEventOut(many=True)
