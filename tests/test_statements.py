"""SQL statements per request for the routes the benchmark measures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APITestCase

from accounts.models import RemoteAPIAccount, User
from scoring.models import Score, ScoreType

# Transaction bookkeeping, not work: savepoints, and the deferred foreign-key
# check inside them (SET CONSTRAINTS on PostgreSQL, a pragma on SQLite).
BOOKKEEPING = ("SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "PRAGMA")


def statements(queries: CaptureQueriesContext) -> list[str]:
    kinds = [q["sql"].split(None, 1)[0].upper() for q in queries.captured_queries]
    return [kind for kind in kinds if kind not in BOOKKEEPING]


class StatementsPerRequestTests(APITestCase):
    alice: User
    bob: User
    staff: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = User.objects.create_user("alice")
        cls.bob = User.objects.create_user("bob")
        cls.staff = User.objects.create_user("staff", is_staff=True)
        for value in range(40):
            Score.objects.create(owner=cls.alice, type=ScoreType.POINTS, value_points=value)

    def as_user(self, user: User) -> None:
        token, _ = Token.objects.get_or_create(user=user)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    def measure(self, method: str, path: str, body: Any = None) -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = getattr(self.client, method)(path, body)
        return response.status_code, statements(queries)

    def test_health_live_runs_no_statement(self) -> None:
        assert self.measure("get", "/api/health/live/") == (200, [])

    def test_accepted_follow_is_auth_then_one_insert(self) -> None:
        self.as_user(self.alice)

        assert self.measure("post", "/api/follows/", {"to_user": self.bob.pk}) == (
            201,
            ["SELECT", "INSERT"],
        )

    def test_rejected_follow_is_auth_one_refused_insert_and_one_judgement(self) -> None:
        self.as_user(self.alice)

        # The SELECT after the refusal judges every rule of the row at once.
        assert self.measure("post", "/api/follows/", {"to_user": self.alice.pk}) == (
            400,
            ["SELECT", "INSERT", "SELECT"],
        )

    def test_score_page_is_one_select_whatever_its_size(self) -> None:
        assert self.measure("get", "/api/scores/") == (200, ["SELECT"])
        assert self.measure("get", "/api/scores/?limit=40") == (200, ["SELECT"])

    def test_singleton_put_is_auth_lock_and_one_update(self) -> None:
        RemoteAPIAccount.objects.store(access_token="t", access_token_expires=timezone.now())
        self.as_user(self.staff)
        expires = (timezone.now() + dt.timedelta(hours=1)).isoformat()
        body = {"access_token": "new", "access_token_expires": expires}

        # The upsert's SELECT ... FOR UPDATE locks row 1; it checks nothing.
        assert self.measure("put", "/api/remote-api-account/", body) == (
            200,
            ["SELECT", "SELECT", "UPDATE"],
        )

    def test_keyed_follow_authenticates_once_claims_writes_and_stores(self) -> None:
        self.as_user(self.alice)
        # PostgreSQL bounds the wait for another request's key (set_config).
        bound = ["SELECT"] if connection.vendor == "postgresql" else []

        first = self.measure_keyed({"to_user": self.bob.pk})
        replay = self.measure_keyed({"to_user": self.bob.pk})

        assert first == (201, ["SELECT", *bound, "INSERT", "INSERT", "UPDATE"])
        # The key's INSERT finds it taken; the stored response is read.
        assert replay == (201, ["SELECT", *bound, "INSERT", "SELECT"])

    def measure_keyed(self, body: Any) -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.post(
                "/api/follows/", body, format="json", headers={"Idempotency-Key": "k"}
            )
        return response.status_code, statements(queries)
