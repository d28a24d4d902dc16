"""Run the same call from many threads at once, each on its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, connections
from django.test import TransactionTestCase
from rest_framework.test import APIClient

T = TypeVar("T")


def race(count: int, call: Callable[[int], T]) -> list[T]:
    barrier = threading.Barrier(count)

    def run(index: int) -> T:
        try:
            barrier.wait(timeout=30)
            return call(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def post_outcome(
    user: AbstractBaseUser, path: str, body: Mapping[str, object]
) -> tuple[int, str | None]:
    """POST as ``user``: the status and, for an error, its first code."""
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(path, body)
    code = None if response.status_code < 300 else response.json()["errors"][0]["code"]
    return response.status_code, code


class PostgreSQLRaceTestCase(TransactionTestCase):
    """Races need real concurrent transactions: PostgreSQL, outside a test transaction."""

    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("concurrent writers need PostgreSQL")
        super().setUp()
