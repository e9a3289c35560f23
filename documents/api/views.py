"""Documents endpoints under ``/api/v1/teams/{team_id}/``: uploads, the library, pages, downloads."""

import hashlib
from typing import Any, ClassVar
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.utils.http import quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.pagination import CursorPagination
from core.storage import get_storage
from documents import selectors, services
from documents.models import Document
from teams.api.base import TeamScopedApi

from . import serializers as s

NO_CONTENT = {204: OpenApiResponse(description="Done")}
PAGES_PER_REQUEST = 50


def _valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


# --- uploads -------------------------------------------------------------------------------------


class UploadStartApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "documents.upload"}

    @extend_schema(
        request=s.UploadStartIn,
        responses={201: s.UploadOut},
        summary="Start an upload: checks the plan's limits and returns where to send the file",
    )
    def post(self, request: Request, team_id: UUID) -> Response:
        start = services.document_upload_start(actor=self.membership, **_valid(s.UploadStartIn, request))
        return Response(s.UploadOut(start).data, status=status.HTTP_201_CREATED)


class UploadCompleteApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "documents.upload"}

    @extend_schema(
        request=s.UploadCompleteIn,
        responses={201: s.DocumentOut},
        summary="Finish an upload: verifies the stored file and queues its parse",
    )
    def post(self, request: Request, team_id: UUID, upload_id: UUID) -> Response:
        parts = [(part["part_number"], part["etag"]) for part in _valid(s.UploadCompleteIn, request).get("parts", [])]
        document = services.document_upload_complete(actor=self.membership, upload_id=upload_id, parts=parts)
        return Response(s.DocumentOut(document).data, status=status.HTTP_201_CREATED)


class UploadAbortApi(TeamScopedApi):
    team_permissions: ClassVar = {"DELETE": "documents.upload"}

    @extend_schema(responses=NO_CONTENT, summary="Abandon an upload and drop what was stored of it")
    def delete(self, request: Request, team_id: UUID, upload_id: UUID) -> Response:
        services.document_upload_abort(actor=self.membership, upload_id=upload_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the library ---------------------------------------------------------------------------------


class DocumentPagination(CursorPagination):
    page_size = 50

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return selectors.ORDERINGS.get(request.query_params.get("ordering", ""), selectors.ORDERINGS["-created_at"])


class DocumentListApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "documents.view"}

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(Document.State.values)),
            OpenApiParameter("tag", str),
            OpenApiParameter("collection", OpenApiTypes.UUID),
            OpenApiParameter("uploader", OpenApiTypes.UUID),
            OpenApiParameter("ordering", str, enum=list(selectors.ORDERINGS)),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        operation_id="teams_documents_list",
        responses=s.DocumentPageOut,
        summary="The team's documents, newest first (cursor-paginated)",
    )
    def get(self, request: Request, team_id: UUID) -> Response:
        filters = s.DocumentFilterIn(data=request.query_params)
        filters.is_valid(raise_exception=True)
        chosen = filters.validated_data
        documents = selectors.document_list(
            team=self.team,
            state=chosen.get("state"),
            tag=chosen.get("tag"),
            collection_id=chosen.get("collection"),
            uploader_id=chosen.get("uploader"),
        )
        paginator = DocumentPagination()
        page = paginator.paginate_queryset(documents, request, view=self)
        return paginator.get_paginated_response(s.DocumentOut(page, many=True).data)


def _etag(document: Document, *parts: object) -> str:
    digest = hashlib.blake2s(f"{document.pk}:{document.updated_at.isoformat()}:{parts}".encode()).hexdigest()
    return quote_etag(digest[:32])


def _cached(request: Request, etag: str, build: Any) -> Response:
    """304 when the browser has this version; else the body, from Redis when another member asked first."""
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    key = f"documents:{etag}"
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, timeout=3600)
    return Response(data, headers={"ETag": etag, "Cache-Control": "private, no-cache"})


class DocumentDetailApi(TeamScopedApi):
    team_permissions: ClassVar = {
        "GET": "documents.view",
        "PATCH": "documents.edit_own",
        "DELETE": "documents.edit_own",
    }

    @extend_schema(responses=s.DocumentDetailOut, summary="A document with its metadata and outline")
    def get(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        document = selectors.document_brief_get(team=self.team, document_id=document_id)
        return _cached(
            request,
            _etag(document, "detail"),
            lambda: s.DocumentDetailOut(selectors.document_get(team=self.team, document_id=document_id)).data,
        )

    @extend_schema(request=s.DocumentUpdateIn, responses=s.DocumentDetailOut, summary="Rename, tag or file")
    def patch(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        services.document_update(actor=self.membership, document_id=document_id, **_valid(s.DocumentUpdateIn, request))
        document = selectors.document_get(team=self.team, document_id=document_id)
        return Response(s.DocumentDetailOut(document).data)

    @extend_schema(responses=NO_CONTENT, summary="Delete the document and its file")
    def delete(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        services.document_delete(actor=self.membership, document_id=document_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentRetryApi(TeamScopedApi):
    team_permissions: ClassVar = {"POST": "documents.upload"}

    @extend_schema(
        request=None,
        responses={202: s.DocumentOut},
        summary="Parse a failed document again",
        description="Only when its error is `retryable` (storage was unreachable, or the time budget ran out); "
        "`409 not_failed` for a document that did not fail, `409 not_retryable` for a file that would fail "
        "the same way.",
    )
    def post(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        document = services.document_retry(actor=self.membership, document_id=document_id)
        return Response(s.DocumentOut(document).data, status=status.HTTP_202_ACCEPTED)


class DocumentPagesApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "documents.view"}

    @extend_schema(
        parameters=[OpenApiParameter("start", int), OpenApiParameter("stop", int)],
        responses=s.PageListOut,
        summary=f"The text of pages [start, stop), at most {PAGES_PER_REQUEST} at a time",
    )
    def get(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        window = s.PageWindowIn(data=request.query_params)
        window.is_valid(raise_exception=True)
        start = window.validated_data["start"]
        stop = min(window.validated_data.get("stop") or start + PAGES_PER_REQUEST, start + PAGES_PER_REQUEST)
        document = selectors.document_brief_get(team=self.team, document_id=document_id)
        return _cached(
            request,
            _etag(document, "pages", start, stop),
            lambda: {
                "results": s.PageOut(selectors.page_list(document=document, start=start, stop=stop), many=True).data
            },
        )


class DocumentDownloadApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "documents.view"}

    @extend_schema(
        parameters=[OpenApiParameter("inline", bool, description="For the reader: no attachment header")],
        responses=s.DownloadOut,
        summary="A short-lived URL of the PDF itself",
    )
    def get(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        document = selectors.document_brief_get(team=self.team, document_id=document_id)
        inline = request.query_params.get("inline") in {"1", "true"}
        url = get_storage().download_url(
            key=document.storage_key,
            filename=document.filename,
            expires_in=settings.DOWNLOAD_URL_EXPIRES,
            inline=inline,
        )
        return Response({"url": request.build_absolute_uri(url), "expires_in": settings.DOWNLOAD_URL_EXPIRES})


# --- versions ------------------------------------------------------------------------------------


class DocumentVersionListApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "documents.view"}

    @extend_schema(
        responses=s.VersionListOut,
        operation_id="teams_documents_versions_list",
        summary="Every file the document has had, newest first",
    )
    def get(self, request: Request, team_id: UUID, document_id: UUID) -> Response:
        versions = selectors.version_list(team=self.team, document_id=document_id)
        return Response({"results": s.VersionOut(versions, many=True).data})


class DocumentVersionDownloadApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "documents.view"}

    @extend_schema(
        parameters=[OpenApiParameter("inline", bool, description="No attachment header")],
        responses=s.DownloadOut,
        summary="A short-lived URL of one version's PDF",
    )
    def get(self, request: Request, team_id: UUID, document_id: UUID, version_number: int) -> Response:
        version = selectors.version_get(team=self.team, document_id=document_id, number=version_number)
        url = get_storage().download_url(
            key=version.storage_key,
            filename=version.filename,
            expires_in=settings.DOWNLOAD_URL_EXPIRES,
            inline=request.query_params.get("inline") in {"1", "true"},
        )
        return Response({"url": request.build_absolute_uri(url), "expires_in": settings.DOWNLOAD_URL_EXPIRES})


# --- tags and collections ------------------------------------------------------------------------


class TagListApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "documents.view"}

    @extend_schema(responses=s.TagListOut, summary="The team's tags")
    def get(self, request: Request, team_id: UUID) -> Response:
        return Response({"results": s.TagOut(selectors.tag_list(team=self.team), many=True).data})


class CollectionListCreateApi(TeamScopedApi):
    team_permissions: ClassVar = {"GET": "documents.view", "POST": "documents.upload"}

    @extend_schema(responses=s.CollectionListOut, summary="The team's collections")
    def get(self, request: Request, team_id: UUID) -> Response:
        return Response({"results": s.CollectionOut(selectors.collection_list(team=self.team), many=True).data})

    @extend_schema(request=s.CollectionIn, responses={201: s.CollectionOut}, summary="Create a collection")
    def post(self, request: Request, team_id: UUID) -> Response:
        collection = services.collection_create(actor=self.membership, **_valid(s.CollectionIn, request))
        return Response(s.CollectionOut(collection).data, status=status.HTTP_201_CREATED)


class CollectionDetailApi(TeamScopedApi):
    team_permissions: ClassVar = {"DELETE": "documents.delete_any"}

    @extend_schema(responses=NO_CONTENT, summary="Delete a collection (its documents stay)")
    def delete(self, request: Request, team_id: UUID, collection_id: UUID) -> Response:
        services.collection_delete(actor=self.membership, collection_id=collection_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
