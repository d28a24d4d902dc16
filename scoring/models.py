from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from conditional.versions import Versioned
from integrity.conditions import not_blank, value_column_matches
from integrity.constraints import UniqueNullsNotDistinct
from integrity.fields import CheckedCharField, CheckedDurationField, CheckedIntegerField


class Event(Versioned):
    title = CheckedCharField(
        max_length=200,
        condition=not_blank("title"),
        check_name="title_not_empty",
        check_message=_("The title must not be empty or only whitespace."),
    )
    start_at = models.DateField(null=True, blank=True)
    end_at = models.DateField(null=True, blank=True)
    # Who may change or delete the event besides staff; none for events from
    # before creators were recorded, or whose creator was deleted: staff only.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="created_events",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_start_at_before_end_at",
                condition=models.Q(start_at__lt=models.F("end_at")),
                violation_error_message=_("The event must start before it ends."),
            ),
            UniqueNullsNotDistinct(
                name="%(app_label)s_%(class)s_unique_event_dates",
                fields=["start_at", "end_at"],
                violation_error_message=_("Another event has the same dates."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)


class ScoreType(models.IntegerChoices):
    POINTS = 1, "Points"
    DURATION = 2, "Duration"


# The value column of each type. A new type is a new column and an entry here;
# the CHECK below is generated from this mapping.
VALUE_COLUMNS: dict[ScoreType, str] = {
    ScoreType.POINTS: "value_points",
    ScoreType.DURATION: "value_duration",
}


class Score(Versioned):
    type = models.SmallIntegerField(choices=ScoreType)
    value_points = CheckedIntegerField(
        null=True,
        blank=True,
        condition=models.Q(value_points__gte=0),
        check_name="value_points_not_negative",
        check_message=_("Points cannot be negative."),
    )
    value_duration = CheckedDurationField(
        null=True,
        blank=True,
        # SQLite stores a duration as 64-bit microseconds: about 292,000 years.
        validators=[MaxValueValidator(dt.timedelta(days=100_000))],
        condition=models.Q(value_duration__gte=dt.timedelta(0)),
        check_name="value_duration_not_negative",
        check_message=_("A duration cannot be negative."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scores"
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="scores"
    )

    # Set by the typed proxies below: their instances are of this type only.
    score_type: ClassVar[ScoreType | None] = None

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_type_valid",
                condition=models.Q(type__in=ScoreType.values),
                violation_error_message=_("Unknown score type."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_value_matches_type",
                condition=value_column_matches("type", VALUE_COLUMNS),
                violation_error_message=_("Set the value of the score's type, and only that one."),
            ),
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.score_type is not None:
            self.type = self.score_type

    def __str__(self) -> str:
        return f"{self.get_type_display()} score {self.pk}"


_S = TypeVar("_S", bound=Score)


class TypedScoreManager(models.Manager[_S]):
    def get_queryset(self) -> models.QuerySet[_S]:
        return super().get_queryset().filter(type=self.model.score_type or 0)


class PointsScore(Score):
    score_type = ScoreType.POINTS
    objects = TypedScoreManager["PointsScore"]()  # type: ignore[misc]

    class Meta:
        proxy = True


class DurationScore(Score):
    score_type = ScoreType.DURATION
    objects = TypedScoreManager["DurationScore"]()  # type: ignore[misc]

    class Meta:
        proxy = True
