"""A refused write names every rule the row breaks, as the database judges them."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APITestCase

from accounts.models import User
from scoring.models import Event, Score, ScoreType
from social.models import Follow

UNKNOWN = 2_000_000_000


def errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.content
    return [(e["code"], e["attr"]) for e in response.json()["errors"]]


class EveryBrokenRuleTests(APITestCase):
    user: User
    other: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("user")
        cls.other = User.objects.create_user("other")

    def setUp(self) -> None:
        self.client.force_authenticate(self.user)

    def test_a_score_that_breaks_two_checks_names_both_in_declaration_order(self) -> None:
        response = self.client.post(
            "/api/scores/", {"type": "points", "value_points": -5, "value_duration": "00:01:00"}
        )

        assert errors(response) == [
            ("scoring_score_value_matches_type", "non_field_errors"),
            ("scoring_score_value_points_not_negative", "value_points"),
        ]
        details = [e["detail"] for e in response.json()["errors"]]
        assert details == [
            "Set the value of the score's type, and only that one.",
            "Points cannot be negative.",
        ]
        assert not Score.objects.exists()

    def test_a_score_that_breaks_a_check_and_names_no_event_gets_both(self) -> None:
        response = self.client.post(
            "/api/scores/", {"type": "points", "value_points": -1, "event": UNKNOWN}
        )

        assert errors(response) == [
            ("scoring_score_value_points_not_negative", "value_points"),
            ("does_not_exist", "event"),
        ]

    def test_an_event_that_ends_first_and_has_a_blank_title_gets_both(self) -> None:
        body = {"title": "  ", "start_at": "2026-01-02", "end_at": "2026-01-01"}

        response = self.client.post("/api/events/", body)

        assert errors(response) == [
            ("scoring_event_start_at_before_end_at", "end_at"),
            ("scoring_event_title_not_empty", "title"),
        ]

    def test_a_collision_and_a_check_come_together(self) -> None:
        Event.objects.create(title="first", start_at=None, end_at=None)

        response = self.client.post("/api/events/", {"title": "", "start_at": None})

        assert errors(response) == [
            ("scoring_event_unique_event_dates", "non_field_errors"),
            ("scoring_event_title_not_empty", "title"),
        ]

    def test_an_update_that_breaks_two_rules_names_both_and_changes_nothing(self) -> None:
        event = Event.objects.create(
            title="kept", start_at="2026-01-01", end_at="2026-01-02", created_by=self.user
        )

        response = self.client.patch(
            f"/api/events/{event.pk}/", {"title": "", "end_at": "2025-12-31"}
        )

        assert errors(response) == [
            ("scoring_event_start_at_before_end_at", "end_at"),
            ("scoring_event_title_not_empty", "title"),
        ]
        event.refresh_from_db()
        assert event.title == "kept"

    def test_a_malformed_field_comes_with_the_rules_of_the_valid_ones(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.post("/api/events/", {"title": " ", "start_at": "soon"})

        # The rule on the dates involves the malformed field: not judged.
        assert errors(response) == [
            ("invalid", "start_at"),
            ("scoring_event_title_not_empty", "title"),
        ]
        assert not any(q["sql"].startswith("INSERT") for q in queries.captured_queries)
        assert not Event.objects.exists()

    def test_a_partial_update_judges_the_stored_values_it_keeps(self) -> None:
        event = Event.objects.create(
            title="kept", start_at="2026-01-05", end_at="2026-01-06", created_by=self.user
        )

        response = self.client.patch(
            f"/api/events/{event.pk}/", {"title": "", "start_at": "2026-01-07", "end_at": "x"}
        )

        # end_at is malformed: the date rule waits; the title's rule does not.
        assert errors(response) == [
            ("invalid", "end_at"),
            ("scoring_event_title_not_empty", "title"),
        ]

    def test_valid_fields_that_break_nothing_add_nothing(self) -> None:
        response = self.client.post("/api/events/", {"title": "fine", "start_at": "soon"})

        assert errors(response) == [("invalid", "start_at")]

    def test_a_missing_reference_reads_the_same_whether_the_database_or_the_field_finds_it(
        self,
    ) -> None:
        # 2,000,000,000 is a key a row could have: the database finds none. 0 is none any
        # row can have: the field refuses it before the database.
        answers = [self.client.post("/api/follows/", {"to_user": key}) for key in (UNKNOWN, 0)]

        assert [errors(answer) for answer in answers] == [[("does_not_exist", "to_user")]] * 2
        details = {answer.json()["errors"][0]["detail"] for answer in answers}
        assert details == {"The referenced to user does not exist."}


class EveryBrokenRuleInBatchTests(APITestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("user")

    def setUp(self) -> None:
        self.client.force_authenticate(self.user)

    def test_a_batch_row_lists_every_rule_it_breaks_and_good_rows_are_not_blamed(self) -> None:
        rows = [
            {"type": "points", "value_points": 3},
            {"type": "points", "value_points": -5, "value_duration": "00:01:00"},
            {"type": "duration", "value_duration": "00:02:00"},
            {"type": "duration", "value_duration": "-00:01:00", "event": UNKNOWN},
        ]

        response = self.client.post("/api/scores/bulk/", rows, format="json")

        assert errors(response) == [
            ("scoring_score_value_matches_type", "1.non_field_errors"),
            ("scoring_score_value_points_not_negative", "1.value_points"),
            ("scoring_score_value_duration_not_negative", "3.value_duration"),
            ("does_not_exist", "3.event"),
        ]
        assert not Score.objects.exists()

    def test_a_batch_row_that_repeats_an_earlier_row_names_it(self) -> None:
        other = User.objects.create_user("other")
        third = User.objects.create_user("third")
        Follow.objects.create(from_user=self.user, to_user=third)
        rows = [{"to_user": other.pk}, {"to_user": third.pk}, {"to_user": other.pk}]

        response = self.client.post("/api/follows/bulk/", rows, format="json")

        assert [(e["code"], e["attr"], e["detail"]) for e in response.json()["errors"]] == [
            ("social_follow_unique_relationships", "1.to_user", "You already follow this user."),
            (
                "social_follow_unique_relationships",
                "2.to_user",
                "This row repeats row 0 of the batch.",
            ),
        ]

    def test_a_batch_row_with_a_malformed_field_also_gets_its_rules(self) -> None:
        rows = [
            {"type": "points", "value_points": 1},
            {"type": "points", "value_points": -2, "event": "x"},
        ]

        response = self.client.post("/api/scores/bulk/", rows, format="json")

        assert errors(response) == [
            ("incorrect_type", "1.event"),
            ("scoring_score_value_points_not_negative", "1.value_points"),
        ]
        assert Score.objects.filter(type=ScoreType.POINTS).count() == 0
