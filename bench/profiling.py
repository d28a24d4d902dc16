"""
Where a route's time goes in the workers: py-spy samples them during an extra,
unreported load (``--profile KEY``). py-spy is not a project requirement:
``.venv/bin/pip install py-spy``.

py-spy's raw output is one collapsed stack per line ("outer;...;leaf count"),
what flamegraph.pl and speedscope read; the summary here buckets it by package.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

# "function (path/to/module.py:123)" -> function, module path. py-spy prints
# site-packages paths from the package down, and the project's from its root.
_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")
ROOT = str(Path(__file__).resolve().parent.parent) + "/"
_PROJECT = re.compile(r"(^|/)(api|accounts|social|scoring)/")
_AREAS = (
    ("rest_framework", re.compile(r"(^|/)rest_framework/")),
    ("django_filters", re.compile(r"(^|/)django_filters/")),
    ("drf_standardized_errors", re.compile(r"(^|/)drf_standardized_errors/")),
    ("django.db", re.compile(r"(^|/)django/db/")),
    ("django (other)", re.compile(r"(^|/)django/")),
    ("psycopg", re.compile(r"(^|/)psycopg")),
    ("gunicorn", re.compile(r"(^|/)gunicorn/")),
    ("whitenoise", re.compile(r"(^|/)whitenoise/")),
)
# A sample's stage is the deepest frame that names one: what the request was
# doing. Later entries are deeper in a request, so a tie goes to the later.
_STAGES = (
    ("gunicorn: accept, parse, write, close, access log", r"^SyncWorker\."),
    ("Django: handler and middleware", r"^WSGIHandler\.__call__$"),
    ("Django: URL resolving", r"^URLResolver\.resolve$"),
    ("Django: request signals (close_old_connections)", r"^close_old_connections$"),
    ("DRF: dispatch (negotiation, permissions, throttles)", r"^APIView\.dispatch$"),
    ("DRF: token authentication (its query)", r"^TokenAuthentication\.authenticate$"),
    ("request body parsing", r"^Request\._load_data_and_files$"),
    ("serializer: validation", r"^Serializer\.is_valid$"),
    ("django-filter", r"^DjangoFilterBackend\.filter_queryset$"),
    ("pagination: the page's query", r"\.paginate_queryset$"),
    ("serializer: representation", r"^(ListSerializer|Serializer)\.data$"),
    ("pagination: next/previous links", r"\.get_paginated_response$"),
    ("rendering", r"^Response\.rendered_content$"),
    (
        "write: INSERT / UPDATE",
        r"^(QuerySet\._insert|QuerySet\._update|QuerySet\.update_or_create)$",
    ),
    ("violation -> 400 (identify, error body)", r"^(violation_error|APIView\.handle_exception)$"),
    ("transaction: BEGIN, COMMIT, ROLLBACK, savepoints", r"^(Atomic\.__enter__|Atomic\.__exit__)$"),
    ("connection health check (SELECT 1)", r"^BaseDatabaseWrapper\.close_if_health_check_failed$"),
)
_STAGE_PATTERNS = tuple((label, re.compile(pattern)) for label, pattern in _STAGES)


def py_spy() -> str:
    # Installed in the virtualenv, which need not be on PATH.
    found = shutil.which(
        "py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    )
    if found is None:
        raise RuntimeError("--profile needs py-spy: .venv/bin/pip install py-spy")
    return found


def record(pids: list[int], seconds: int, output: Path, load: Callable[[], object]) -> Path:
    """Sample ``pids`` while ``load()`` runs; the stacks of all of them, in one file."""
    outputs = [output.with_suffix(f".{pid}.txt") for pid in pids]
    samplers = []
    for pid, out in zip(pids, outputs, strict=True):
        command = [py_spy(), "record", "--pid", str(pid), "--duration", str(seconds)]
        command += ["--rate", "250", "--format", "raw", "--output", str(out)]
        samplers.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    load()
    for sampler in samplers:
        sampler.wait(timeout=seconds + 60)
    output.write_text("".join(out.read_text() for out in outputs if out.exists()))
    for out in outputs:
        out.unlink(missing_ok=True)
    return output


def summary(stacks_file: Path, title: str, top: int = 25) -> str:
    total = 0
    leaf_area: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    stage_in_psycopg: Counter[str] = Counter()
    for line in stacks_file.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        n = int(samples)
        total += n
        raw = stack.split(";")
        frames = [_name(frame) for frame in raw]
        leaf[frames[-1]] += n
        area = _area(raw[-1])
        leaf_area[area] += n
        stage = _stage(raw)
        stages[stage] += n
        if area == "psycopg":
            stage_in_psycopg[stage] += n
        for frame in set(frames):
            inclusive[frame] += n
    if not total:
        return f"# {title}\n\nNo samples.\n"
    # The worker's loop and the handler's frames are on every stack: not news.
    inclusive = Counter({k: n for k, n in inclusive.items() if n < 0.95 * total})

    def table(counter: Counter[str], header: str) -> list[str]:
        rows = [f"| {header} | samples | share |", "| --- | ---: | ---: |"]
        rows += [f"| `{k}` | {n} | {n / total:.1%} |" for k, n in counter.most_common(top)]
        return rows

    stage_rows = ["| stage | share | of which in psycopg |", "| --- | ---: | ---: |"]
    stage_rows += [
        f"| {k} | {n / total:.1%} | {stage_in_psycopg[k] / total:.1%} |"
        for k, n in stages.most_common()
    ]
    return "\n".join(
        [
            f"# {title}",
            "",
            f"{total} samples (py-spy, both workers, idle excluded). In psycopg is mostly"
            " waiting for PostgreSQL's answer (a round trip).",
            "",
            "## By stage of the request (the deepest stage on the stack)",
            "",
            *stage_rows,
            "",
            "## Own time by package (the leaf frame's file)",
            "",
            *table(leaf_area, "package"),
            "",
            "## Own time by function",
            "",
            *table(leaf, "function"),
            "",
            "## Inclusive time by function (on the stack; frames on almost every stack left out)",
            "",
            *table(inclusive, "function"),
            "",
        ]
    )


def _stage(raw: list[str]) -> str:
    found = "other"
    for frame in raw:
        function = frame.split(" (", 1)[0]
        for label, pattern in _STAGE_PATTERNS:
            if pattern.search(function):
                found = label
    return found


def _name(frame: str) -> str:
    match = _FRAME.match(frame)
    if match is None:
        return frame
    path = match.group("file").removeprefix(ROOT)
    path = re.sub(r"^.*/(site-packages|lib/python3\.\d+)/", "", path)
    return f"{match.group('function')} ({path})"


def _area(frame: str) -> str:
    match = _FRAME.match(frame)
    path = match.group("file") if match else frame
    if path.startswith(ROOT) or (_PROJECT.match(path) and "site-packages" not in path):
        return "project (api, accounts, social, scoring)"
    for area, pattern in _AREAS:
        if pattern.search(path):
            return area
    return "stdlib / other"
