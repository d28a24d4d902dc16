from __future__ import annotations

from typing import Any

from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts import views as accounts_views
from accounts.models import User
from conditional.views import ConditionalMixin
from idempotency.views import IdempotentPostMixin
from integrity.rest_framework import BulkCreateMixin
from social.models import Follow
from social.serializers import FollowSerializer, UserWithCountsSerializer
from web.filters import IdFilter
from web.locations import CreatedLocationMixin


def _count(queryset: QuerySet[Follow]) -> Coalesce:
    # A correlated COUNT per row: no GROUP BY over a join, no N+1.
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(queryset: QuerySet[User]) -> QuerySet[User]:
    return queryset.annotate(
        followers_count=_count(Follow.objects.filter(to_user=OuterRef("pk"))),
        following_count=_count(Follow.objects.filter(from_user=OuterRef("pk"))),
    )


class UserViewSet(accounts_views.UserViewSet):
    def get_queryset(self) -> QuerySet[User]:
        return with_counts(super().get_queryset())

    def get_serializer_class(self) -> type[BaseSerializer[User]]:
        if self.action == "create":
            return super().get_serializer_class()
        return UserWithCountsSerializer

    @extend_schema(responses=UserWithCountsSerializer(many=True))
    @action(detail=True)
    def followers(self, request: Request, pk: str) -> Response:
        """List the users who follow this user."""
        user = self.get_object()
        return self._page(self.get_queryset().filter(following_relations__to_user=user))

    @extend_schema(responses=UserWithCountsSerializer(many=True))
    @action(detail=True)
    def following(self, request: Request, pk: str) -> Response:
        """List the users this user follows."""
        user = self.get_object()
        return self._page(self.get_queryset().filter(follower_relations__from_user=user))

    def _page(self, queryset: QuerySet[User]) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class FollowFilter(filters.FilterSet):  # type: ignore[misc]
    from_user = IdFilter(field_name="from_user_id")
    to_user = IdFilter(field_name="to_user_id")

    class Meta:
        model = Follow
        fields: list[str] = []


class IsFollowerOrStaff(permissions.BasePermission):
    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user.is_staff or obj.from_user_id == request.user.pk)


class FollowViewSet(
    IdempotentPostMixin,
    ConditionalMixin,
    CreatedLocationMixin,
    BulkCreateMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Follow],
):
    """Who follows whom. A self-follow or a repeated follow is refused by the database."""

    filterset_class = FollowFilter
    permission_classes = (permissions.IsAuthenticatedOrReadOnly, IsFollowerOrStaff)
    queryset = Follow.objects.all()
    serializer_class = FollowSerializer
