from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import TestCase

from accounts.models import User
from integrity.tests.refusals import refused
from scoring.models import DurationScore, Event, PointsScore, Score, ScoreType

DAY = dt.date(2026, 1, 1)
NEXT_DAY = dt.date(2026, 1, 2)
MINUTE = dt.timedelta(minutes=1)


class EventConstraintTests(TestCase):
    def test_start_must_be_before_end(self) -> None:
        with refused("scoring_event_start_at_before_end_at"):
            Event.objects.create(title="t", start_at=NEXT_DAY, end_at=DAY)
        with refused("scoring_event_start_at_before_end_at"):
            Event.objects.create(title="t", start_at=DAY, end_at=DAY)

    def test_open_ended_events_are_allowed(self) -> None:
        Event.objects.create(title="a", start_at=DAY)
        Event.objects.create(title="b", end_at=DAY)
        Event.objects.create(title="c")

        assert Event.objects.count() == 3

    def test_same_dates_refused(self) -> None:
        Event.objects.create(title="a", start_at=DAY, end_at=NEXT_DAY)

        with refused("scoring_event_unique_event_dates"):
            Event.objects.create(title="b", start_at=DAY, end_at=NEXT_DAY)

    def test_null_dates_count_as_equal(self) -> None:
        Event.objects.create(title="a")
        Event.objects.create(title="b", start_at=DAY)

        with refused("scoring_event_unique_event_dates"):
            Event.objects.create(title="c")
        with refused("scoring_event_unique_event_dates"):
            Event.objects.create(title="d", start_at=DAY)

    def test_null_dates_bulk_create_refused(self) -> None:
        with refused("scoring_event_unique_event_dates"):
            Event.objects.bulk_create([Event(title="a"), Event(title="b")])

        assert not Event.objects.exists()

    def test_update_into_equal_null_dates_refused(self) -> None:
        Event.objects.create(title="a", end_at=DAY)
        other = Event.objects.create(title="b", start_at=DAY)

        with refused("scoring_event_unique_event_dates"):
            Event.objects.filter(pk=other.pk).update(start_at=None, end_at=DAY)

    def test_update_into_reversed_dates_refused(self) -> None:
        Event.objects.create(title="a", start_at=DAY, end_at=NEXT_DAY)

        with refused("scoring_event_start_at_before_end_at"):
            Event.objects.update(start_at=F("end_at"))

    def test_empty_title_refused_by_field_level_check(self) -> None:
        with refused("scoring_event_title_not_empty"):
            Event.objects.create(title="")
        event = Event.objects.create(title="x")
        with refused("scoring_event_title_not_empty"):
            Event.objects.filter(pk=event.pk).update(title="")

    def test_whitespace_title_refused_by_field_level_check(self) -> None:
        event = Event.objects.create(title="x")
        for title in (" ", "   ", "\t\n", "\u00a0", "\u3000 \u2003", "\x1c"):
            with refused("scoring_event_title_not_empty"):
                Event.objects.create(title=title)
            with refused("scoring_event_title_not_empty"):
                Event.objects.filter(pk=event.pk).update(title=title)

    def test_title_with_surrounding_whitespace_is_stored_as_given(self) -> None:
        event = Event.objects.create(title="  final\u00a0")

        event.refresh_from_db()
        assert event.title == "  final\u00a0"

    def test_validate_constraints_honours_all_rules(self) -> None:
        Event.objects.create(title="a")

        with self.assertRaises(ValidationError) as raised:
            Event(title="", start_at=None, end_at=None).validate_constraints()

        messages = raised.exception.messages
        assert "The title must not be empty or only whitespace." in messages
        assert "Another event has the same dates." in messages


class ScoreConstraintTests(TestCase):
    owner: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.owner = User.objects.create_user("owner")

    def test_each_type_sets_exactly_its_column(self) -> None:
        Score.objects.create(owner=self.owner, type=ScoreType.POINTS, value_points=3)
        Score.objects.create(owner=self.owner, type=ScoreType.DURATION, value_duration=MINUTE)

        assert Score.objects.count() == 2

    def test_wrong_both_or_neither_column_refused(self) -> None:
        cases: list[dict[str, Any]] = [
            {"type": ScoreType.POINTS, "value_duration": MINUTE},
            {"type": ScoreType.DURATION, "value_points": 1},
            {"type": ScoreType.POINTS, "value_points": 1, "value_duration": MINUTE},
            {"type": ScoreType.DURATION},
        ]
        for values in cases:
            with self.subTest(values), refused("scoring_score_value_matches_type"):
                Score.objects.create(owner=self.owner, **values)

    def test_bulk_update_that_sets_both_columns_refused(self) -> None:
        Score.objects.create(owner=self.owner, type=ScoreType.POINTS, value_points=1)

        with refused("scoring_score_value_matches_type"):
            Score.objects.update(value_points=1, value_duration=MINUTE)

    def test_bulk_create_with_mismatch_refused(self) -> None:
        with refused("scoring_score_value_matches_type"):
            Score.objects.bulk_create(
                [Score(owner=self.owner, type=ScoreType.POINTS, value_duration=MINUTE)]
            )

    def test_changing_only_the_type_refused(self) -> None:
        score = Score.objects.create(owner=self.owner, type=ScoreType.POINTS, value_points=1)

        with refused("scoring_score_value_matches_type"):
            Score.objects.filter(pk=score.pk).update(type=ScoreType.DURATION)

    def test_unknown_type_refused_by_its_own_rule(self) -> None:
        with refused("scoring_score_type_valid"):
            Score.objects.create(owner=self.owner, type=3, value_points=1)

    def test_negative_values_refused_by_field_level_checks(self) -> None:
        with refused("scoring_score_value_points_not_negative"):
            Score.objects.create(owner=self.owner, type=ScoreType.POINTS, value_points=-1)
        with refused("scoring_score_value_duration_not_negative"):
            Score.objects.create(owner=self.owner, type=ScoreType.DURATION, value_duration=-MINUTE)


class TypedScoreTests(TestCase):
    owner: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.owner = User.objects.create_user("owner")

    def test_proxies_force_their_type_and_list_only_it(self) -> None:
        points = PointsScore.objects.create(owner=self.owner, value_points=5)
        duration = DurationScore.objects.create(owner=self.owner, value_duration=MINUTE)
        forced = PointsScore(owner=self.owner, type=ScoreType.DURATION, value_points=1)

        assert points.type == ScoreType.POINTS
        assert duration.type == ScoreType.DURATION
        assert forced.type == ScoreType.POINTS
        assert list(PointsScore.objects.values_list("pk", flat=True)) == [points.pk]
        assert list(DurationScore.objects.values_list("pk", flat=True)) == [duration.pk]

    def test_proxy_cannot_store_the_other_column(self) -> None:
        with refused("scoring_score_value_matches_type"):
            PointsScore.objects.create(owner=self.owner, value_duration=MINUTE)
