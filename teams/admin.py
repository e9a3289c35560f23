"""Read-mostly admin for support staff. Changes to members and invitations belong to the services
(they write the audit log and send mail), so the admin shows these rows without editing them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, Invitation, Membership, Team


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "slug", "personal", "seat_limit", "created_at")
    search_fields = ("name", "slug")
    fields = ("name", "slug", "personal", "seat_limit", "created_by")
    readonly_fields = ("slug", "personal", "created_by")


@admin.register(Membership)
class MembershipAdmin(_ReadOnly):
    list_display = ("team", "user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("team__name", "user__email")


@admin.register(Invitation)
class InvitationAdmin(_ReadOnly):
    list_display = ("team", "email", "role", "expires_at", "accepted_at", "revoked_at")
    search_fields = ("team__name", "email")


@admin.register(AuditEvent)
class AuditEventAdmin(_ReadOnly):
    list_display = ("team", "action", "actor", "target_user", "created_at")
    list_filter = ("action",)
    search_fields = ("team__name", "actor__email", "target_user__email")
