"""Mounted under /api/v1/teams/<team_id>/."""

from django.urls import path

from . import views

ANNOTATIONS = "documents/<uuid:document_id>/annotations"
ANNOTATION = f"{ANNOTATIONS}/<uuid:annotation_id>"

urlpatterns = [
    path(ANNOTATIONS, views.AnnotationListCreateApi.as_view(), name="annotation-list"),
    path(f"{ANNOTATIONS}/export", views.AnnotationExportApi.as_view(), name="annotation-export"),
    path(f"{ANNOTATIONS}/exports", views.AnnotationExportJobCreateApi.as_view(), name="annotation-export-job-create"),
    path(
        f"{ANNOTATIONS}/exports/<uuid:export_id>",
        views.AnnotationExportJobDetailApi.as_view(),
        name="annotation-export-job-detail",
    ),
    path(f"{ANNOTATIONS}/import", views.AnnotationImportApi.as_view(), name="annotation-import"),
    path(ANNOTATION, views.AnnotationDetailApi.as_view(), name="annotation-detail"),
    path(f"{ANNOTATION}/resolve", views.AnnotationResolveApi.as_view(), name="annotation-resolve"),
    path(f"{ANNOTATION}/reopen", views.AnnotationReopenApi.as_view(), name="annotation-reopen"),
    path(f"{ANNOTATION}/replies", views.ReplyCreateApi.as_view(), name="reply-create"),
    path(f"{ANNOTATION}/replies/<uuid:reply_id>", views.ReplyDetailApi.as_view(), name="reply-detail"),
    path("notifications", views.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/read", views.NotificationReadApi.as_view(), name="notification-read"),
]
