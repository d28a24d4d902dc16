from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from rest_framework.test import APITestCase
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
from web.cache import create_table

SERVICE_CACHE = {"default": {"BACKEND": "web.cache.DatabaseCache", "LOCATION": "api_cache"}}


def create_cache_table() -> None:
    # migrate makes it with the service's settings; the test settings count in memory.
    create_table("default")


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
    def test_concurrent_increments_are_all_counted(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("concurrent writers need PostgreSQL: SQLite serialises them anyway")
        create_cache_table()
        cache.add("counter", 0)
        barrier = threading.Barrier(8)

        def increment(_: int) -> None:
            barrier.wait(timeout=30)
            try:
                for _ in range(10):
                    cache.incr("counter")
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(increment, range(8)))

        assert cache.get("counter") == 80


@override_settings(CACHES=SERVICE_CACHE)
class DatabaseCacheAddTests(TestCase):
    def test_add_keeps_a_live_entry_and_replaces_an_expired_one(self) -> None:
        create_cache_table()
        assert cache.add("window", 1, timeout=60)
        assert not cache.add("window", 5, timeout=60)
        assert cache.get("window") == 1
        assert cache.add("gone", 1, timeout=-1)

        assert cache.add("gone", 7, timeout=60)
        assert cache.get("gone") == 7
        assert cache.incr("gone") == 8

    def test_on_postgresql_the_table_writes_no_wal(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("UNLOGGED is PostgreSQL's")
        create_cache_table()

        with connection.cursor() as cursor:
            cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'api_cache'")
            assert cursor.fetchone() == ("u",)
