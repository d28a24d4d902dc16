from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from scoring.models import DurationScore, Event, PointsScore, Score


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ["id", "title", "start_at", "end_at", "created_by"]
    list_filter = ["start_at"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_by"]
    search_fields = ["title"]

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin[Score]):
    list_display = ["id", "type", "value_points", "value_duration", "owner", "event"]
    list_filter = ["type"]
    list_select_related = ["owner", "event"]
    raw_id_fields = ["owner", "event"]
    search_fields = ["owner__username", "event__title"]


class TypedScoreAdmin(admin.ModelAdmin[Score]):
    list_select_related = ["owner", "event"]
    raw_id_fields = ["owner", "event"]
    search_fields = ["owner__username", "event__title"]


@admin.register(PointsScore)
class PointsScoreAdmin(TypedScoreAdmin):
    exclude = ["type", "value_duration"]
    list_display = ["id", "value_points", "owner", "event"]


@admin.register(DurationScore)
class DurationScoreAdmin(TypedScoreAdmin):
    exclude = ["type", "value_points"]
    list_display = ["id", "value_duration", "owner", "event"]
