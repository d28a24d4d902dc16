from __future__ import annotations

from collections import Counter

from rest_framework.test import APIClient

from accounts.models import User
from api.tests.races import PostgreSQLRaceTestCase, race
from social.models import Follow


class FollowRaceTests(PostgreSQLRaceTestCase):
    def test_twenty_identical_follows_at_once_make_one_row(self) -> None:
        alice = User.objects.create_user("alice")
        bob = User.objects.create_user("bob")

        def post(_: int) -> tuple[int, str | None]:
            client = APIClient()
            client.force_authenticate(alice)
            response = client.post("/api/follows/", {"to_user": bob.pk})
            code = None if response.status_code == 201 else response.json()["errors"][0]["code"]
            return response.status_code, code

        results = Counter(race(20, post))

        assert results == {
            (201, None): 1,
            (400, "social_follow_unique_relationships"): 19,
        }
        assert Follow.objects.count() == 1
