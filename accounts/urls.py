from __future__ import annotations

from django.urls import path

from accounts.remote_views import RemoteAPIAccountView, RemoteAPIRefreshView
from accounts.views import TokenView

# The users routes are served by social.urls: a user's representation carries
# follower counts, and the dependency runs social -> accounts, never back.
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("remote-api-account/", RemoteAPIAccountView.as_view(), name="remote-api-account"),
    path(
        "remote-api-account/refresh/",
        RemoteAPIRefreshView.as_view(),
        name="remote-api-account-refresh",
    ),
]
