"""
Schemathesis against the live service, from the schema the service serves: every
check, in the examples, coverage, fuzzing and stateful phases, once as a user and
once as staff (who reach the staff-only routes).

The CLI runs as a subprocess, with schemathesis_hooks.py imported into it. A run
fails the test on any failure and shows the CLI's report of it. Failures that a
deliberate leniency explains (schemathesis_hooks.KNOWN_BUGS, each with its
reason) are kept out of the run's result and printed, one example each (a curl
command and the answer, with pytest -s); any other failure fails the test.

The session's server has a stand-in remote API (conftest.remote_api), so the
staff run's token refresh answers 200 rather than 503 "not configured".
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from e2e.live import BIN_DIR, ROOT, LiveServer
from e2e.users import ApiUser

HOOKS = "e2e.schemathesis_hooks"  # imported by the CLI, with the work tree on its path
# About 20-40 s a run on two cores; two runs per database.
MAX_EXAMPLES = 10


def run_schemathesis(service: LiveServer, user: ApiUser, scratch: Path) -> None:
    known = scratch / "known-bugs.jsonl"
    command = [
        str(BIN_DIR / "schemathesis"),
        "run",
        f"{service.url}/api/schema/",
        f"--header=Authorization: Token {user.token}",
        "--checks=all",
        # Revoking the run's own token would leave every later request a 401: the
        # revocation has its own tests (accounts/tests/test_token.py, test_fuzz.py).
        "--exclude-operation-id=auth_token_destroy",
        "--phases=examples,coverage,fuzzing,stateful",
        f"--max-examples={MAX_EXAMPLES}",
        # Django's CharField refuses NUL (PostgreSQL text cannot hold it) with a
        # documented 400; JSON Schema would need a pattern on every string to say so.
        "--generation-allow-x00=false",
        "--generation-database=none",
        "--request-timeout=10",
        # One worker: with more, hypothesis parses lambdas' source (ast.parse) in several
        # threads at once, which CPython 3.11 can fail with "AST constructor recursion
        # depth mismatch" (a SystemError in the tool, reported as an error of the run).
        "--workers=1",
        "--no-color",
    ]
    if seed := os.environ.get("E2E_SCHEMATHESIS_SEED"):
        command.append(f"--seed={seed}")  # to replay a run: its report shows the seed
    env = {
        **os.environ,
        "E2E_SCHEMATHESIS_KNOWN_BUGS": str(known),
        "PYTHONPATH": str(ROOT),
        "SCHEMATHESIS_HOOKS": HOOKS,
    }
    # The scratch directory takes what the CLI keeps between runs (.schemathesis, .hypothesis).
    result = subprocess.run(  # noqa: S603 (the pinned schemathesis CLI)
        command, cwd=scratch, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    report = result.stdout + result.stderr
    (scratch / "schemathesis.txt").write_text(report)
    assert result.returncode == 0, _failures(report, scratch / "schemathesis.txt")
    if known.exists():
        # Accepted on purpose (schemathesis_hooks.KNOWN_BUGS says why): shown, not failed.
        print(_known_bugs_summary(known, report))


def _failures(report: str, saved: Path) -> str:
    # From the first section that says what went wrong (errors, failures) to the summary.
    starts = [at for at in (report.find("= ERRORS ="), report.find("= FAILURES =")) if at >= 0]
    shown = report[report.rfind("\n", 0, min(starts)) + 1 :] if starts else report[-20000:]
    return f"schemathesis failed (the whole report: {saved}):\n{shown}"


def _known_bugs_summary(known: Path, report: str) -> str:
    first: dict[str, dict[str, str]] = {}
    for line in known.read_text().splitlines():
        entry = json.loads(line)
        first.setdefault(entry["bug"], entry)
    examples = "\n\n".join(
        f"{bug}: {each['check']} on {each['operation']}\n  {each['request']}\n"
        f"  -> {each['status']} {each['response']}"
        for bug, each in sorted(first.items())
    )
    seed = next((line for line in report.splitlines() if line.startswith("Seed:")), "")
    return f"known service bugs, one example each ({seed}):\n\n{examples}"


def test_schemathesis_finds_no_failure_as_a_user(
    service: LiveServer, user: ApiUser, tmp_path: Path
) -> None:
    run_schemathesis(service, user, tmp_path)


def test_schemathesis_finds_no_failure_as_staff(
    service: LiveServer, staff_user: ApiUser, tmp_path: Path
) -> None:
    run_schemathesis(service, staff_user, tmp_path)
