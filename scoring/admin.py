from __future__ import annotations

from django.contrib import admin

from scoring.models import DurationScore, Event, PointsScore, Score


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ["id", "title", "start_at", "end_at"]
    list_filter = ["start_at"]
    search_fields = ["title"]


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
