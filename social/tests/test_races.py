from __future__ import annotations

from collections import Counter

from rest_framework.test import APIClient

from accounts.models import User
from social.models import Follow
from tests.races import PostgreSQLRaceTestCase, post_outcome, race


class FollowRaceTests(PostgreSQLRaceTestCase):
    def test_twenty_identical_follows_at_once_make_one_row(self) -> None:
        alice = User.objects.create_user("alice")
        bob = User.objects.create_user("bob")

        results = Counter(
            race(20, lambda _: post_outcome(alice, "/api/follows/", {"to_user": bob.pk}))
        )

        assert results == {
            (201, None): 1,
            (400, "social_follow_unique_relationships"): 19,
        }
        assert Follow.objects.count() == 1

    def test_sixteen_identical_batches_at_once_make_one_batch(self) -> None:
        alice = User.objects.create_user("alice")
        others = [User.objects.create_user(f"user{n}") for n in range(10)]
        rows = [{"to_user": user.pk} for user in others]

        def post(_: int) -> tuple[int, frozenset[str]]:
            client = APIClient()
            client.force_authenticate(alice)
            response = client.post("/api/follows/bulk/", rows, format="json")
            errors = response.json()["errors"] if response.status_code >= 300 else []
            return response.status_code, frozenset(error["code"] for error in errors)

        results = Counter(race(16, post))

        assert results == {
            (201, frozenset()): 1,
            (400, frozenset({"social_follow_unique_relationships"})): 15,
        }
        assert Follow.objects.count() == len(others)
