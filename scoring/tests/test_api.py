from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APITestCase

from accounts.models import User
from scoring.models import Event, Score, ScoreType


def codes(response: Any) -> list[tuple[str, str | None]]:
    return [(e["code"], e["attr"]) for e in response.json()["errors"]]


class EventAPITests(APITestCase):
    user: User
    staff: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("user")
        cls.staff = User.objects.create_user("staff", is_staff=True)

    def setUp(self) -> None:
        self.client.force_authenticate(self.user)

    def create(self, **data: Any) -> Any:
        return self.client.post("/api/events/", {"title": "t", **data})

    def test_create_event(self) -> None:
        response = self.create(start_at="2026-01-01", end_at="2026-01-02")

        assert response.status_code == 201
        assert response.json() == {
            "id": Event.objects.get().pk,
            "title": "t",
            "start_at": "2026-01-01",
            "end_at": "2026-01-02",
            "created_by": self.user.pk,
        }

    def test_start_not_before_end_is_400(self) -> None:
        response = self.create(start_at="2026-01-02", end_at="2026-01-01")

        assert response.status_code == 400
        assert codes(response) == [("scoring_event_start_at_before_end_at", "end_at")]
        assert response.json()["errors"][0]["detail"] == "The event must start before it ends."

    def test_same_dates_with_nulls_is_400(self) -> None:
        assert self.create(start_at=None, end_at="2026-01-01").status_code == 201

        response = self.create(title="other", start_at=None, end_at="2026-01-01")

        assert response.status_code == 400
        assert codes(response) == [("scoring_event_unique_event_dates", "non_field_errors")]
        assert Event.objects.count() == 1

    def test_two_undated_events_is_400(self) -> None:
        assert self.create().status_code == 201

        response = self.create(title="other")

        assert response.status_code == 400
        assert codes(response) == [("scoring_event_unique_event_dates", "non_field_errors")]

    def test_empty_title_is_400_with_field_level_rule(self) -> None:
        response = self.create(title="")

        assert response.status_code == 400
        assert codes(response) == [("scoring_event_title_not_empty", "title")]

    def test_anonymous_create_is_401(self) -> None:
        self.client.force_authenticate(None)

        assert self.create().status_code == 401

    def test_only_staff_change_or_delete_events_without_a_creator(self) -> None:
        event = Event.objects.create(title="t")
        url = f"/api/events/{event.pk}/"

        assert self.client.patch(url, {"title": "u"}).status_code == 403
        assert self.client.delete(url).status_code == 403
        self.client.force_authenticate(self.staff)
        assert self.client.put(url, {"title": "u", "start_at": None, "end_at": None}).json() == {
            "id": event.pk,
            "title": "u",
            "start_at": None,
            "end_at": None,
            "created_by": None,
        }
        assert self.client.delete(url).status_code == 204

    def test_update_into_existing_dates_is_400(self) -> None:
        Event.objects.create(title="a", start_at="2026-01-01")
        event = Event.objects.create(title="b", start_at="2026-02-01")
        self.client.force_authenticate(self.staff)

        response = self.client.patch(f"/api/events/{event.pk}/", {"start_at": "2026-01-01"})

        assert response.status_code == 400
        assert codes(response) == [("scoring_event_unique_event_dates", "non_field_errors")]
        event.refresh_from_db()
        assert str(event.start_at) == "2026-02-01"


class ScoreAPITests(APITestCase):
    owner: User
    other: User
    event: Event

    @classmethod
    def setUpTestData(cls) -> None:
        cls.owner = User.objects.create_user("owner")
        cls.other = User.objects.create_user("other")
        cls.event = Event.objects.create(title="race")

    def setUp(self) -> None:
        self.client.force_authenticate(self.owner)

    def create(self, **data: Any) -> Any:
        return self.client.post("/api/scores/", data)

    def test_points_score(self) -> None:
        response = self.create(type="points", value_points=7, event=self.event.pk)

        assert response.status_code == 201
        assert response.json() == {
            "id": Score.objects.get().pk,
            "type": "points",
            "value_points": 7,
            "value_duration": None,
            "event": self.event.pk,
            "owner": self.owner.pk,
        }

    def test_duration_score_accepts_iso_8601_and_answers_django_format(self) -> None:
        response = self.create(type="duration", value_duration="PT20M34S")

        assert response.status_code == 201
        assert response.json()["value_duration"] == "00:20:34"

    def test_value_not_matching_type_is_400(self) -> None:
        cases: list[dict[str, Any]] = [
            {"type": "points", "value_duration": "00:01:00"},
            {"type": "duration", "value_points": 1},
            {"type": "points", "value_points": 1, "value_duration": "00:01:00"},
            {"type": "points"},
        ]
        for data in cases:
            with self.subTest(data):
                response = self.create(**data)
                assert response.status_code == 400
                assert codes(response) == [("scoring_score_value_matches_type", "non_field_errors")]
        assert not Score.objects.exists()

    def test_unknown_type_is_invalid_choice(self) -> None:
        response = self.create(type="goals", value_points=1)

        assert response.status_code == 400
        assert codes(response) == [("invalid_choice", "type")]

    def test_negative_points_is_400_with_field_level_rule(self) -> None:
        response = self.create(type="points", value_points=-1)

        assert codes(response) == [("scoring_score_value_points_not_negative", "value_points")]

    def test_unknown_event_is_400(self) -> None:
        response = self.create(type="points", value_points=1, event=987654)

        assert codes(response) == [("does_not_exist", "event")]

    def test_patch_changing_only_type_is_refused_by_the_database_rule(self) -> None:
        score = Score.objects.create(owner=self.owner, type=ScoreType.POINTS, value_points=3)

        response = self.client.patch(f"/api/scores/{score.pk}/", {"type": "duration"})

        assert response.status_code == 400
        assert codes(response) == [("scoring_score_value_matches_type", "non_field_errors")]
        score.refresh_from_db()
        assert score.type == ScoreType.POINTS

    def test_only_owner_or_staff_change_or_delete(self) -> None:
        score = Score.objects.create(owner=self.other, type=ScoreType.POINTS, value_points=3)
        url = f"/api/scores/{score.pk}/"

        assert self.client.patch(url, {"value_points": 4}).status_code == 403
        assert self.client.delete(url).status_code == 403
        self.client.force_authenticate(self.other)
        assert self.client.patch(url, {"value_points": 4}).json()["value_points"] == 4
        assert self.client.delete(url).status_code == 204

    def test_filters(self) -> None:
        p = Score.objects.create(
            owner=self.owner, type=ScoreType.POINTS, value_points=1, event=self.event
        )
        d = Score.objects.create(
            owner=self.other, type=ScoreType.DURATION, value_duration=dt.timedelta(seconds=1)
        )

        def ids(query: str) -> list[int]:
            response = self.client.get(f"/api/scores/?{query}")
            assert response.status_code == 200, response.json()
            return [s["id"] for s in response.json()["results"]]

        assert ids("type=points") == [p.pk]
        assert ids("type=duration") == [d.pk]
        assert ids(f"event={self.event.pk}") == [p.pk]
        assert ids(f"owner={self.other.pk}") == [d.pk]
        assert self.client.get("/api/scores/?type=goals").status_code == 400

    def test_list_queries_constant_in_page_size(self) -> None:
        for value in range(30):
            Score.objects.create(owner=self.owner, type=ScoreType.POINTS, value_points=value)

        with CaptureQueriesContext(connection) as small:
            assert len(self.client.get("/api/scores/?limit=2").json()["results"]) == 2
        with CaptureQueriesContext(connection) as large:
            assert len(self.client.get("/api/scores/?limit=25").json()["results"]) == 25

        assert len(small) == len(large) == 1


class TypedScoreAPITests(APITestCase):
    owner: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.owner = User.objects.create_user("owner")

    def setUp(self) -> None:
        self.client.force_authenticate(self.owner)

    def test_point_scores_take_and_return_value(self) -> None:
        response = self.client.post("/api/point-scores/", {"value": 12})

        assert response.status_code == 201
        score = Score.objects.get()
        assert (score.type, score.value_points) == (ScoreType.POINTS, 12)
        assert response.json() == {
            "id": score.pk,
            "type": "points",
            "value": 12,
            "event": None,
            "owner": self.owner.pk,
        }

    def test_duration_scores_take_and_return_value(self) -> None:
        response = self.client.post("/api/duration-scores/", {"value": "01:02:03"})

        assert response.status_code == 201
        assert Score.objects.get().type == ScoreType.DURATION
        assert response.json()["value"] == "01:02:03"

    def test_typed_lists_show_only_their_type(self) -> None:
        Score.objects.create(owner=self.owner, type=ScoreType.POINTS, value_points=1)
        Score.objects.create(
            owner=self.owner, type=ScoreType.DURATION, value_duration=dt.timedelta(seconds=1)
        )

        points = self.client.get("/api/point-scores/").json()["results"]
        durations = self.client.get("/api/duration-scores/").json()["results"]

        assert [s["type"] for s in points] == ["points"]
        assert [s["type"] for s in durations] == ["duration"]

    def test_typed_value_rules_reach_the_value_field(self) -> None:
        response = self.client.post("/api/point-scores/", {"value": -5})

        assert response.status_code == 400
        assert codes(response) == [("scoring_score_value_points_not_negative", "value")]

    def test_typed_value_is_required(self) -> None:
        response = self.client.post("/api/point-scores/", {})

        assert codes(response) == [("required", "value")]
