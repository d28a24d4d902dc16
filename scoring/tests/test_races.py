from __future__ import annotations

from collections import Counter

from accounts.models import User
from scoring.models import Event
from tests.races import PostgreSQLRaceTestCase, post_outcome, race


class EventRaceTests(PostgreSQLRaceTestCase):
    def test_twenty_identical_undated_events_at_once_make_one_row(self) -> None:
        user = User.objects.create_user("user")

        results = Counter(
            race(20, lambda i: post_outcome(user, "/api/events/", {"title": f"event {i}"}))
        )

        assert results == {(201, None): 1, (400, "scoring_event_unique_event_dates"): 19}
        assert Event.objects.count() == 1
