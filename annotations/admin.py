"""Read-only admin for support staff: annotations change through the services (versions, events)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Annotation, Notification, Reply


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Annotation)
class AnnotationAdmin(_ReadOnly):
    list_display = ("document", "page_index", "kind", "visibility", "author", "version", "updated_at")
    list_filter = ("kind", "visibility")
    raw_id_fields = ("team", "document", "author", "assignee", "resolved_by")


@admin.register(Reply)
class ReplyAdmin(_ReadOnly):
    list_display = ("annotation", "author", "version", "created_at")
    raw_id_fields = ("annotation", "author")


@admin.register(Notification)
class NotificationAdmin(_ReadOnly):
    list_display = ("recipient", "kind", "team", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("team", "recipient", "annotation", "reply", "actor")
