from __future__ import annotations

import math
from typing import Any

from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient, APITestCase

from accounts.models import User
from integrity.batches import MAX_BATCH_ROWS
from social.models import Follow

UNKNOWN_USER = 2_000_000_000


def make_users(count: int) -> list[User]:
    return User.objects.bulk_create(User(username=f"user{n}") for n in range(count))


def expected_statements(rows: int) -> list[str]:
    # One transaction (bulk_create's), one INSERT on PostgreSQL. SQLite takes
    # 999 parameters per statement, and a follow has four columns (its version too).
    inserts = math.ceil(rows / (999 // 4)) if connection.vendor == "sqlite" else 1
    return ["BEGIN", *["INSERT"] * inserts, "COMMIT"]


class BulkFollowTests(APITestCase):
    alice: User
    bob: User
    carol: User
    dave: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice, cls.bob, cls.carol, cls.dave = (
            User.objects.create_user(name) for name in ("alice", "bob", "carol", "dave")
        )

    def setUp(self) -> None:
        self.client.force_authenticate(self.alice)

    def bulk(self, rows: Any) -> tuple[int, Any]:
        response = self.client.post("/api/follows/bulk/", rows, format="json")
        return response.status_code, response.json()

    def test_batch_creates_every_row_in_request_order(self) -> None:
        status, body = self.bulk([{"to_user": self.carol.pk}, {"to_user": self.bob.pk}])

        assert status == 201
        assert [(row["from_user"], row["to_user"]) for row in body] == [
            (self.alice.pk, self.carol.pk),
            (self.alice.pk, self.bob.pk),
        ]
        assert [row["id"] for row in body] == list(
            Follow.objects.order_by("pk").values_list("pk", flat=True)
        )

    def test_refused_batch_names_every_offending_row_and_writes_nothing(self) -> None:
        Follow.objects.create(from_user=self.alice, to_user=self.carol)

        with CaptureQueriesContext(connection) as queries:
            status, body = self.bulk(
                [
                    {"to_user": self.bob.pk},
                    {"to_user": self.alice.pk},  # a self-follow
                    {"to_user": self.carol.pk},  # already followed
                    {"to_user": self.dave.pk},
                    {"to_user": self.dave.pk},  # the row before, again
                    {"to_user": UNKNOWN_USER},  # no such user
                ]
            )

        assert status == 400
        assert body == {
            "type": "validation_error",
            "errors": [
                {
                    "code": "social_follow_prevent_self_follow",
                    "detail": "Users cannot follow themselves.",
                    "attr": "1.to_user",
                },
                {
                    "code": "social_follow_unique_relationships",
                    "detail": "You already follow this user.",
                    "attr": "2.to_user",
                },
                {
                    "code": "social_follow_unique_relationships",
                    "detail": "This row repeats row 3 of the batch.",
                    "attr": "4.to_user",
                },
                {
                    "code": "does_not_exist",
                    "detail": "The referenced to user does not exist.",
                    "attr": "5.to_user",
                },
            ],
        }
        assert list(Follow.objects.values_list("to_user", flat=True)) == [self.carol.pk]
        # The refused batch (at most 5 statements inside this test's
        # transaction), then the search: at most 4 per row, 3 per refused row
        # and 5 around them.
        assert len(queries) <= 5 + 4 * 6 + 3 * 4 + 5, [q["sql"] for q in queries]

    def test_from_user_defaults_to_the_authenticated_user_in_each_row(self) -> None:
        status, body = self.bulk([{"to_user": self.bob.pk}, {"to_user": self.carol.pk}])

        assert status == 201
        assert {row["from_user"] for row in body} == {self.alice.pk}

    def test_non_staff_cannot_follow_on_behalf_of_another_user_in_a_batch(self) -> None:
        status, _ = self.bulk([{"to_user": self.bob.pk, "from_user": self.carol.pk}])

        assert status == 403
        assert not Follow.objects.exists()

    def test_row_that_fails_field_validation_is_named_by_index(self) -> None:
        status, body = self.bulk([{"to_user": "bob"}, {"to_user": self.bob.pk}, {}])

        assert status == 400
        assert [(error["attr"], error["code"]) for error in body["errors"]] == [
            ("0.to_user", "incorrect_type"),
            ("2.to_user", "required"),
        ]
        assert not Follow.objects.exists()

    def test_batch_over_the_maximum_is_refused_whole(self) -> None:
        status, body = self.bulk([{"to_user": self.bob.pk}] * (MAX_BATCH_ROWS + 1))

        assert status == 400
        assert [(error["attr"], error["code"]) for error in body["errors"]] == [
            ("non_field_errors", "max_length")
        ]

    def test_empty_batch_and_an_object_are_refused(self) -> None:
        assert self.bulk([])[1]["errors"][0]["code"] == "empty"
        assert self.bulk({"to_user": self.bob.pk})[1]["errors"][0]["code"] == "not_a_list"

    def test_row_that_is_not_an_object_is_named_by_index(self) -> None:
        status, body = self.bulk([None, 3])

        assert status == 400
        assert [(error["attr"], error["code"]) for error in body["errors"]] == [
            ("0", "null"),
            ("1.non_field_errors", "invalid"),
        ]

    def test_anonymous_batch_is_401(self) -> None:
        self.client.force_authenticate(None)

        assert self.bulk([{"to_user": self.bob.pk}])[0] == 401


class BulkFollowStatementTests(TransactionTestCase):
    """Statements as production runs them: autocommit, no test transaction around."""

    def setUp(self) -> None:
        self.users = make_users(MAX_BATCH_ROWS + 1)
        self.client = APIClient()
        self.client.force_authenticate(self.users[0])

    def test_thousand_valid_follows_are_one_insert(self) -> None:
        rows = [{"to_user": user.pk} for user in self.users[1:]]

        with CaptureQueriesContext(connection) as queries:
            response = self.client.post("/api/follows/bulk/", rows, format="json")

        assert response.status_code == 201, response.json()
        assert len(response.json()) == MAX_BATCH_ROWS
        assert Follow.objects.count() == MAX_BATCH_ROWS
        statements = [query["sql"].split(None, 1)[0].upper() for query in queries]
        assert statements == expected_statements(MAX_BATCH_ROWS)

    def test_unknown_user_refused_at_commit_is_named_by_its_row(self) -> None:
        rows = [{"to_user": self.users[1].pk}, {"to_user": UNKNOWN_USER}]

        response = self.client.post("/api/follows/bulk/", rows, format="json")

        assert response.status_code == 400
        assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
            ("1.to_user", "does_not_exist")
        ]
        assert not Follow.objects.exists()
