from __future__ import annotations

from collections import Counter

from rest_framework.test import APIClient

from accounts.models import User
from api.tests.races import PostgreSQLRaceTestCase, race
from scoring.models import Event


class EventRaceTests(PostgreSQLRaceTestCase):
    def test_twenty_identical_undated_events_at_once_make_one_row(self) -> None:
        user = User.objects.create_user("user")

        def post(index: int) -> tuple[int, str | None]:
            client = APIClient()
            client.force_authenticate(user)
            response = client.post("/api/events/", {"title": f"event {index}"})
            code = None if response.status_code == 201 else response.json()["errors"][0]["code"]
            return response.status_code, code

        results = Counter(race(20, post))

        assert results == {(201, None): 1, (400, "scoring_event_unique_event_dates"): 19}
        assert Event.objects.count() == 1
