from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import exceptions, health, spa

api_v1 = [
    path("auth/", include("accounts.api.urls")),
    path("storage/", include("core.storage.urls")),
    path("", include("teams.api.urls")),
    path("teams/<uuid:team_id>/", include("documents.api.urls")),
    path("teams/<uuid:team_id>/", include("annotations.api.urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # An unknown API path answers in the API's error shape, also with DEBUG on.
    re_path(r"^api/", exceptions.json_not_found),
    # Everything else is a page of the single-page app, which routes it in the browser.
    re_path(r"^(?!api/|admin/|static/|media/|ws/).*$", spa.spa_index, name="spa"),
]

handler400 = exceptions.json_bad_request
handler404 = exceptions.json_not_found
handler500 = exceptions.json_server_error
