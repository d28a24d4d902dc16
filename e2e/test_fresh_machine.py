"""
What a newcomer meets on a fresh clone: the README's commands run as printed,
the test database is made when missing, and nothing warns at migrate.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from e2e.live import ROOT, LiveServer, free_port, fresh_database, is_postgresql, process_env, serve

SERVER_URL = os.environ.get("DATABASE_URL")
# The address the README's commands name; the test's server listens elsewhere.
README_ADDRESS = "localhost:8000"
ADMIN_PASSWORD = "an admin passphrase"


def readme_commands() -> list[str]:
    """Every command in the README's sh blocks, continuation lines joined, comments dropped."""
    text = (ROOT / "README.md").read_text()
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.sub(r"(^|\s+)#.*$", "", line).strip()
            if command:
                commands.append(command)
    return commands


def _configuration_table() -> set[str]:
    section = (ROOT / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def _variables_read_by_the_service() -> set[str]:
    sources = [ROOT / "scripts" / "serve"]
    for app in ("api", "accounts", "social", "scoring"):
        sources += [p for p in (ROOT / app).rglob("*.py") if "tests" not in p.parts]
    pattern = re.compile(
        r"""env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"|os\.environ(?:\.get\(|\[)\s*"([A-Z][A-Z0-9_]+)"|\$\{([A-Z][A-Z0-9_]+)"""
    )
    found = {
        name for path in sources for match in pattern.findall(path.read_text()) for name in match
    }
    return found - {"", "DJANGO_SETTINGS_MODULE"}


def test_configuration_table_lists_every_variable_the_service_reads() -> None:
    read = _variables_read_by_the_service()

    assert {"DATABASE_URL", "SECRET_KEY", "BIND", "LOG_LEVEL", "WEB_CONCURRENCY"} <= read
    assert read - _configuration_table() == set()


@dataclass(frozen=True)
class Clone:
    path: Path
    server: LiveServer

    def run(self, command: str) -> str:
        local = command.replace(README_ADDRESS, self.server.url.removeprefix("http://"))
        env = {key: value for key, value in self.server.env.items() if key != "BIND"}
        # No terminal: stdin is closed, as in a script or a container's shell.
        result = subprocess.run(  # noqa: S603 (the README's own commands)
            ["bash", "-c", local],  # noqa: S607
            cwd=self.path,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
        return result.stdout


def _copy_of_working_tree(target: Path) -> Path:
    # What a fresh clone holds (the tracked files, as they are now), with the
    # virtualenv the tests run in, so that the scripts install nothing more.
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    (target / ".venv").symlink_to(Path(sys.executable).parent.parent)
    return target


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clone]:
    path = _copy_of_working_tree(tmp_path_factory.mktemp("clone"))
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with fresh_database(SERVER_URL, tmp_path_factory.mktemp("db")) as database_url:
        # No SECRET_KEY: scripts/serve makes and keeps one, as for a newcomer.
        env = process_env(DATABASE_URL=database_url)
        with serve(env, log, cwd=path, command=["scripts/serve"]) as server:
            yield Clone(path, server)


def test_readme_commands_run_as_printed_after_scripts_serve(clone: Clone) -> None:
    commands = readme_commands()
    # The quick start, an admin, a user and its token, and the data check.
    assert {"scripts/serve", "scripts/test"} <= set(commands)
    assert any("manage.py createsuperuser" in command for command in commands)
    assert sum("find_constraint_violations" in command for command in commands) >= 2
    assert sum(command.startswith("curl") for command in commands) >= 2

    outputs = {
        command: clone.run(command)
        for command in commands
        # The one is serving; the other is running these tests.
        if command not in ("scripts/serve", "scripts/test")
    }

    assert '"token"' in next(out for cmd, out in outputs.items() if "/api/auth/token/" in cmd)
    with clone.server.client() as http:
        admin = http.post(
            "/api/auth/token/", json={"username": "admin", "password": ADMIN_PASSWORD}
        )
        assert admin.status_code == 200, admin.text
        staff = {"Authorization": f"Token {admin.json()['token']}"}
        # A staff-only route answers the superuser: 404 while no account is set.
        account = http.get("/api/remote-api-account/", headers=staff)
        assert account.status_code == 404, account.text
        # The quick start keeps a key for the stored token: every resource works.
        stored = http.put(
            "/api/remote-api-account/",
            json={"access_token": "remote-token-1234", "access_token_expires": "2099-01-01T00:00"},
            headers=staff,
        )
        assert stored.status_code == 201, stored.text
        assert http.get("/api/remote-api-account/", headers=staff).json()["access_token_hint"] == (
            "…1234"
        )
    # manage.py finds the same key: the stored token is re-encrypted, not lost.
    rotated = clone.run(".venv/bin/python manage.py rotate_remote_token_key")
    assert "Re-encrypted 1 stored token(s)" in rotated


def test_the_kept_keys_are_readable_by_their_owner_only(clone: Clone) -> None:
    for name in (".secret_key", ".remote_api_token_key"):
        kept = clone.path / name
        assert kept.read_text().strip(), name
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600, name


def test_api_root_links_every_resource_and_the_docs(clone: Clone) -> None:
    with clone.server.client() as http:
        index = http.get("/api/")
        assert index.status_code == 200, index.text
        links = index.json()
        assert {"users", "follows", "events", "scores", "schema", "docs", "redoc"} <= set(links)
        for name, url in links.items():
            answer = http.get(url)
            # A staff-only route answers 401 to an anonymous GET, the token route
            # (POST only) 405; every link names a route that exists.
            assert answer.status_code in (200, 401, 405), (name, answer.status_code)


@pytest.fixture
def production_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with fresh_database(SERVER_URL, tmp_path) as database_url:
        yield process_env(
            ALLOWED_HOSTS="api.example.com",
            DATABASE_URL=database_url,
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            SECURE_SSL="1",
        )


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (a fixed command)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_migrate_and_deploy_check_print_no_warning(production_env: dict[str, str]) -> None:
    migrate = _manage(production_env, "migrate", "--no-input")
    deploy = _manage(
        production_env, "check", "--deploy", "--database", "default", "--fail-level", "WARNING"
    )

    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert "WARNING" not in migrate.stdout + migrate.stderr
    assert "System check identified" not in migrate.stdout + migrate.stderr
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert "System check identified no issues (0 silenced)." in deploy.stdout


def _ensure_database(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (the script scripts/test runs)
        [sys.executable, "scripts/ensure_database.py", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_unreachable_postgresql_is_one_line_and_a_failure() -> None:
    result = _ensure_database(f"postgres://postgres@127.0.0.1:{free_port()}/constrained")

    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "did not run" in result.stderr
    assert "not reachable" in result.stderr


@pytest.mark.postgresql
@pytest.mark.skipif(not is_postgresql(SERVER_URL), reason="needs PostgreSQL")
def test_missing_test_database_is_created() -> None:
    assert is_postgresql(SERVER_URL)
    name = f"fresh_{os.getpid()}_{secrets.token_hex(3)}"
    url = SERVER_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        first = _ensure_database(url)
        again = _ensure_database(url)

        assert first.returncode == 0, first.stderr
        assert again.returncode == 0, again.stderr
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT current_database()").fetchone() == (name,)
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as connection:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            connection.execute(drop.format(sql.Identifier(name)))
