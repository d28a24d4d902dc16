"""The run's phases on running services: checks and statement count, the load, a profile."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench import database, load, profiling, server, statements
from bench.checks import preflight
from bench.options import RESULTS
from bench.report import Row
from bench.routes import (
    CREATES,
    FLOOR,
    FOLLOW,
    FOLLOW_BULK,
    FOLLOWS,
    REMOTE_PUT,
    ROUTES,
    SCORES,
    SELF_FOLLOW,
    Accounts,
)
from bench.session import Session, Step, Target, say

# Lazy imports and first-use caches in the workers: measured, not reported.
WARM_UP_SECONDS = 1
LARGE_KEY = "follows-list-large"


@dataclass(frozen=True)
class LargeTable:
    """A second database, filled to the large size, and its own service."""

    url: str
    env: dict[str, str]
    accounts: Accounts
    follows: int


def check_and_count(
    args: argparse.Namespace, env: Mapping[str, str], log: Path, url: str, accounts: Accounts
) -> tuple[list[str], dict[str, statements.StatementCount] | None, str]:
    pg_log = statements.server_log(url)
    if pg_log is None:
        with server.serve(env, log) as service:
            problems = preflight(service.url, accounts, ROUTES)
        return problems, None, "n/a: the PostgreSQL server log is not readable by this process."
    say(f"checks, and statements per request (log_statement=all on this database; {pg_log})")
    database.set_statement_logging(url, on=True)
    try:
        with server.serve(env, log) as service:
            problems = preflight(service.url, accounts, ROUTES)
            if problems:
                return problems, None, "n/a: the checks failed."
            counts = statements.count(
                url,
                service.url,
                accounts,
                ROUTES,
                pg_log,
                requests=args.statement_requests,
                first_pair=0,
            )
    finally:
        database.set_statement_logging(url, on=False)
    for problem in problems:
        say(f"preflight: {problem}")
    return (
        problems,
        counts,
        "the statements PostgreSQL ran per request (log_statement = 'all' set on the"
        f" benchmark's database only; {args.statement_requests} sequential requests per route"
        " after a warm-up, in a separate gunicorn start: the timed load runs without logging).",
    )


def measure(
    session: Session,
    target: Target,
    size: int,
    large_target: Target | None,
    large: LargeTable | None,
) -> tuple[list[Row], tuple[int, load.Result], tuple[int, load.Result] | None]:
    say("warm-up")
    for route in ROUTES:
        if route not in CREATES:
            session.measure(route, target, seconds=WARM_UP_SECONDS)
    if large_target is not None:
        session.measure(FOLLOWS, large_target, seconds=WARM_UP_SECONDS)
    # The accepted create grows the table: the reads run first, at the seeded size.
    # The page at the large table runs in the same rounds as the page at the
    # small one, so the two see the same machine.
    first_steps = [
        Step(FLOOR.key, FLOOR, target),
        Step(SCORES.key, SCORES, target),
        Step(FOLLOWS.key, FOLLOWS, target),
        Step(SELF_FOLLOW.key, SELF_FOLLOW, target),
        Step(REMOTE_PUT.key, REMOTE_PUT, target),
    ]
    if large_target is not None:
        first_steps.insert(3, Step(LARGE_KEY, FOLLOWS, large_target))
    say(f"load: {session.rounds_per_phase} rounds of {session.settings.seconds} s per route")
    first = session.rounds(tuple(first_steps))
    for route in CREATES:
        session.measure(route, target, seconds=WARM_UP_SECONDS)
    second = session.rounds(
        (Step(FLOOR.key, FLOOR, target), *(Step(route.key, route, target) for route in CREATES))
    )
    small = load.best_of(first[FOLLOWS.key])
    rows = [
        Row(FLOOR.label, load.best_of(first[FLOOR.key] + second[FLOOR.key])),
        Row(SCORES.label, load.best_of(first[SCORES.key])),
        Row(f"{FOLLOWS.label} at {size:,} follows", small),
    ]
    large_page = None
    if large is not None:
        large_page = (large.follows, load.best_of(first[LARGE_KEY]))
        label = f"{FOLLOWS.label} at {large.follows:,} follows (second database)"
        rows.append(Row(label, large_page[1]))
    rows += [
        Row(SELF_FOLLOW.label, load.best_of(first[SELF_FOLLOW.key])),
        Row(FOLLOW.label, load.best_of(second[FOLLOW.key])),
        Row(FOLLOW_BULK.label, load.best_of(second[FOLLOW_BULK.key])),
        Row(REMOTE_PUT.label, load.best_of(first[REMOTE_PUT.key])),
    ]
    return rows, (size, small), large_page


def profile_route(
    session: Session, service: server.Server, target: Target, key: str, seconds: int
) -> None:
    route = next(route for route in ROUTES if route.key == key)
    stacks = RESULTS / f"profile-{key}.txt"
    RESULTS.mkdir(parents=True, exist_ok=True)
    say(f"profile {key} (py-spy, {seconds} s)")
    profiling.record(
        service.worker_pids(), seconds, stacks, lambda: session.measure(route, target, seconds)
    )
    title = f"{route.label}: where the workers' time goes"
    (RESULTS / f"profile-{key}.md").write_text(profiling.summary(stacks, title))
