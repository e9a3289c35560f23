"""Annotation endpoints under ``/api/v1/teams/{team_id}/documents/{document_id}/annotations``.

Every method needs ``annotations.comment`` (every role) at the door; the services then check what
depends on the annotation (its kind, its author, ``annotations.delete_any``), and the selectors hide
other members' private annotations behind a 404.
"""

from typing import Any, ClassVar
from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import selectors, services
from annotations.models import Annotation
from teams.api.base import TeamScopedApi

from . import serializers as s

NO_CONTENT = {204: OpenApiResponse(description="Done")}
CONFLICT = OpenApiResponse(description="version_conflict: the body's `current` is the object as it is now")


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _out(annotation: Annotation) -> dict[str, Any]:
    return dict(s.AnnotationOut(selectors.annotation_with_thread(annotation)).data)


class AnnotationListCreateApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "annotations.comment", "POST": "annotations.comment"}

    @extend_schema(
        parameters=[
            OpenApiParameter("updated_after", OpenApiTypes.DATETIME, description="Only those changed since (catch-up)")
        ],
        operation_id="teams_documents_annotations_list",
        responses=s.AnnotationListOut,
        summary="The document's annotations you can see, with their threads, by page and position",
    )
    def get(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        filters = _valid(s.ListFilterIn, request.query_params)
        selectors.annotated_document_get(team=self.team, document_id=document_id)
        annotations = selectors.annotation_list_for(
            user=self.user, team=self.team, document_id=document_id, updated_after=filters.get("updated_after")
        )
        return Response({"results": s.AnnotationOut(annotations, many=True).data})

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
