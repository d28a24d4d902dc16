"""
The integrity distribution across Django versions and databases
(scripts/integrity-matrix): the built wheel, installed into a fresh virtualenv
with the newest DRF, drf-spectacular and drf-standardized-errors that pip picks
for that Django, runs integrity's own tests and its reuse project from the
installed package, in a directory outside the source tree.

    nox -f noxfile.py -- <the wheel> [<PostgreSQL server URL>]
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.error_on_missing_interpreters = True

# Django 6.0 and later need Python 3.12.
DJANGOS = [("3.11", "5.2"), ("3.12", "6.0"), ("3.12", "6.1")]
DATABASES = ["sqlite", "postgresql"]


_REPORT_VERSIONS = """
import sys
from importlib.metadata import version
import integrity
if "site-packages" not in integrity.__file__:
    sys.exit(f"integrity comes from {integrity.__file__}, not the wheel")
names = ["Django", "djangorestframework", "drf-spectacular", "drf-standardized-errors", "psycopg"]
print(f"versions {sys.argv[1]}:", ", ".join(f"{name} {version(name)}" for name in names))
"""


@nox.session
@nox.parametrize("python,django", DJANGOS, ids=[f"django{d}" for _, d in DJANGOS])
@nox.parametrize("database", DATABASES)
def integrity(session: nox.Session, django: str, database: str) -> None:
    if not session.posargs:
        session.error("usage: nox -- <wheel> [<PostgreSQL server URL>]")
    wheel = Path(session.posargs[0]).resolve()
    server = (
        session.posargs[1] if len(session.posargs) > 1 else "postgres://postgres@127.0.0.1:5432"
    )
    session.install(
        f"{wheel}[postgresql]",
        f"Django~={django}.0",
        "psycopg[binary]",
        "pytest",
        "pytest-django",
    )
    # Outside the repository: neither its files nor its pytest configuration apply.
    scratch = Path(tempfile.mkdtemp(prefix="integrity-matrix-"))
    try:
        _run_tests(session, scratch, f"{django}/{database}", server)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run_tests(session: nox.Session, scratch: Path, combination: str, server: str) -> None:
    session.chdir(scratch)
    # The installed wheel, not the source tree; and what pip chose beside it.
    session.run("python", "-c", _REPORT_VERSIONS, combination)
    url = (
        f"{server.rstrip('/')}/integrity_matrix"
        if combination.endswith("/postgresql")
        else f"sqlite:///{scratch / 'integrity.sqlite3'}"
    )
    session.run(
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        # A deprecation on a newer Django is a failure, not a note in the log.
        "-W",
        "error::DeprecationWarning",
        "--ds=integrity.tests.settings",
        "--pyargs",
        "integrity.tests",
        env={"DATABASE_URL": url, "PYTHONPATH": os.devnull},
    )
