"""
The benchmark: ``.venv/bin/python bench/run.py [--smoke] [--duration S] [--workers N]``;
``bench/run.py add-rule [--rows N]``: rules added to a live table (bench/add_rule.py).

A fresh PostgreSQL database, the service and two baselines, stock DRF
(bench/baseline/) and django-ninja (bench/ninja/), started the same way on it,
wrk on each route against all three in the same rounds, one markdown table (see
bench/README.md). Speed is reported
against the targets, never asserted: the exit status is 1 only for a wrong
status or a socket error.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the repository, not bench/

from bench.common import migrated_database, say  # noqa: E402
from e2e.live import LiveServer, serve  # noqa: E402

BENCH = Path(__file__).resolve().parent
WRK = BENCH / "wrk"
RSS_TARGET_MB = 100.0
P99_TARGET = 3.0  # p99 at most this many times p50
SIDES = ("ours", "base", "ninja")
SETTINGS = {"base": "bench.baseline.settings", "ninja": "bench.ninja.settings"}


@dataclass(frozen=True)
class Route:
    label: str
    path: str
    script: str
    status: int  # the service's answer
    # Stock DRF's (a CHECK violation escapes as a 500) and django-ninja's; None: no route.
    baseline_status: int | None
    ninja_status: int | None
    target: float | None = None  # the least req/s ratio to stock DRF
    ninja_target: float | None = None  # the least req/s ratio to django-ninja
    rows: int = 1  # rows a request writes
    if_match: bool = False  # each request carries the current ETag in If-Match


ROUTES = (
    Route("GET /api/health/live/ (floor)", "/api/health/live/", "health.lua", 200, 200, 200, 0.8),
    Route("GET /api/follows/ (page of 20)", "/api/follows/", "list.lua", 200, 200, 200, None, 1.0),
    Route(
        "POST /api/follows/ self-follow",
        "/api/follows/",
        "follow_self.lua",
        400,
        500,
        400,
        None,
        1.0,
    ),
    # Each writer's own event, a new title each time: without and with If-Match.
    Route("PATCH /api/events/{id}/", "/api/events/", "event_patch.lua", 200, None, None),
    Route(
        "PATCH /api/events/{id}/ If-Match",
        "/api/events/",
        "event_patch.lua",
        200,
        None,
        None,
        if_match=True,
    ),
    # Last: they grow the table, and the baselines' pages count the table.
    Route(
        "POST /api/follows/ new pair (201)",
        "/api/follows/",
        "follow_create.lua",
        201,
        201,
        201,
        None,
        1.0,
    ),
    Route(
        "POST /api/follows/bulk/ 100 new pairs (201)",
        "/api/follows/bulk/",
        "follow_bulk.lua",
        201,
        None,
        None,
        rows=100,
    ),
)
SINGLE_CREATE, BULK_CREATE = ROUTES[-2:]
PATCH, CONDITIONAL_PATCH = (route for route in ROUTES if route.script == "event_patch.lua")


@dataclass
class Measured:
    """The fastest slice's speed; every slice's statuses."""

    rate: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    socket_errors: int = 0
    first_unexpected: str = ""

    def add(self, raw: dict[str, Any], expected: int) -> None:
        rate = raw["requests"] / (raw["duration_us"] / 1e6)
        if rate > self.rate:
            self.rate = rate
            self.p50_ms = raw["p50_us"] / 1000
            self.p99_ms = raw["p99_us"] / 1000
        self.statuses.update({int(s): int(n) for s, n in raw["statuses"].items()})
        self.socket_errors += int(raw["socket_errors"])
        if set(self.statuses) - {expected} and not self.first_unexpected:
            self.first_unexpected = str(raw["first_unexpected"])

    def failed(self, expected: int) -> bool:
        return bool(set(self.statuses) - {expected} or self.socket_errors or not self.statuses)

    def summary(self, expected: int) -> str:
        counts = ", ".join(f"{s} x{n:,}" for s, n in sorted(self.statuses.items()))
        errors = f"; {self.socket_errors} socket errors" if self.socket_errors else ""
        return f"{'FAIL' if self.failed(expected) else 'ok'} ({counts}{errors})"


def main(argv: list[str]) -> int:
    if argv[:1] == ["add-rule"]:
        from bench import add_rule

        return add_rule.main(argv[1:])
    if argv[:2] == ["levers", "--live"]:
        from bench import live_levers

        return live_levers.main(argv[2:])
    if argv[:1] == ["levers"]:
        from bench import levers

        return levers.main(argv[1:])
    args = _options(argv)
    with ExitStack() as stack:
        url, scratch, env = migrated_database(stack, args.server_url, args.workers)
        data = scratch / "data.lua"
        seeded = _seed(url, args.writers, args.follows, args.threads)
        servers = {"ours": stack.enter_context(serve(env, scratch / "service.log"))}
        for side, settings in SETTINGS.items():
            side_env = {**env, "DJANGO_SETTINGS_MODULE": settings}
            servers[side] = stack.enter_context(serve(side_env, scratch / f"{side}.log"))
        results = {(route, side): Measured() for route in ROUTES for side in SIDES}
        next_index: Counter[str] = Counter()  # per script: the first pair not yet sent
        # The reads and the refused write first, every route in each round: a burst of
        # other work on the machine hits one slice, not one route.
        for phase in (ROUTES[:-2], ROUTES[-2:]):
            for round_number in range(args.rounds):
                say(f"round {round_number + 1}/{args.rounds}")
                for route in phase:
                    for side, server in servers.items():
                        expected = _expected(route, side)
                        if expected is None:
                            continue
                        # The events' current tags, for the If-Match route.
                        data.write_text(seeded + _events(url, if_match=route.if_match))
                        raw = _wrk(args, server, route, data, next_index[route.script], expected)
                        next_index[route.script] = int(raw["next_index"])
                        results[route, side].add(raw, expected)
        rss = {side: _worker_rss(server) for side, server in servers.items()}
    text = _report(args, results, rss)
    args.output.write_text(text)
    print(text)
    failed = (m.failed(e) for (r, side), m in results.items() if (e := _expected(r, side)))
    return 1 if any(failed) else 0


def _expected(route: Route, side: str) -> int | None:
    return {"ours": route.status, "base": route.baseline_status, "ninja": route.ninja_status}[side]


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description="See bench/README.md.")
    parser.add_argument("--smoke", action="store_true", help="CI: 1 s per route, one round")
    parser.add_argument("--duration", type=float, help="seconds per route and side (default 10)")
    parser.add_argument("--rounds", type=int, help="slices per route; the fastest counts (5)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--follows", type=int, default=1000, help="follows seeded")
    parser.add_argument("--writers", type=int, default=2000, help="users with tokens")
    parser.add_argument(
        "--server-url",
        default=os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="the PostgreSQL server the run's database is made on",
    )
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (1 if args.smoke else 5)
    args.duration = args.duration or (args.rounds * (1 if args.smoke else 2))
    args.output = args.output or BENCH / "results" / ("smoke.md" if args.smoke else "latest.md")
    return args


def _seed(url: str, writers: int, follows: int, threads: int) -> str:
    """Users with tokens, and follows among other users; returns wrk's data file."""
    with psycopg.connect(url) as connection:
        ids = [
            row[0]
            for row in connection.execute(
                "INSERT INTO accounts_user (password, is_superuser, username, first_name,"
                " last_name, email, is_staff, is_active, date_joined)"
                " SELECT '!', false, 'bench-' || g, '', '', '', false, true, now()"
                " FROM generate_series(1, %s::int) AS g ORDER BY g RETURNING id",
                (writers + follows + 1,),
            ).fetchall()
        ]
        writer_ids, others = ids[:writers], ids[writers:]
        tokens = [secrets.token_hex(20) for _ in writer_ids]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, now(), %s)",
                list(zip(tokens, writer_ids, strict=True)),
            )
            cursor.executemany(
                "INSERT INTO social_follow (from_user_id, to_user_id, created_at)"
                " VALUES (%s, %s, now())",
                [(others[0], other) for other in others[1:]],
            )
            # One event per writer, created by it (only its creator or staff may change it).
            cursor.executemany(
                "INSERT INTO scoring_event (title, start_at, end_at, created_by_id)"
                " VALUES ('bench', DATE '2000-01-01' + %s::int, DATE '2000-01-02' + %s::int, %s)",
                [(day, day, writer) for day, writer in enumerate(writer_ids)],
            )
        connection.execute("ANALYZE")
    pairs = zip(writer_ids, tokens, strict=True)
    rows = ",\n".join(f'{{id = {i}, token = "{token}"}}' for i, token in pairs)
    return f"data = {{threads = {threads}, writers = {{\n{rows}\n}}}}\n"


def _events(url: str, if_match: bool) -> str:
    """The rest of wrk's data file: each writer's event (in the writers' order) and its ETag."""
    with psycopg.connect(url) as connection:
        events = connection.execute(
            "SELECT id, version FROM scoring_event WHERE created_by_id IS NOT NULL"
            " ORDER BY created_by_id"
        ).fetchall()
    rows = ",\n".join(f"{{id = {pk}, tag = '\"{version}\"'}}" for pk, version in events)
    return (
        f"data.events = {{\n{rows}\n}}\n"
        f"data.if_match = {'true' if if_match else 'false'}\n"
        "return data\n"
    )


def _wrk(
    args: argparse.Namespace,
    server: LiveServer,
    route: Route,
    data: Path,
    pair: int,
    expected: int,
) -> dict[str, Any]:
    seconds = max(1, round(args.duration / args.rounds))
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={WRK / route.script}",
        server.url + route.path,
        "--",
        str(data),
        str(pair),
        str(expected),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            raw: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
            return raw
    raise RuntimeError(f"wrk gave no result for {route.label}:\n{done.stdout}{done.stderr}")


def _worker_rss(server: LiveServer) -> list[float]:
    """Each worker's resident memory (VmRSS), MB: the main process's children."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    rss = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss.append(int(line.split()[1]) / 1024)
    return rss


Results = dict[tuple[Route, str], Measured]


def _report(args: argparse.Namespace, results: Results, rss: dict[str, list[float]]) -> str:
    floors = {side: results[ROUTES[0], side].rate for side in SIDES}
    lines = [
        f"Granian (`python -m api.server`), {args.workers} workers each, PostgreSQL, keep-alive;"
        f" wrk {args.threads} threads, {args.connections} connections; the fastest of"
        f" {args.rounds} slice(s) of {max(1, round(args.duration / args.rounds))} s per route"
        f" and side; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| route | req/s | p50 / p99 ms | stock DRF req/s | its p50 / p99 ms | django-ninja"
        " req/s | its p50 / p99 ms | x stock | x ninja | target | ratio to floor (stock's,"
        f" ninja's) | p99 <= {P99_TARGET:g}x p50 | statuses (stock's; ninja's) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for route in ROUTES[:-1]:
        ours = results[route, "ours"]
        cells = [route.label, f"{ours.rate:,.0f}", f"{ours.p50_ms:.1f} / {ours.p99_ms:.1f}"]
        ratios, targets, floor_ratios, statuses = [], [], [_per(ours.rate, floors["ours"])], []
        for side, target in (("base", route.target), ("ninja", route.ninja_target)):
            expected = _expected(route, side)
            if expected is None:
                cells += ["—", "—"]
                ratios.append("—")
                continue
            theirs = results[route, side]
            cells += [f"{theirs.rate:,.0f}", f"{theirs.p50_ms:.1f} / {theirs.p99_ms:.1f}"]
            ratio = ours.rate / theirs.rate if theirs.rate else 0.0
            ratios.append(f"{ratio:.2f}x")
            if target is not None:
                name = "stock" if side == "base" else "ninja"
                targets.append(f">= {target:g}x {name}: {_hit(ratio >= target)}")
            floor_ratios.append(_per(theirs.rate, floors[side]))
            statuses.append(theirs.summary(expected))
        cells += ratios
        cells.append("; ".join(targets))
        cells.append(
            f"{floor_ratios[0]} ({', '.join(floor_ratios[1:])})" if statuses else floor_ratios[0]
        )
        cells.append(_hit(ours.p99_ms <= P99_TARGET * ours.p50_ms))
        others = f" ({'; '.join(statuses)})" if statuses else ""
        cells.append(f"{ours.summary(route.status)}{others}")
        lines.append("| " + " | ".join(cells) + " |")
    bulk, single = results[BULK_CREATE, "ours"], results[SINGLE_CREATE, "ours"]
    bulk_rows = bulk.rate * BULK_CREATE.rows
    gain = bulk_rows / single.rate if single.rate else 0.0
    worst = max(rss["ours"], default=0.0)
    plain, conditional = results[PATCH, "ours"], results[CONDITIONAL_PATCH, "ours"]
    lines += [
        "",
        f"- A conditional PATCH (If-Match, checked in the UPDATE) against an unconditional one:"
        f" {conditional.rate:,.0f} against {plain.rate:,.0f} req/s"
        f" ({conditional.rate / plain.rate if plain.rate else 0:.2f}x),"
        f" p50 {conditional.p50_ms:.1f} against {plain.p50_ms:.1f} ms",
        f"- {BULK_CREATE.label}: {bulk.rate:,.0f} req/s, {bulk_rows:,.0f} follows/s against"
        f" {single.rate:,.0f} single creates/s ({gain:.1f}x);"
        f" p50 {bulk.p50_ms:.1f} ms, p99 {bulk.p99_ms:.1f} ms; {bulk.summary(BULK_CREATE.status)}",
        f"- Worker RSS after the load (MB): {', '.join(f'{mb:.0f}' for mb in rss['ours'])}"
        f" (stock DRF: {', '.join(f'{mb:.0f}' for mb in rss['base'])};"
        f" django-ninja: {', '.join(f'{mb:.0f}' for mb in rss['ninja'])});"
        f" target <= {RSS_TARGET_MB:g}: {_hit(0 < worst <= RSS_TARGET_MB)}",
    ]
    for (route, side), measured in results.items():
        if measured.first_unexpected:
            lines.append(f"- {side} {route.label}: first unexpected `{measured.first_unexpected}`")
    return "\n".join(lines) + "\n"


def _per(rate: float, floor: float) -> str:
    return f"{rate / floor if floor else 0:.2f}"


def _hit(hit: bool) -> str:
    return "hit" if hit else "**miss**"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
