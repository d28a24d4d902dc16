"""The run's one markdown table, and the targets it is read against (reported, not asserted)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.load import LoadSettings, Result
from bench.plans import Plan
from bench.statements import StatementCount

RSS_TARGET_MIB = 100.0
LARGE_PAGE_TARGET = 1.2


@dataclass(frozen=True)
class Row:
    label: str
    result: Result


@dataclass(frozen=True)
class Run:
    rows: tuple[Row, ...]
    floor: Result
    # (follows in the table, the list's result) at the seeded size and, unless smoke, a million.
    small_page: tuple[int, Result]
    large_page: tuple[int, Result] | None
    # EXPLAIN ANALYZE of the page's SELECT at the small and the large table.
    plans: tuple[Plan | None, Plan | None]
    rss_mib: dict[int, float]
    statements: dict[str, StatementCount] | None
    statements_note: str
    settings: LoadSettings
    rounds: int
    workers: int
    context: str


def markdown(run: Run) -> str:
    lines = [
        f"Benchmark: {run.context}",
        "",
        f"gunicorn `--config gunicorn.conf.py`, {run.workers} sync workers, PostgreSQL;"
        f" wrk {run.settings.threads} threads, {run.settings.connections} connections."
        f" Each route ran in {run.rounds} slice(s) of {run.settings.seconds} s, interleaved"
        " with the others (the floor in every phase); a row is its fastest"
        " slice (req/s, latency, other CPU), its statuses are every slice's. Ratio: req/s"
        " / the floor's req/s. Other CPU: cores busy with work outside the benchmark during"
        " that slice (the machine is shared).",
        "",
        "| route | req/s | p50 ms | p99 ms | ratio to floor | target | statuses | SQL/req"
        " | other CPU |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |",
    ]
    lines += [_row(run, row) for row in run.rows]
    lines += ["", *_targets(run)]
    if run.statements:
        lines += ["", *_statement_samples(run.statements)]
    lines += ["", f"SQL/req: {run.statements_note}"]
    return "\n".join(lines) + "\n"


def _row(run: Run, row: Row) -> str:
    result = row.result
    ratio = result.rate / run.floor.rate if run.floor.rate else 0.0
    share = result.route.floor_share
    target = f">= {share:g}: {_verdict(ratio >= share)}" if share is not None else ""
    statements = run.statements.get(result.route.key) if run.statements else None
    sql = f"{statements.per_request:.1f}" if statements else "n/a"
    return (
        f"| {row.label} | {result.rate:,.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f}"
        f" | {ratio:.2f} | {target} | {result.status_summary()} | {sql}"
        f" | {result.other_cores:.2f} |"
    )


def _targets(run: Run) -> list[str]:
    lines = []
    if run.rss_mib:
        worst = max(run.rss_mib.values())
        each = ", ".join(f"{mib:.1f}" for mib in run.rss_mib.values())
        lines.append(
            f"- Worker RSS after the load (VmRSS, MiB): {each};"
            f" target <= {RSS_TARGET_MIB:g} per worker: {_verdict(worst <= RSS_TARGET_MIB)}"
        )
    small_size, small = run.small_page
    if run.large_page is None:
        lines.append(
            f"- Page of follows at a large table: not measured (smoke run: {small_size:,} only)"
        )
    else:
        large_size, large = run.large_page
        ratio = large.p50_ms / small.p50_ms if small.p50_ms else float("inf")
        lines.append(
            f"- Page of follows at {large_size:,} vs {small_size:,} follows: p50"
            f" {large.p50_ms:.1f} / {small.p50_ms:.1f} ms = {ratio:.2f}x"
            f" (p99 {large.p99_ms:.1f} / {small.p99_ms:.1f} ms);"
            f" target <= {LARGE_PAGE_TARGET:g}x: {_verdict(ratio <= LARGE_PAGE_TARGET)}"
        )
    small_plan, large_plan = run.plans
    if small_plan is not None:
        sizes = f"{small_size:,}"
        times = f"{small_plan.execution_ms:.3f}"
        if large_plan is not None and run.large_page is not None:
            sizes += f" / {run.large_page[0]:,}"
            times += f" / {large_plan.execution_ms:.3f}"
        lines.append(
            f"- The page's SELECT in PostgreSQL (EXPLAIN ANALYZE, median of 5) at {sizes}"
            f" follows: {times} ms, {small_plan.rows} rows; plan `{small_plan.shape}`"
            + (
                f" / `{large_plan.shape}`"
                if large_plan is not None and large_plan.shape != small_plan.shape
                else ""
            )
        )
    lines += _rows_per_second(run)
    failed = [row.label for row in run.rows if row.result.failed]
    lines.append(
        f"- Unexpected statuses or socket errors: {'; '.join(failed) if failed else 'none'}"
    )
    return lines


def _rows_per_second(run: Run) -> list[str]:
    by_key = {row.result.route.key: row.result for row in run.rows}
    lines = []
    for row in run.rows:
        route = row.result.route
        single = by_key.get(route.compared_with or "")
        if single is None or not single.rate:
            continue
        rows = row.result.rate * route.rows
        lines.append(
            f"- Rows created per second, {route.rows} per request ({route.path}): {rows:,.0f}"
            f" vs {single.rate:,.0f} one per request ({single.route.path}) ="
            f" {rows / single.rate:.1f}x"
        )
    return lines


def _statement_samples(statements: dict[str, StatementCount]) -> list[str]:
    lines = ["<details><summary>Statements of one request, per route</summary>", ""]
    for key, count in statements.items():
        lines.append(f"- `{key}` ({count.per_request:.1f}):")
        lines += [f"  - `{_shorten(statement)}`" for statement in count.sample]
    return [*lines, "", "</details>"]


def _verdict(hit: bool) -> str:
    return "hit" if hit else "**miss**"


def _shorten(statement: str, width: int = 110) -> str:
    return statement if len(statement) <= width else statement[: width - 3] + "..."
