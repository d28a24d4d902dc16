"""The command line of bench/run.py, with the smoke run's defaults."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from bench.routes import ROUTES

RESULTS = Path(__file__).resolve().parent / "results"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="The benchmark: see bench/README.md."
    )
    parser.add_argument("--smoke", action="store_true", help="2 s per route, no large table")
    parser.add_argument("--duration", type=int, help="seconds per route (default 10; smoke 2)")
    parser.add_argument("--follows", type=int, default=1000, help="follows at the small table")
    parser.add_argument(
        "--large-follows", type=int, default=1_000_000, help="follows at the large table; 0: skip"
    )
    # wrk and the service share the machine's cores: see bench/README.md.
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument(
        "--rounds",
        type=int,
        help="slices per route, interleaved; the fastest is reported (default 5; smoke 1)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=int,
        help="before each slice, wait up to this many seconds for other work on the"
        " machine to stop (default 10; smoke 0)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="gunicorn workers (default: gunicorn.conf.py's, two per core)",
    )
    parser.add_argument("--writers", type=int, default=2000, help="users with tokens")
    parser.add_argument("--scores", type=int, default=500)
    parser.add_argument("--statement-requests", type=int, default=20)
    parser.add_argument(
        "--server-url",
        default=os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server to create the run's database on",
    )
    parser.add_argument("--output", type=Path, help="default: bench/results/latest.md (smoke.md)")
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        choices=[route.key for route in ROUTES],
        help="sample the workers with py-spy during an extra load of this route",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.duration = args.duration or 2
        args.large_follows = 0
        args.quiet_wait = args.quiet_wait or 0
        args.rounds = args.rounds or 1
    args.duration = args.duration or 10
    args.quiet_wait = 10 if args.quiet_wait is None else args.quiet_wait
    args.rounds = args.rounds or 5
    args.output = args.output or RESULTS / ("smoke.md" if args.smoke else "latest.md")
    return args
