from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

from django.core.cache import cache, caches
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, APITestCase
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts.models import User
from web.cache import DatabaseCache, create_table
from web.models import RateCount
from web.throttling import WriteThrottle

SERVICE_CACHE = {"default": {"BACKEND": "web.cache.DatabaseCache", "LOCATION": "api_cache"}}


def create_cache_table() -> None:
    # migrate makes it with the service's settings; the test settings count in memory.
    create_table("default")


def count(key: str, timeout: int) -> int:
    backend = caches["default"]
    assert isinstance(backend, DatabaseCache)
    return backend.count(key, timeout)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@override_settings(CACHES=SERVICE_CACHE)
class WriteThrottleTests(APITestCase):
    def setUp(self) -> None:
        create_cache_table()
        cache.clear()
        rates = {"write": "3/day"}
        self.enterContext(mock.patch.dict(SimpleRateThrottle.THROTTLE_RATES, rates))
        self.alice = User.objects.create_user("alice")
        self.bob = User.objects.create_user("bob")

    def follow(self, user: User, target: User) -> int:
        self.client.force_authenticate(user)
        return self.client.post("/api/follows/", {"to_user": target.pk}).status_code

    def test_an_authenticated_users_writes_are_limited_refused_ones_too(self) -> None:
        answers = [self.follow(self.alice, self.alice) for _ in range(3)]

        assert answers == [400, 400, 400]
        assert self.follow(self.alice, self.bob) == 429

    def test_the_limit_is_per_user_and_leaves_reads_alone(self) -> None:
        for _ in range(4):
            self.follow(self.alice, self.alice)

        assert self.follow(self.bob, self.alice) == 201
        self.client.force_authenticate(self.alice)
        assert self.client.get("/api/follows/").status_code == 200


@override_settings(CACHES=SERVICE_CACHE)
class LoginThrottleTests(APITestCase):
    def setUp(self) -> None:
        create_cache_table()
        cache.clear()
        self.enterContext(mock.patch.dict(SimpleRateThrottle.THROTTLE_RATES, {"auth": "3/day"}))

    def login(self, forwarded_for: str) -> int:
        body = {"username": "nobody", "password": "wrong"}
        headers = {"X-Forwarded-For": forwarded_for}
        return self.client.post("/api/auth/token/", body, headers=headers).status_code

    def test_a_client_cannot_pick_a_new_identity_with_x_forwarded_for(self) -> None:
        # NUM_PROXIES=0 (the default): the connection's address, whatever the header says.
        answers = [self.login(f"203.0.113.{n}") for n in range(4)]

        assert answers == [400, 400, 400, 429]


class UnreachableRedisTests(APITestCase):
    def test_token_requests_go_through_and_the_skipped_limit_is_logged(self) -> None:
        down = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            }
        }
        User.objects.create_user("alice", password="a long passphrase")
        body = {"username": "alice", "password": "a long passphrase"}

        with override_settings(CACHES=down), self.assertLogs("web.throttling", "WARNING") as log:
            response = self.client.post("/api/auth/token/", body)

        assert response.status_code == 200
        assert "Rate limit 'auth' not applied: the cache is unavailable" in log.output[0]


@override_settings(CACHES=SERVICE_CACHE)
class DatabaseCacheCounterTests(TransactionTestCase):
    def test_concurrent_counts_are_all_counted(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("concurrent writers need PostgreSQL: SQLite serialises them anyway")
        barrier = threading.Barrier(8)

        def ten_counts(_: int) -> list[int]:
            barrier.wait(timeout=30)
            try:
                return [count("window", 60) for _ in range(10)]
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=8) as pool:
            counts = [n for answers in pool.map(ten_counts, range(8)) for n in answers]

        # Every count answered once: none lost, none given twice.
        assert sorted(counts) == list(range(1, 81))


@override_settings(CACHES=SERVICE_CACHE)
class DatabaseCacheCountTests(TestCase):
    def test_a_window_counts_up_and_one_that_ended_starts_again(self) -> None:
        assert [count("window", 60) for _ in range(3)] == [1, 2, 3]
        assert count("other", 60) == 1
        count("gone", -1)

        assert count("gone", 60) == 1
        assert count("gone", 60) == 2

    def test_a_count_is_one_statement_and_one_in_a_hundred_deletes_ended_windows(self) -> None:
        count("window", 60)
        count("gone", -1)

        with (
            mock.patch("web.cache.random.randrange", return_value=1),
            CaptureQueriesContext(connection) as queries,
        ):
            count("window", 60)
        assert len(queries) == 1
        assert RateCount.objects.filter(key__endswith=":gone").exists()

        with mock.patch("web.cache.random.randrange", return_value=0):
            count("window", 60)
        assert not RateCount.objects.filter(key__endswith=":gone").exists()
        assert RateCount.objects.get(key__endswith=":window").count == 3

    def test_on_postgresql_the_tables_write_no_wal(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("UNLOGGED is PostgreSQL's")
        create_cache_table()

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, relpersistence FROM pg_class "
                "WHERE relname IN ('api_cache', 'web_rate_count') ORDER BY relname"
            )
            assert cursor.fetchall() == [("api_cache", "u"), ("web_rate_count", "u")]


@override_settings(CACHES=SERVICE_CACHE)
class CountInsideATransactionTests(TestCase):
    def test_a_count_that_fails_leaves_the_requests_transaction_usable(self) -> None:
        # An Idempotency-Key request runs in a transaction: a counter statement that
        # fails there fails open, in a savepoint of its own, and the request goes on.
        request = Request(APIRequestFactory().post("/api/follows/"))
        request.user = User.objects.create_user("alice")
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE web_rate_count RENAME TO web_rate_count_gone")
        try:
            with self.assertLogs("web.throttling", "WARNING"):
                assert WriteThrottle().allow_request(request, APIView())

            assert User.objects.filter(username="alice").exists()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE web_rate_count_gone RENAME TO web_rate_count")
