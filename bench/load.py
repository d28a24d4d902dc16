"""Run wrk on one route and read the line its Lua script's done() prints."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.routes import Route

RESULT_PREFIX = "BENCH_RESULT "


@dataclass(frozen=True)
class LoadSettings:
    threads: int
    connections: int
    seconds: int


@dataclass(frozen=True)
class Result:
    route: Route
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]
    socket_errors: dict[str, int]
    first_unexpected: str | None
    next_index: int
    # Cores busy with work outside the benchmark meanwhile (bench/cpu.py).
    other_cores: float = 0.0
    slices: int = 1

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def unexpected(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != self.route.expected)

    @property
    def failed(self) -> bool:
        return bool(self.unexpected or any(self.socket_errors.values()) or not self.requests)

    def status_summary(self) -> str:
        counts = ", ".join(f"{s} x{n:,}" for s, n in sorted(self.statuses.items()))
        errors = ", ".join(f"{kind} x{n}" for kind, n in self.socket_errors.items() if n)
        verdict = "FAIL" if self.failed else "ok"
        return f"{verdict} ({counts or 'no responses'}{'; socket ' + errors if errors else ''})"


def best_of(slices: list[Result]) -> Result:
    """
    The fastest slice's speed, every slice's statuses. Another process on the
    machine only ever slows a slice down, so the fastest is the best estimate
    of the service's own speed; a wrong status in any slice still fails the run.
    """
    best = max(slices, key=lambda result: result.rate)
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    for result in slices:
        statuses.update(result.statuses)
        errors.update(result.socket_errors)
    first = next((r.first_unexpected for r in slices if r.first_unexpected), None)
    return replace(
        best,
        statuses=dict(statuses),
        socket_errors=dict(errors),
        first_unexpected=first,
        next_index=max(result.next_index for result in slices),
        slices=len(slices),
    )


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed: apt-get update && apt-get install -y wrk")
    return found


def run(
    route: Route, base_url: str, data_file: Path, settings: LoadSettings, first_index: int = 0
) -> Result:
    command = [
        wrk_path(),
        f"--threads={settings.threads}",
        f"--connections={settings.connections}",
        f"--duration={settings.seconds}s",
        # Well above any latency seen; a slower answer is an error, not a sample.
        "--timeout=10s",
        f"--script={route.script_path}",
        base_url + route.path,
        "--",
        str(data_file),
        str(first_index),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return _result(route, json.loads(line.removeprefix(RESULT_PREFIX)))
    raise RuntimeError(
        f"wrk gave no result for {route.key} (exit {completed.returncode}):\n"
        f"{completed.stdout}{completed.stderr}"
    )


def _result(route: Route, raw: dict[str, Any]) -> Result:
    return Result(
        route=route,
        requests=int(raw["requests"]),
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        statuses={int(status): int(n) for status, n in raw["statuses"].items()},
        socket_errors={kind: int(n) for kind, n in raw["errors"].items()},
        first_unexpected=raw["first_unexpected"],
        next_index=int(raw["next_index"]),
    )
