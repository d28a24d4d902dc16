from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import User
from integrity.rest_framework.serializers import ConstraintModelSerializer
from scoring.models import VALUE_COLUMNS, DurationScore, Event, PointsScore, Score, ScoreType

SCORE_TYPE_CHOICES = [(t.name.lower(), t.label) for t in ScoreType]


class ScoreTypeField(serializers.ChoiceField):
    """The score type by name ("points", "duration"), stored as its integer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(SCORE_TYPE_CHOICES, **kwargs)

    def to_internal_value(self, data: Any) -> ScoreType:  # type: ignore[override]
        return ScoreType[str(super().to_internal_value(data)).upper()]

    def to_representation(self, value: Any) -> str:
        return ScoreType(value).name.lower()


class EventSerializer(ConstraintModelSerializer[Event]):
    class Meta:
        model = Event
        fields = ["id", "title", "start_at", "end_at", "created_by"]
        # Empty titles are the database's to refuse, under the rule's own code.
        extra_kwargs = {"title": {"allow_blank": True}}
        constraint_attrs = {"scoring_event_start_at_before_end_at": "end_at"}


class ScoreSerializer(ConstraintModelSerializer[Score]):
    type = ScoreTypeField()
    owner = serializers.PrimaryKeyRelatedField[User](read_only=True)

    class Meta:
        model = Score
        fields = ["id", "type", "value_points", "value_duration", "event", "owner"]


class TypedScoreSerializer(ConstraintModelSerializer[Score]):
    """A typed proxy's view: one ``value``, the column of the proxy's type."""

    owner = serializers.PrimaryKeyRelatedField[User](read_only=True)
    type = ScoreTypeField(read_only=True)

    class Meta:
        fields = ["id", "type", "value", "event", "owner"]

    def build_unknown_field(  # type: ignore[override]
        self, field_name: str, model_class: Any
    ) -> tuple[Any, dict[str, Any]]:
        if field_name != "value":
            return super().build_unknown_field(field_name, model_class)
        column = VALUE_COLUMNS[model_class.score_type]
        field_class, kwargs = self.build_standard_field(column, model_class._meta.get_field(column))
        kwargs.update(source=column, required=True, allow_null=False)
        return field_class, kwargs


class PointsScoreSerializer(TypedScoreSerializer):
    class Meta(TypedScoreSerializer.Meta):
        model = PointsScore


class DurationScoreSerializer(TypedScoreSerializer):
    class Meta(TypedScoreSerializer.Meta):
        model = DurationScore
