"""The follow routes and the floor in django-ninja, with a hand-written IntegrityError -> 400."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import APIKeyHeader
from rest_framework.authtoken.models import Token

from social.models import Follow


class TokenAuth(APIKeyHeader):
    """``Authorization: Token <key>``, the header the service and stock DRF read."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key or not key.startswith("Token "):
            return None
        token = Token.objects.select_related("user").filter(key=key[6:]).first()
        return token.user if token is not None and token.user.is_active else None


api = NinjaAPI(auth=TokenAuth(), docs_url=None, openapi_url=None)


class FollowIn(Schema):
    to_user: int


class FollowOut(Schema):
    id: int
    from_user: int
    to_user: int
    created_at: dt.datetime

    @staticmethod
    def resolve_from_user(follow: Follow) -> int:
        return follow.from_user_id

    @staticmethod
    def resolve_to_user(follow: Follow) -> int:
        return follow.to_user_id


class Error(Schema):
    code: str
    detail: str


# What a ninja user maps: each constraint's name to its message.
MESSAGES = {
    "social_follow_prevent_self_follow": "Users cannot follow themselves.",
    "social_follow_unique_relationships": "You already follow this user.",
}


@api.get("/follows/", response=list[FollowOut])
@paginate(PageNumberPagination, page_size=20)
def list_follows(request: HttpRequest) -> Any:
    return Follow.objects.order_by("-id")


@api.post("/follows/", response={201: FollowOut, 400: Error})
def create_follow(request: HttpRequest, payload: FollowIn) -> Any:
    try:
        user = request.auth  # type: ignore[attr-defined]
        follow = Follow.objects.create(from_user=user, to_user_id=payload.to_user)
    except IntegrityError as exc:
        name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
        return 400, {"code": name, "detail": MESSAGES.get(name, "The request breaks a rule.")}
    return 201, follow


@api.get("/health/live/", auth=None)
def live(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


@api.get("/health/ready/", auth=None)
def ready(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


urlpatterns = [path("api/", api.urls)]
