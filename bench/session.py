"""Load on a running service: slices, rounds, and where the follow pairs have got to."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bench import cpu, load
from bench.routes import Route


@dataclass(frozen=True)
class Target:
    """A running service and the data file of its database's accounts."""

    base_url: str
    data_file: Path


@dataclass(frozen=True)
class Step:
    key: str
    route: Route
    target: Target


@dataclass
class Session:
    settings: load.LoadSettings
    rounds_per_phase: int
    # Seconds to wait, before a slice, for other work on the machine to stop.
    quiet_wait: int
    # The benchmark's own processes, whose CPU is not "other" (bench/cpu.py).
    pids: Callable[[], list[int]]
    next_pair: int = 0

    def rounds(self, steps: tuple[Step, ...]) -> dict[str, list[load.Result]]:
        """Each step once per round: a burst of other work hits one slice, not a route."""
        slices: dict[str, list[load.Result]] = {step.key: [] for step in steps}
        for _ in range(self.rounds_per_phase):
            for step in steps:
                slices[step.key].append(self.measure(step.route, step.target))
        return slices

    def measure(self, route: Route, target: Target, seconds: int | None = None) -> load.Result:
        settings = self.settings
        if seconds is not None:
            settings = load.LoadSettings(settings.threads, settings.connections, seconds)
        elif self.quiet_wait:
            waited, other = cpu.wait_for_quiet(self.pids, limit=self.quiet_wait)
            if waited > 1.5:
                say(f"  waited {waited:.0f} s for a quieter machine (other CPU {other:.2f})")
        result, other = cpu.measured(
            self.pids,
            lambda: load.run(route, target.base_url, target.data_file, settings, self.next_pair),
        )
        result = replace(result, other_cores=other)
        self.next_pair = max(self.next_pair, result.next_index)
        rate = f"{result.rate:,.0f} req/s, p50 {result.p50_ms:.1f} ms, other CPU {other:.2f}"
        say(f"  {route.key}: {rate}, {result.status_summary()}")
        if result.first_unexpected:
            say(f"    first unexpected response: {result.first_unexpected}")
        return result


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
