"""
The benchmark: a fresh database, the service as production runs it, wrk on each
route, one markdown table. Speed is reported against the targets, never
asserted; the exit status is non-zero only for a wrong status, a socket error
or a crash.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
from contextlib import ExitStack
from pathlib import Path

import psycopg

from bench import database, load, options, phases, plans, profiling, server
from bench.report import Run, markdown
from bench.routes import FOLLOWS, Accounts, lua_data
from bench.session import Session, Target, say

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    args = options.parse(argv)
    load.wrk_path()
    if args.profile:
        profiling.py_spy()
    context = _context()
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(server.scratch_dir()))
        url = stack.enter_context(database.fresh_database(args.server_url))
        env = server.service_env(url, workers=args.workers, scratch=scratch)
        say(f"database {database.database_name(url)}: migrate, seed")
        database.migrate(env)
        accounts, graph = database.seed(
            url,
            writers=args.writers,
            scores=args.scores,
            graph_users=database.graph_for(args.follows),
        )
        large = _large_table(stack, args, scratch) if args.large_follows else None
        log = scratch / "gunicorn.log"
        # A first start: the checks and the statement count (logged), on the small table.
        problems, counts, note = phases.check_and_count(args, env, log, url, accounts)
        database.fill_follows(url, graph, total=args.follows, seeded=0)
        page_sql = counts[FOLLOWS.key].reading("social_follow") if counts else None
        small_plan = plans.explain(url, page_sql) if page_sql else None
        large_plan = plans.explain(large.url, page_sql) if page_sql and large else None
        # The timed load, without statement logging; the large table's service beside.
        service = stack.enter_context(server.serve(env, log))
        target = _target(service, accounts, scratch / "data.lua", args.threads)
        services = [service]
        large_target = None
        if large is not None:
            large_service = stack.enter_context(
                server.serve(large.env, scratch / "gunicorn-large.log")
            )
            services.append(large_service)
            large_target = _target(
                large_service, large.accounts, scratch / "data-large.lua", args.threads
            )
        database_urls = [url, large.url] if large else [url]

        def pids() -> list[int]:
            ours = [pid for s in services for pid in (s.process.pid, *s.worker_pids())]
            return ours + [pid for u in database_urls for pid in database.backend_pids(u)]

        settings = load.LoadSettings(
            args.threads, args.connections, max(1, round(args.duration / args.rounds))
        )
        session = Session(
            settings,
            rounds_per_phase=args.rounds,
            quiet_wait=args.quiet_wait,
            pids=pids,
            # The statement count's creates took the first pairs.
            next_pair=args.statement_requests,
        )
        size = _follow_count(url)
        rows, small_page, large_page = phases.measure(session, target, size, large_target, large)
        # The workers that ran every route.
        rss = {pid: server.rss_mb(pid) for pid in service.worker_pids()}
        for key in args.profile:
            phases.profile_route(session, service, target, key, args.duration)
        crashes = [line for s in services for line in s.crash_lines()]
    run = Run(
        rows=tuple(rows),
        floor=rows[0].result,
        small_page=small_page,
        large_page=large_page,
        plans=(small_plan, large_plan),
        rss_mib=rss,
        statements=counts,
        statements_note=note,
        settings=settings,
        rounds=args.rounds,
        workers=args.workers,
        context=context,
    )
    text = markdown(run)
    if problems or crashes:
        text += "\n" + "\n".join(f"- FAIL: {line}" for line in [*problems, *crashes]) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    failed = problems or crashes or any(row.result.failed for row in rows)
    return 1 if failed else 0


def _large_table(stack: ExitStack, args: argparse.Namespace, scratch: Path) -> phases.LargeTable:
    url = stack.enter_context(database.fresh_database(args.server_url, suffix="_large"))
    env = server.service_env(url, workers=args.workers, scratch=scratch)
    name = database.database_name(url)
    say(f"database {name}: migrate, seed {args.large_follows:,} follows")
    database.migrate(env)
    graph_users = database.graph_for(args.large_follows)
    # One user with a token reads the list; nothing here writes.
    accounts, graph = database.seed(url, writers=1, scores=args.scores, graph_users=graph_users)
    database.fill_follows(url, graph, total=args.large_follows, seeded=0)
    return phases.LargeTable(url, env, accounts, _follow_count(url))


def _target(service: server.Server, accounts: Accounts, data_file: Path, threads: int) -> Target:
    data_file.write_text(lua_data(accounts, threads))
    return Target(service.url, data_file)


def _follow_count(url: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT count(*) FROM social_follow").fetchone()
    return int(row[0]) if row else 0


def _context() -> str:
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip()

    dirty = " + uncommitted changes" if git("status", "--porcelain") else ""
    load1, load5, _ = os.getloadavg()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}, commit {git('rev-parse', '--short', 'HEAD')}{dirty};"
        f" {os.cpu_count()} CPUs, load average {load1:.2f} / {load5:.2f} at start;"
        f" Python {platform.python_version()}"
    )
