"""
Each lever measured alone on the running service:
``.venv/bin/python bench/run.py levers --live [--duration S] [--rounds N]``.

bench/levers.py measures the CPU a request costs inside one process; what it
leaves out shows here: the database's own work, the server, and the threads of
a worker sharing its GIL. The service runs as bench/run.py runs it (Granian, the
production settings, one database seeded alike), once as shipped and once per
lever (bench/lever_wsgi.py, or a setting), beside django-ninja for scale. wrk
drives the floor, the refused and the accepted create against each server in
turn, every server once per round; a row is each server's fastest round, with
that round's p50 and p99 and the CPU its worker processes and PostgreSQL's
processes spent per request (read from /proc).
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import run
from bench.common import migrated_database, say
from e2e.live import START_COMMAND, LiveServer, serve

ROUTES = [r for r in run.ROUTES if r.script in ("health.lua", "follow_self.lua")] + [
    run.SINGLE_CREATE
]
# name: (settings over the service's, the lever bench/lever_wsgi.py pulls)
LEVERS: dict[str, tuple[dict[str, str], str]] = {
    "as shipped": ({}, ""),
    "no prepared statements": ({"DATABASE_PREPARE_THRESHOLD": "0"}, ""),
    "no gc.freeze": ({}, "no gc.freeze"),
    "refusal not judged": ({}, "refusal not judged"),
    "fields built per serializer": ({}, "fields built per serializer"),
    "4xx warning logged": ({}, "4xx warning logged"),
    # What the write limit's counter costs a write: its statement, and its round trip.
    "no write limit": ({"THROTTLE_WRITE": ""}, ""),
    "django-ninja (for scale)": ({"DJANGO_SETTINGS_MODULE": run.SETTINGS["ninja"]}, ""),
}
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Best:
    rate: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    server_ms: float = 0.0
    database_ms: float = 0.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py levers --live", description=__doc__)
    parser.add_argument("--duration", type=float, default=3, help="seconds per slice")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--server-url",
        default=os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)
    wrk = argparse.Namespace(duration=args.duration, rounds=1, threads=2, connections=8)
    best = {(lever, route.label): Best() for lever in LEVERS for route in ROUTES}
    failed = False
    with ExitStack() as stack:
        url, scratch, env = migrated_database(stack, args.server_url, args.workers)
        data = scratch / "data.lua"
        data.write_text(run._seed(url, 2000, 1000, wrk.threads) + run._events(url, False))
        servers: dict[str, LiveServer] = {}
        for lever, (settings, pulled) in LEVERS.items():
            command = [*START_COMMAND, *(["bench.lever_wsgi:application"] if pulled else [])]
            lever_env = {**env, **settings, "BENCH_LEVER": pulled}
            log = scratch / f"{len(servers)}.log"
            servers[lever] = stack.enter_context(serve(lever_env, log, command=command))
        next_index: dict[str, int] = {}
        for round_number in range(args.rounds):
            say(f"round {round_number + 1}/{args.rounds}")
            for route in ROUTES:
                for lever, server in servers.items():
                    side = "ninja" if lever.startswith("django-ninja") else "ours"
                    expected = run._expected(route, side)
                    assert expected is not None
                    before = _cpu(_tree(server.pid)), _cpu(_postgres())
                    raw = run._wrk(
                        wrk, server, route, data, next_index.get(route.script, 0), expected
                    )
                    after = _cpu(_tree(server.pid)), _cpu(_postgres())
                    next_index[route.script] = int(raw["next_index"])
                    failed |= set(raw["statuses"]) != {str(expected)} or bool(raw["socket_errors"])
                    _keep(best[lever, route.label], raw, before, after)
    print(_table(best))
    return 1 if failed else 0


def _keep(
    best: Best, raw: dict[str, Any], before: tuple[float, float], after: tuple[float, float]
) -> None:
    requests = int(raw["requests"]) or 1
    rate = requests / (raw["duration_us"] / 1e6)
    if rate > best.rate:
        best.rate = rate
        best.p50_ms, best.p99_ms = raw["p50_us"] / 1000, raw["p99_us"] / 1000
        best.server_ms = (after[0] - before[0]) / requests * 1000
        best.database_ms = (after[1] - before[1]) / requests * 1000


def _tree(pid: int | None) -> list[str]:
    pids, found = ([str(pid)] if pid else []), []
    while pids:
        each = pids.pop()
        found.append(each)
        for task in _listdir(f"/proc/{each}/task"):
            pids += _read(f"/proc/{each}/task/{task}/children").split()
    return found


def _postgres() -> list[str]:
    return [
        p
        for p in _listdir("/proc")
        if p.isdigit() and _read(f"/proc/{p}/comm").strip() == "postgres"
    ]


def _cpu(pids: list[str]) -> float:
    """Seconds of CPU (user and system) the processes have spent."""
    total = 0
    for pid in pids:
        fields = _read(f"/proc/{pid}/stat").rpartition(")")[2].split()
        if len(fields) > 12:
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:  # the process has gone
        return ""


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _table(best: dict[tuple[str, str], Best]) -> str:
    lines = [
        "| lever | "
        + " | ".join(f"{r.label}: req/s, p50 / p99 ms, CPU ms (server + db)" for r in ROUTES)
        + " |",
        "| --- | " + " | ".join("---:" for _ in ROUTES) + " |",
    ]
    for lever in LEVERS:
        cells = []
        for route in ROUTES:
            b, shipped = best[lever, route.label], best["as shipped", route.label]
            change = (
                "" if lever == "as shipped" else f" ({(b.rate - shipped.rate) / shipped.rate:+.0%})"
            )
            cells.append(
                f"{b.rate:,.0f}{change}, {b.p50_ms:.1f} / {b.p99_ms:.1f}, "
                f"{b.server_ms:.2f} + {b.database_ms:.2f}"
            )
        lines.append(f"| {lever} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
