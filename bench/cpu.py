"""
How busy the machine was with work other than the benchmark's, during a route.

The machine is shared (other developers' test runs): a row measured while
something else held a core is not comparable with one that was not. Other CPU
= the machine's busy time (/proc/stat) minus the CPU time of the benchmark's
processes: the gunicorn master and workers, their PostgreSQL backends, and wrk
(a waited-for child, in this process's RUSAGE_CHILDREN).
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sample:
    busy: float
    ours: float
    children: float


def machine_busy() -> float:
    """Seconds of CPU the machine spent on anything but idle and I/O wait, since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, iowait = fields[3], fields[4]
    # guest and guest_nice (fields 8, 9) are counted in user and nice already.
    return (sum(fields[:8]) - idle - iowait) / _TICK


def process_cpu(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def sample(pids: list[int]) -> Sample:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Sample(
        busy=machine_busy(),
        ours=sum(process_cpu(pid) for pid in pids),
        children=children.ru_utime + children.ru_stime,
    )


def other_cores(before: Sample, after: Sample, seconds: float) -> float:
    """Cores busy with others' work on average over ``seconds``."""
    ours = (after.ours - before.ours) + (after.children - before.children)
    return max(0.0, (after.busy - before.busy - ours) / seconds) if seconds else 0.0


def measured(pids: Callable[[], list[int]], work: Callable[[], T]) -> tuple[T, float]:
    """``work()``'s result, and the cores others used meanwhile."""
    start_pids = pids()
    before = sample(start_pids)
    started = time.monotonic()
    result = work()
    elapsed = time.monotonic() - started
    after = sample(start_pids)
    return result, other_cores(before, after, elapsed)


def wait_for_quiet(
    pids: Callable[[], list[int]], *, limit: float, threshold: float = 0.25
) -> tuple[float, float]:
    """
    Wait, at most ``limit`` seconds, until others use under ``threshold`` cores
    over a second: ``(seconds waited, others' cores in the last second)``.
    Another developer's test run can hold a core for minutes; waiting longer
    than the limit would make the benchmark hang on a busy machine.
    """
    started = time.monotonic()
    other = 0.0
    while True:
        _, other = measured(pids, lambda: time.sleep(1))
        waited = time.monotonic() - started
        if other < threshold or waited >= limit:
            return waited, other
