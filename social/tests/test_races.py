from __future__ import annotations

from collections import Counter

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
