"""
The service behind a real PgBouncer (Debian's 1.18) in transaction mode, set up
plainly: no `ignore_startup_parameters`, no prepared statements to track.

Every rule still answers its code, a missing foreign key is still found by the
deferred check inside the savepoint, racing writers of the singleton leave one
row, and the statement timeout still cuts a stuck query off: each transaction
may run on any server connection, and each one starts with the role's timeout.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest

from e2e.live import LiveServer, ServerFactory, fresh_database, is_postgresql, manage
from e2e.pgbouncer import SERVER_URL_VARIABLE, binary, pgbouncer
from e2e.scenarios import SCENARIOS, Cast, Scenario
from e2e.users import ApiUser, make_staff, register

# PostgreSQL itself, also when the whole suite runs through a PgBouncer (scripts/test).
SERVER_URL = os.environ.get(SERVER_URL_VARIABLE) or os.environ.get("DATABASE_URL")
TIMEOUT = "1000"

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(not is_postgresql(SERVER_URL), reason="PgBouncer pools PostgreSQL"),
    pytest.mark.skipif(binary() is None, reason="PgBouncer is missing (apt-get install pgbouncer)"),
]


@pytest.fixture(scope="module")
def direct_url(servers: ServerFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert is_postgresql(SERVER_URL)
    with fresh_database(SERVER_URL, tmp_path_factory.mktemp("pgbouncer")) as url:
        # The deploy step, straight to PostgreSQL (docs/deploying.md): it makes the
        # timeout the role's default before PgBouncer opens any server connection.
        env = {**servers.env, "DATABASE_URL": url, "DATABASE_STATEMENT_TIMEOUT_MS": TIMEOUT}
        manage("migrate", "--no-input", "-v0", env=env)
        yield url


@pytest.fixture(scope="module")
def pooled_url(direct_url: str) -> Iterator[str]:
    with pgbouncer(direct_url) as url:
        yield url


@pytest.fixture(scope="module")
def server(servers: ServerFactory, pooled_url: str) -> Iterator[LiveServer]:
    with servers.start(
        "pgbouncer",
        DATABASE_URL=pooled_url,
        DATABASE_STATEMENT_TIMEOUT_MS=TIMEOUT,
        WEB_CONCURRENCY="4",
    ) as live:
        yield live


@pytest.fixture(scope="module")
def cast(server: LiveServer) -> Iterator[Cast]:
    with server.client() as http:
        yield Cast(http=http, staff=make_staff(register(http), server.env))


def test_pooled_connections_start_with_the_statement_timeout(pooled_url: str) -> None:
    # A session that sets nothing itself: what PgBouncer's server connections start with.
    with psycopg.connect(pooled_url, autocommit=True) as connection:
        row = connection.execute("SHOW statement_timeout").fetchone()

    assert row == ("1s",)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_rules_hold_and_answer_their_codes_through_pgbouncer(
    scenario: Scenario, server: LiveServer, cast: Cast
) -> None:
    scenario([server], cast)


@pytest.mark.parametrize(
    ("path", "body", "attr"),
    [
        ("/api/follows/", {"to_user": 987654321}, "to_user"),
        ("/api/scores/", {"type": "points", "value_points": 1, "event": 987654321}, "event"),
    ],
)
def test_missing_foreign_key_is_400_does_not_exist_through_pgbouncer(
    cast: Cast, path: str, body: dict[str, object], attr: str
) -> None:
    user = cast.newcomer()

    response = cast.http.post(path, json=body, headers=user.authorization)

    assert response.status_code == 400, response.text
    assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [("does_not_exist", attr)]


def test_many_clients_repeating_the_same_statements_through_pgbouncer(
    server: LiveServer, cast: Cast
) -> None:
    # A statement psycopg prepared on one server connection would be run, or be
    # missing, on another client's: behind a pooler the service prepares none.
    users = [cast.newcomer() for _ in range(4)]

    def requests(user: ApiUser) -> list[int]:
        answers = []
        for _ in range(15):
            answers.append(cast.http.get("/api/follows/", headers=user.authorization).status_code)
            answers.append(_follow(cast.http, user, user).status_code)
        return answers

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = [a for batch in pool.map(requests, users * 4) for a in batch]

    assert Counter(answers) == {200: 240, 400: 240}


def _follow(http: httpx.Client, user: ApiUser, target: ApiUser) -> httpx.Response:
    return http.post("/api/follows/", json={"to_user": target.id}, headers=user.authorization)


def test_query_stuck_past_the_statement_timeout_is_cut_off_with_a_503(
    cast: Cast, direct_url: str
) -> None:
    alice, bob = cast.newcomer(), cast.newcomer()
    with psycopg.connect(direct_url) as blocker:
        # Another session holds the table: the service's INSERT waits for it.
        blocker.execute("LOCK TABLE social_follow IN ACCESS EXCLUSIVE MODE")
        # Without the timeout the client's own 10 s timeout would give up first.
        stuck = _follow(cast.http, alice, bob)
        blocker.rollback()

    assert stuck.status_code == 503, stuck.text
    assert stuck.json()["errors"][0]["code"] == "database_unavailable"
    assert "LOCK" not in stuck.text
    assert "statement" not in stuck.text
    # The pooled connections are fine afterwards.
    assert _follow(cast.http, alice, bob).status_code == 201
