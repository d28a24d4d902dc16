from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import permissions, viewsets
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from conditional.views import ConditionalMixin
from idempotency.views import IdempotentPostMixin
from integrity.rest_framework import BulkCreateMixin
from scoring.models import DurationScore, Event, PointsScore, Score, ScoreType
from scoring.serializers import (
    SCORE_TYPE_CHOICES,
    DurationScoreSerializer,
    EventSerializer,
    PointsScoreSerializer,
    ScoreSerializer,
)
from web.filters import IdFilter
from web.locations import CreatedLocationMixin


class IsCreatorOrStaff(permissions.BasePermission):
    message = _("Only the event's creator or staff may change or delete it.")

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        creator = obj.created_by_id
        return bool(request.user.is_staff or (creator is not None and creator == request.user.pk))


class IsOwnerOrStaff(permissions.BasePermission):
    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user.is_staff or obj.owner_id == request.user.pk)


class EventViewSet(
    IdempotentPostMixin, ConditionalMixin, CreatedLocationMixin, viewsets.ModelViewSet[Event]
):
    """Events: anyone signed in adds one; its creator or staff change or delete it."""

    permission_classes = (permissions.IsAuthenticatedOrReadOnly, IsCreatorOrStaff)
    queryset = Event.objects.all()
    serializer_class = EventSerializer

    def perform_create(self, serializer: BaseSerializer[Event]) -> None:
        serializer.save(created_by=self.request.user)


class TypedScoreFilter(filters.FilterSet):  # type: ignore[misc]
    event = IdFilter(field_name="event_id")
    owner = IdFilter(field_name="owner_id")

    class Meta:
        model = Score
        fields: list[str] = []


class ScoreFilter(TypedScoreFilter):
    type = filters.ChoiceFilter(choices=SCORE_TYPE_CHOICES, method="filter_type")

    def filter_type(self, queryset: QuerySet[Score], name: str, value: str) -> QuerySet[Score]:
        return queryset.filter(type=ScoreType[value.upper()])


class ScoreViewSet(
    IdempotentPostMixin,
    ConditionalMixin,
    CreatedLocationMixin,
    BulkCreateMixin,
    viewsets.ModelViewSet[Score],
):
    """Scores: points or a duration. Only the owner or staff change or delete one."""

    filterset_class: type[filters.FilterSet] | None = ScoreFilter
    permission_classes = (permissions.IsAuthenticatedOrReadOnly, IsOwnerOrStaff)
    queryset = Score.objects.all()
    serializer_class: type[BaseSerializer[Score]] = ScoreSerializer

    def perform_create(self, serializer: BaseSerializer[Score]) -> None:
        serializer.save(owner=self.request.user)


class PointsScoreViewSet(ScoreViewSet):
    """Scores of type points, with the points as ``value``."""

    filterset_class = TypedScoreFilter
    queryset = PointsScore.objects.all()
    serializer_class = PointsScoreSerializer


class DurationScoreViewSet(ScoreViewSet):
    """Scores of type duration, with the duration as ``value``."""

    filterset_class = TypedScoreFilter
    queryset = DurationScore.objects.all()
    serializer_class = DurationScoreSerializer
