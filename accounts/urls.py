from __future__ import annotations

from django.urls import path

from accounts.views import TokenView

# The users routes are served by social.urls: a user's representation carries
# follower counts, and the dependency runs social -> accounts, never back.
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
]
