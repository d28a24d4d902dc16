from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import APIRootView

from web.docs import RedocView, SwaggerView
from web.health import LiveView, ReadyView

# GET /api/: a link to every resource and to the documentation (DRF's root view,
# left out of the schema as DRF leaves it out).
index = APIRootView.as_view(
    api_root_dict={
        "users": "user-list",
        "follows": "follow-list",
        "events": "event-list",
        "scores": "score-list",
        "point-scores": "points-score-list",
        "duration-scores": "duration-score-list",
        "remote-api-account": "remote-api-account",
        "auth-token": "auth-token",
        "health-live": "health-live",
        "health-ready": "health-ready",
        "schema": "schema",
        "docs": "swagger-ui",
        "redoc": "redoc",
    }
)

api_patterns: list[URLPattern | URLResolver] = [
    path("", index, name="api-root"),
    path("", include("accounts.urls")),
    path("", include("social.urls")),
    path("", include("scoring.urls")),
    path("health/live/", LiveView.as_view(), name="health-live"),
    path("health/ready/", ReadyView.as_view(), name="health-ready"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("api/auth/session/", include("rest_framework.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "web.errors.bad_request"
handler403 = "web.errors.permission_denied"
handler404 = "web.errors.not_found"
handler500 = "web.errors.server_error"
