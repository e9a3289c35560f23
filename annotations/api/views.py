"""Annotation endpoints under ``/api/v1/teams/{team_id}/documents/{document_id}/annotations``.

Every method needs ``annotations.comment`` (every role) at the door; the services then check what
depends on the annotation (its kind, its author, ``annotations.delete_any``), and the selectors hide
other members' private annotations behind a 404.
"""

import json
from typing import Any, ClassVar
from uuid import UUID

from django.conf import settings
from django.http import HttpResponse, HttpResponseBase
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import exports, imports, selectors, services
from annotations.models import AnchorStatus, Annotation, AnnotationExport
from core.api.pagination import CursorPagination
from core.exceptions import ApplicationError
from core.storage import get_storage
from documents.selectors import document_brief_get
from teams.api.base import TeamScopedApi

from . import serializers as s

NO_CONTENT = {204: OpenApiResponse(description="Done")}
CONFLICT = OpenApiResponse(description="version_conflict: the body's `current` is the object as it is now")


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _out(annotation: Annotation) -> dict[str, Any]:
    """As the API shows it (``AnnotationOut`` documents it): with its people and thread, read again unless
    the service has them loaded. Built by the events' payload builder, as the list is: the same shape (a
    test keeps them equal) for a fraction of the serializer's time, which was most of a create request."""
    loaded = annotation if hasattr(annotation, "thread") else selectors.annotation_with_thread(annotation)
    return dict(services.annotation_payload(loaded))


class AnnotationListCreateApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "annotations.comment", "POST": "annotations.comment"}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "updated_after",
                OpenApiTypes.DATETIME,
                description="Catch-up: only those changed since, and the ids removed since (`deleted`). Pass "
                "the `cursor` of the last answer. Older than the removals kept, the answer is the whole "
                "list with `full` true: replace rather than merge.",
            ),
            OpenApiParameter(
                "anchor_status",
                OpenApiTypes.STR,
                enum=list(AnchorStatus.values),
                description="Only those placed on the current version of the file, or only those that could "
                "not be placed on it (orphaned). Not with `updated_after` (400).",
            ),
        ],
        operation_id="teams_documents_annotations_list",
        responses=s.AnnotationListOut,
        summary="The document's annotations you can see, with their threads, by page and position",
    )
    def get(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        filters = _valid(s.ListFilterIn, request.query_params)
        document_brief_get(team=self.team, document_id=document_id)
        changes = selectors.annotation_changes_for(
            user=self.user,
            team=self.team,
            document_id=document_id,
            updated_after=filters.get("updated_after"),
            anchor_status=filters.get("anchor_status"),
        )
        # The events' payload builder, not the serializer: the same shape (a test keeps them equal), built
        # straight from the loaded rows; 10,000 annotations take a fraction of the serializer's time.
        return Response(
            {
                "results": [services.annotation_payload(annotation) for annotation in changes.annotations],
                "deleted": {"annotations": changes.deleted_annotations, "replies": changes.deleted_replies},
                "cursor": changes.cursor,
                "full": changes.full,
            }
        )

    @extend_schema(
        request=s.AnnotationCreateIn,
        responses={201: s.AnnotationOut},
        summary="Highlight (editors and up), mark an area (editors and up) or pin a note (everyone)",
    )
    def post(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        annotation = services.annotation_create(
            actor=self.membership, document_id=document_id, **_valid(s.AnnotationCreateIn, request.data)
        )
        return Response(_out(annotation), status=status.HTTP_201_CREATED)


class AnnotationDetailApi(TeamScopedApi):
    team_permissions: ClassVar = {
        "GET": "annotations.comment",
        "PATCH": "annotations.comment",
        "DELETE": "annotations.comment",
    }

    @extend_schema(responses=s.AnnotationOut, summary="One annotation with its thread")
    def get(self, request: Request, team_id: UUID, document_id: UUID, annotation_id: UUID) -> Response:
        annotation = selectors.annotation_get_for(
            user=self.user, team=self.team, document_id=document_id, annotation_id=annotation_id
        )
        return Response(_out(annotation))

    @extend_schema(
        request=s.AnnotationUpdateIn,
        responses={200: s.AnnotationOut, 409: CONFLICT},
        summary="Edit your own annotation's text, colour or visibility, or (anyone) its assignee",
    )
    def patch(self, request: Request, team_id: UUID, document_id: UUID, annotation_id: UUID) -> Response:
        annotation = services.annotation_update(
            actor=self.membership,
            document_id=document_id,
            annotation_id=annotation_id,
            **_valid(s.AnnotationUpdateIn, request.data),
        )
        return Response(_out(annotation))

    @extend_schema(responses=NO_CONTENT, summary="Delete your own annotation (admins: anyone's)")
    def delete(self, request: Request, team_id: UUID, document_id: UUID, annotation_id: UUID) -> Response:
        services.annotation_delete(actor=self.membership, document_id=document_id, annotation_id=annotation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnnotationResolveApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "annotations.comment"}

    @extend_schema(request=None, responses=s.AnnotationOut, summary="Mark the thread resolved")
    def post(self, request: Request, team_id: UUID, document_id: UUID, annotation_id: UUID) -> Response:
        annotation = services.annotation_resolve(
            actor=self.membership, document_id=document_id, annotation_id=annotation_id
        )
        return Response(_out(annotation))


class AnnotationReopenApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "annotations.comment"}

    @extend_schema(request=None, responses=s.AnnotationOut, summary="Reopen a resolved thread")
    def post(self, request: Request, team_id: UUID, document_id: UUID, annotation_id: UUID) -> Response:
        annotation = services.annotation_reopen(
            actor=self.membership, document_id=document_id, annotation_id=annotation_id
        )
        return Response(_out(annotation))


class ReplyCreateApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "annotations.comment"}

    @extend_schema(request=s.ReplyIn, responses={201: s.ReplyOut}, summary="Reply in the thread")
    def post(self, request: Request, team_id: UUID, document_id: UUID, annotation_id: UUID) -> Response:
        reply = services.reply_create(
            actor=self.membership,
            document_id=document_id,
            annotation_id=annotation_id,
            **_valid(s.ReplyIn, request.data),
        )
        return Response(s.ReplyOut(reply).data, status=status.HTTP_201_CREATED)


class ReplyDetailApi(TeamScopedApi):
    team_permissions: ClassVar = {"PATCH": "annotations.comment", "DELETE": "annotations.comment"}

    @extend_schema(request=s.ReplyUpdateIn, responses={200: s.ReplyOut, 409: CONFLICT}, summary="Edit your own reply")
    def patch(
        self, request: Request, team_id: UUID, document_id: UUID, annotation_id: UUID, reply_id: UUID
    ) -> Response:
        reply = services.reply_update(
            actor=self.membership,
            document_id=document_id,
            annotation_id=annotation_id,
            reply_id=reply_id,
            **_valid(s.ReplyUpdateIn, request.data),
        )
        return Response(s.ReplyOut(reply).data)

    @extend_schema(responses=NO_CONTENT, summary="Delete your own reply (admins: anyone's)")
    def delete(
        self, request: Request, team_id: UUID, document_id: UUID, annotation_id: UUID, reply_id: UUID
    ) -> Response:
        services.reply_delete(
            actor=self.membership, document_id=document_id, annotation_id=annotation_id, reply_id=reply_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- export and import -----------------------------------------------------------------------------


class JsonLdParser(JSONParser):
    media_type = "application/ld+json"


class AnnotationExportApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "annotations.comment"}

    # ``?format=`` picks the export, not a DRF renderer (DRF would 404 an unknown one): negotiation is
    # fixed to JSON, so errors are JSON whatever was asked for; the export is a response of its own type.
    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["jsonld", "markdown", "pdf"], description="Default jsonld"
            )
        ],
        responses={
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            (200, "text/markdown"): OpenApiTypes.STR,
        },
        summary="The annotations you can see, as W3C Web Annotation JSON-LD or Markdown (the PDF: `exports`)",
    )
    def get(self, request: Request, team_id: UUID, document_id: UUID) -> HttpResponseBase:
        export = _valid(s.ExportIn, request.query_params)["format"]
        if export == "pdf":
            raise ApplicationError(
                "The annotated PDF is made in the background: POST to …/annotations/exports, then download it "
                "from …/annotations/exports/{id} when it is ready.",
                code="export_is_a_job",
            )
        document = document_brief_get(team=self.team, document_id=document_id)
        annotations = selectors.annotation_list_for(user=self.user, team=self.team, document_id=document_id)
        name = slugify(document.title)[:80] or "document"
        if export == "markdown":
            response = HttpResponse(
                exports.collection_markdown(document=document, annotations=annotations),
                content_type="text/markdown; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}-annotations.md"'
            return response
        collection = exports.collection_jsonld(document=document, annotations=annotations)
        response = HttpResponse(json.dumps(collection, ensure_ascii=False), content_type="application/ld+json")
        response["Content-Disposition"] = f'attachment; filename="{name}-annotations.jsonld"'
        return response


def _export_out(export: AnnotationExport, request: Request) -> dict[str, Any]:
    out: dict[str, Any] = {**exports.export_payload(export), "download_url": None, "expires_in": None}
    if export.state == AnnotationExport.State.READY:
        name = slugify(export.document.title)[:80] or "document"
        url = get_storage().download_url(
            key=export.storage_key, filename=f"{name}-annotated.pdf", expires_in=settings.DOWNLOAD_URL_EXPIRES
        )
        out["download_url"] = request.build_absolute_uri(url)
        out["expires_in"] = settings.DOWNLOAD_URL_EXPIRES
    return out


class AnnotationExportJobCreateApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "annotations.comment"}

    @extend_schema(
        request=s.ExportJobIn,
        responses={202: s.ExportOut},
        summary="Ask for a copy of the PDF with the annotations you can see; made in the background",
        description="Answers 202 with the export; you hear `annotation.export.finished` on /ws/ when it is "
        "ready or failed, and GET …/exports/{id} gives its download URL. One already being prepared for "
        "you is answered again.",
    )
    def post(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        _valid(s.ExportJobIn, request.data)
        export = exports.annotation_export_start(actor=self.membership, document_id=document_id)
        # Without a broker (make run) the task ran on commit already: answer how it is now.
        export.refresh_from_db()
        return Response(_export_out(export, request), status=status.HTTP_202_ACCEPTED)


class AnnotationExportJobDetailApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "annotations.comment"}

    @extend_schema(responses=s.ExportOut, summary="One of your exports: its state, and once ready its download")
    def get(self, request: Request, team_id: UUID, document_id: UUID, export_id: UUID) -> Response:
        export = selectors.annotation_export_get_for(
            user=self.user, team=self.team, document_id=document_id, export_id=export_id
        )
        return Response(_export_out(export, request))


class AnnotationImportApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "annotations.highlight"}
    parser_classes = (JSONParser, JsonLdParser)

    @extend_schema(
        request={"application/ld+json": OpenApiTypes.OBJECT, "application/json": OpenApiTypes.OBJECT},
        responses=s.ImportOut,
        summary="Import W3C Web Annotation JSON-LD (as exported); annotations already here are skipped",
    )
    def post(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        result = imports.annotations_import_jsonld(actor=self.membership, document_id=document_id, data=request.data)
        return Response(s.ImportOut(result).data)


# --- notifications ---------------------------------------------------------------------------------


class NotificationListApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "team.view"}

    @extend_schema(
        parameters=[
            OpenApiParameter("cursor", str, description="From `next` or `previous` of the last page."),
            OpenApiParameter("page_size", int, description="Up to 200; 50 by default."),
        ],
        responses=s.NotificationPageOut,
        operation_id="teams_notifications_list",
        summary="Your notifications in this team (mentions), newest first, with how many are unread",
    )
    def get(self, request: Request, team_id: UUID) -> Response:
        notifications = selectors.notification_list_for(user=self.user, team=self.team)
        paginator = CursorPagination()
        page = paginator.paginate_queryset(notifications, request, view=self)
        return Response(
            {
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": s.NotificationOut(page, many=True).data,
                "unread_count": notifications.filter(read_at__isnull=True).count(),
            }
        )


class NotificationReadApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "team.view"}

    @extend_schema(
        request=s.NotificationReadIn,
        responses=s.NotificationReadOut,
        summary="Mark your notifications read: those of `ids`, or all of them",
    )
    def post(self, request: Request, team_id: UUID) -> Response:
        marked = services.notification_mark_read(actor=self.membership, **_valid(s.NotificationReadIn, request.data))
        unread = selectors.notification_list_for(user=self.user, team=self.team).filter(read_at__isnull=True).count()
        return Response(s.NotificationReadOut({"marked": marked, "unread_count": unread}).data)
