"""
``bench/run.py add-rule [--rows 1000000]``: the follows' two rules added to a
table of many rows while writers keep writing to the production server.

A fresh PostgreSQL database; the follows table without its rules and filled
with ``--rows`` rows, some self-follows and some duplicates; ``find_constraint_
violations`` timed, with its peak memory; then writers (``--clients`` threads,
each its own keep-alive connection) create follows through the service while
the path runs as ``manage.py migrate`` runs a migration (bench/add_rule_path.py),
and one line is printed per path:

    add-rule: path=… rows=… writes=… 5xx=… max_wait_ms=… p99_ms=… violations_after=… seconds=…

``live``: the documented path (docs/deploying.md) in a migration with atomic =
False; ``plain``: the rows deleted and AddConstraint, in one transaction, as
the seed's migration did. The table is filled again before each. The exit
status is 1 when a migration fails, a write is not answered 201, or rows break
a rule at the end; never for speed.
"""

from __future__ import annotations

import argparse
import json
import math
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg

from bench.common import migrated_database, say
from e2e.live import ROOT, LiveServer, serve

TARGETS = 20_000  # the users the writers follow, each once per path
RULES = ("social_follow_prevent_self_follow", "social_follow_unique_relationships")
PATHS = ("live", "plain")


@dataclass
class Writes:
    # (sent, answered, status): monotonic seconds; status 0, no answer.
    answered: list[tuple[float, float, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sent: float, status: int) -> None:
        with self.lock:
            self.answered.append((sent, time.monotonic(), status))

    def during(self, start: float, end: float) -> Writes:
        """The writes that were under way at some moment of [start, end]."""
        return Writes([w for w in self.answered if w[0] <= end and w[1] >= start])

    @property
    def latencies_ms(self) -> list[float]:
        return sorted((answered - sent) * 1000 for sent, answered, _ in self.answered)

    @property
    def server_errors(self) -> int:
        return sum(1 for *_, status in self.answered if status == 0 or status >= 500)

    @property
    def statuses(self) -> dict[int, int]:
        found: dict[int, int] = {}
        for *_, status in self.answered:
            found[status] = found.get(status, 0) + 1
        return found

    def percentile(self, share: float) -> float:
        ordered = self.latencies_ms
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main(argv: list[str]) -> int:
    args = _options(argv)
    failed = False
    with ExitStack() as stack:
        url, scratch, env = migrated_database(
            stack, args.server_url, args.workers, prefix="bench_rule"
        )
        # The filled rows follow among these users: as many distinct pairs as rows.
        table_users, targets, writers = _users(url, math.isqrt(args.rows - 1) + 1, args.clients)
        server = stack.enter_context(serve(env, scratch / "service.log"))
        for number, path in enumerate(PATHS):
            say(f"{path}: fill {args.rows:,} rows")
            broken = _fill(url, table_users, args.rows)
            if number == 0:
                print(_find_line(env, args.rows, broken), flush=True)
            half = targets[: TARGETS // 2] if number == 0 else targets[TARGETS // 2 :]
            line, ok = _run_path(args, env, server, path, writers, half)
            print(line, flush=True)
            failed = failed or not ok
    return 1 if failed else 0


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py add-rule", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=8, help="writer threads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument(
        "--server-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="the PostgreSQL server the run's database is made on",
    )
    return parser.parse_args(argv)


def _users(
    url: str, among: int, clients: int
) -> tuple[list[int], list[int], list[tuple[int, str]]]:
    """The users the filled rows are among, those the writers follow, and the writers."""
    with psycopg.connect(url) as connection:
        ids = [
            row[0]
            for row in connection.execute(
                "INSERT INTO accounts_user (password, is_superuser, username, first_name,"
                " last_name, email, is_staff, is_active, date_joined)"
                " SELECT '!', false, 'rule-' || g, '', '', '', false, true, now()"
                " FROM generate_series(1, %s::int) AS g ORDER BY g RETURNING id",
                (among + TARGETS + clients,),
            ).fetchall()
        ]
        writers = [(pk, secrets.token_hex(20)) for pk in ids[among + TARGETS :]]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, now(), %s)",
                [(token, pk) for pk, token in writers],
            )
    return ids[:among], ids[among : among + TARGETS], writers


def _fill(url: str, users: list[int], rows: int) -> dict[str, int]:
    """The table without its rules, holding ``rows`` rows; returns how many break each."""
    duplicates = max(1, rows // 1000)
    first, count = users[0], len(users)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SET statement_timeout = 0")  # the role's default caps requests
        for name in RULES:
            connection.execute(f"ALTER TABLE social_follow DROP CONSTRAINT IF EXISTS {name}")
        connection.execute("DROP INDEX IF EXISTS social_follow_unique_relationships")
        connection.execute("TRUNCATE social_follow")
        # Every pair of the users in turn: (a, a) is a self-follow, one in `count`.
        connection.execute(
            "INSERT INTO social_follow (from_user_id, to_user_id, created_at)"
            " SELECT %(first)s + (g / %(count)s) %% %(count)s, %(first)s + g %% %(count)s, now()"
            " FROM generate_series(0, %(base)s - 1) AS g",
            {"first": first, "count": count, "base": rows - duplicates},
        )
        # A second row for some pairs that are not self-follows.
        connection.execute(
            "INSERT INTO social_follow (from_user_id, to_user_id, created_at)"
            " SELECT from_user_id, to_user_id, now() FROM social_follow"
            " WHERE from_user_id <> to_user_id ORDER BY id LIMIT %s",
            (duplicates,),
        )
        connection.execute("VACUUM ANALYZE social_follow")
        self_follows = connection.execute(
            "SELECT count(*) FROM social_follow WHERE from_user_id = to_user_id"
        ).fetchone()
    return {"self_follows": int(self_follows[0]) if self_follows else 0, "duplicated": duplicates}


_FIND = """
import json, resource, sys, time
import django
django.setup()
from django.apps import apps
from integrity.datacheck import find_violations
start = time.monotonic()
found = [f.count for f in find_violations(apps.get_model("social", "Follow"))]
seconds = time.monotonic() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss_mb": rss, "found": found}))
"""

_BARE = """
import json, resource
import django
django.setup()
from django.apps import apps
from integrity.datacheck import find_violations
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _python(code: str, env: Mapping[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "api.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _find_line(env: Mapping[str, str], rows: int, broken: dict[str, int]) -> str:
    found, bare = _python(_FIND, env), _python(_BARE, env)
    return (
        f"find_constraint_violations: rows={rows} violations={sum(found['found'])}"
        f" (self-follows {broken['self_follows']}, duplicated pairs {broken['duplicated']})"
        f" seconds={found['seconds']:.2f} peak_rss_mb={found['rss_mb']:.0f}"
        f" (the same process without the query: {bare['rss_mb']:.0f})"
    )


def _violations(env: Mapping[str, str]) -> int:
    return int(sum(_python(_FIND, env)["found"]))


def _run_path(
    args: argparse.Namespace,
    env: Mapping[str, str],
    server: LiveServer,
    path: str,
    writers: list[tuple[int, str]],
    targets: list[int],
) -> tuple[str, bool]:
    writes = Writes()
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=_write,
            args=(server, token, targets, stop, writes),
            daemon=True,
        )
        for _pk, token in writers
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)  # the writers at full speed before the path starts
    start = time.monotonic()
    migrated = subprocess.run(
        [sys.executable, "-m", "bench.add_rule_path", path, str(args.batch_size)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "api.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    end = time.monotonic()
    seconds = end - start
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()
    writes = writes.during(start, end)
    if migrated.returncode:
        say(migrated.stdout + migrated.stderr)
    after = _violations(env)
    line = (
        f"add-rule: path={path} rows={args.rows} writes={len(writes.latencies_ms)}"
        f" 5xx={writes.server_errors} max_wait_ms={max(writes.latencies_ms, default=0):.0f}"
        f" p99_ms={writes.percentile(0.99):.1f} violations_after={after}"
        f" seconds={seconds:.1f}{'' if migrated.returncode == 0 else ' migrate=failed'}"
    )
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(writes.statuses.items()))
    say(f"{path}: statuses while it ran (0: no answer): {statuses}")
    # A wrong answer fails the run; a slow one is reported, never failed.
    ok = migrated.returncode == 0 and writes.server_errors == 0 and after == 0
    return line, ok and set(writes.statuses) == {201}


def _write(
    server: LiveServer,
    token: str,
    targets: list[int],
    stop: threading.Event,
    writes: Writes,
) -> None:
    # Each writer follows users it has not followed: a new row per request, accepted.
    headers = {"Authorization": f"Token {token}"}
    with server.client() as http:
        http.timeout = httpx.Timeout(60)
        for target in targets:
            if stop.is_set():
                return
            sent = time.monotonic()
            try:
                answer = http.post("/api/follows/", json={"to_user": target}, headers=headers)
            except httpx.HTTPError:
                writes.add(sent, 0)
                continue
            writes.add(sent, answer.status_code)
