"""Who may change an event, what PUT and PATCH store, and blank titles through the API."""

from __future__ import annotations

import datetime as dt

from rest_framework.test import APITestCase

from accounts.models import User
from scoring.models import Event, Score, ScoreType
from scoring.tests.test_api import codes


class EventCreatorTests(APITestCase):
    creator: User
    other: User
    staff: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.creator = User.objects.create_user("creator")
        cls.other = User.objects.create_user("other")
        cls.staff = User.objects.create_user("staff", is_staff=True)

    def create_event(self) -> str:
        self.client.force_authenticate(self.creator)
        response = self.client.post("/api/events/", {"title": "Heat 1"})
        assert response.status_code == 201
        assert response.json()["created_by"] == self.creator.pk
        assert Event.objects.get().created_by == self.creator
        return str(response["Location"])

    def test_creator_changes_and_deletes_their_event(self) -> None:
        url = self.create_event()

        assert self.client.patch(url, {"title": "Heat 2"}).json()["title"] == "Heat 2"
        assert self.client.put(url, {"title": "Heat 3"}).json()["title"] == "Heat 3"
        assert self.client.delete(url).status_code == 204

    def test_other_users_get_403_saying_who_may(self) -> None:
        url = self.create_event()
        self.client.force_authenticate(self.other)

        for response in (self.client.patch(url, {"title": "x"}), self.client.delete(url)):
            assert response.status_code == 403
            assert response.json()["errors"] == [
                {
                    "code": "permission_denied",
                    "detail": "Only the event's creator or staff may change or delete it.",
                    "attr": None,
                }
            ]

    def test_staff_change_anyones_event(self) -> None:
        url = self.create_event()
        self.client.force_authenticate(self.staff)

        assert self.client.patch(url, {"title": "fixed"}).status_code == 200
        assert self.client.delete(url).status_code == 204

    def test_created_by_is_read_only(self) -> None:
        self.client.force_authenticate(self.creator)

        response = self.client.post("/api/events/", {"title": "x", "created_by": self.other.pk})

        # Read-only, as id: what the client sends there is not stored.
        assert response.status_code == 201
        assert response.json()["created_by"] == self.creator.pk

    def test_deleting_the_creator_leaves_the_event_to_staff(self) -> None:
        url = self.create_event()
        User.objects.filter(pk=self.creator.pk).delete()

        assert Event.objects.get().created_by is None
        self.client.force_authenticate(self.other)
        assert self.client.delete(url).status_code == 403


class BlankTitleTests(APITestCase):
    def setUp(self) -> None:
        self.client.force_authenticate(User.objects.create_user("user"))

    def test_whitespace_title_is_refused_under_the_rules_code(self) -> None:
        for title in ("   ", "\t", "\n \r", "\u00a0", "\u2003"):
            response = self.client.post("/api/events/", {"title": title})

            assert response.status_code == 400, title
            assert codes(response) == [("scoring_event_title_not_empty", "title")]
        assert not Event.objects.exists()

    def test_whitespace_title_refused_on_update(self) -> None:
        event = self.client.post("/api/events/", {"title": "ok"}).json()

        response = self.client.patch(f"/api/events/{event['id']}/", {"title": "  "})

        assert codes(response) == [("scoring_event_title_not_empty", "title")]
        assert Event.objects.get().title == "ok"

    def test_title_with_text_is_stored_as_sent(self) -> None:
        response = self.client.post("/api/events/", {"title": "  Final  "})

        assert response.json()["title"] == "  Final  "


class ReplaceAndMergeTests(APITestCase):
    owner: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.owner = User.objects.create_user("owner", is_staff=True)

    def setUp(self) -> None:
        self.client.force_authenticate(self.owner)

    def test_put_replaces_a_points_score_with_a_duration(self) -> None:
        score = Score.objects.create(owner=self.owner, type=ScoreType.POINTS, value_points=3)

        response = self.client.put(
            f"/api/scores/{score.pk}/", {"type": "duration", "value_duration": "00:20:34"}
        )

        assert response.status_code == 200, response.content
        assert response.json()["value_points"] is None
        score.refresh_from_db()
        assert (score.type, score.value_points) == (ScoreType.DURATION, None)
        assert score.value_duration == dt.timedelta(minutes=20, seconds=34)

    def test_put_clears_omitted_nullable_fields(self) -> None:
        event = Event.objects.create(title="a", start_at="2026-01-01", end_at="2026-01-02")
        score = Score.objects.create(
            owner=self.owner, type=ScoreType.POINTS, value_points=3, event=event
        )

        self.client.put(f"/api/events/{event.pk}/", {"title": "b"})
        self.client.put(f"/api/point-scores/{score.pk}/", {"value": 4})

        event.refresh_from_db()
        score.refresh_from_db()
        assert (event.title, event.start_at, event.end_at) == ("b", None, None)
        assert (score.value_points, score.event_id) == (4, None)

    def test_put_still_requires_required_fields(self) -> None:
        event = Event.objects.create(title="a")

        response = self.client.put(f"/api/events/{event.pk}/", {"start_at": "2026-01-01"})

        assert codes(response) == [("required", "title")]

    def test_patch_merges(self) -> None:
        event = Event.objects.create(title="a", start_at="2026-01-01", end_at="2026-01-02")

        response = self.client.patch(f"/api/events/{event.pk}/", {"title": "b"})

        assert response.json()["start_at"] == "2026-01-01"
        assert response.json()["end_at"] == "2026-01-02"
