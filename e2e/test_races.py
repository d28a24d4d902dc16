"""
Concurrent writers over HTTP through one multi-worker server: each rule holds
because the database enforces it, whichever worker's transaction comes first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from e2e.live import LiveServer, ServerFactory, is_postgresql
from e2e.scenarios import SCENARIOS, Cast, Scenario
from e2e.users import make_staff, register

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(
        not is_postgresql(os.environ.get("DATABASE_URL")),
        reason="concurrent writers need PostgreSQL: SQLite serialises every write "
        "(BEGIN IMMEDIATE), so no two transactions ever race",
    ),
]


@pytest.fixture(scope="module")
def race_server(servers: ServerFactory) -> Iterator[LiveServer]:
    # More workers than the session's server: more transactions in flight at once.
    with servers.start("race", WEB_CONCURRENCY="8") as server:
        yield server


@pytest.fixture(scope="module")
def cast(race_server: LiveServer) -> Iterator[Cast]:
    with race_server.client() as http:
        yield Cast(http=http, staff=make_staff(register(http), race_server.env))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_concurrent_writers_through_one_server_leave_only_the_allowed_rows(
    scenario: Scenario, race_server: LiveServer, cast: Cast
) -> None:
    scenario([race_server], cast)
