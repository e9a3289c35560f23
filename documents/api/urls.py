"""Mounted under /api/v1/teams/<team_id>/."""

from django.urls import path

from . import views

urlpatterns = [
    path("documents", views.DocumentListApi.as_view(), name="document-list"),
    path("documents/uploads", views.UploadStartApi.as_view(), name="document-upload-start"),
    path("documents/uploads/<uuid:upload_id>", views.UploadAbortApi.as_view(), name="document-upload-abort"),
    path(
        "documents/uploads/<uuid:upload_id>/complete",
        views.UploadCompleteApi.as_view(),
        name="document-upload-complete",
    ),
    path("documents/<uuid:document_id>", views.DocumentDetailApi.as_view(), name="document-detail"),
    path("documents/<uuid:document_id>/pages", views.DocumentPagesApi.as_view(), name="document-pages"),
    path("documents/<uuid:document_id>/download", views.DocumentDownloadApi.as_view(), name="document-download"),
    path("documents/<uuid:document_id>/versions", views.DocumentVersionListApi.as_view(), name="document-versions"),
    path(
        "documents/<uuid:document_id>/versions/<int:version_number>/download",
        views.DocumentVersionDownloadApi.as_view(),
        name="document-version-download",
    ),
    path("documents/<uuid:document_id>/retry", views.DocumentRetryApi.as_view(), name="document-retry"),
    path("tags", views.TagListApi.as_view(), name="tag-list"),
    path("collections", views.CollectionListCreateApi.as_view(), name="collection-list"),
    path("collections/<uuid:collection_id>", views.CollectionDetailApi.as_view(), name="collection-detail"),
]
