"""The service started the way its container starts it, on a database made for the run."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
# The Dockerfile's CMD; test_dockerfile.py holds the two together.
START_COMMAND = ("python", "-m", "api.server")
# The virtualenv's python and scripts (hadolint, ...), found the way the image's PATH finds them.
BIN_DIR = Path(sys.executable).parent
# A name that is not localhost, for the browser: Swagger UI skips some outside
# calls (its validator badge) on localhost, and a deployment is not on localhost.
PUBLIC_HOST = "api.e2e.test"
# pytest-django points DJANGO_SETTINGS_MODULE at the test settings; the live service
# runs the real ones. The rest each caller sets, or leaves out on purpose.
_NOT_INHERITED = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "REMOTE_API_TOKEN_KEYS")


@dataclass(frozen=True)
class LiveServer:
    url: str
    host: str | None  # the Host header clients send; None: the URL's
    env: Mapping[str, str]
    log: Path
    pid: int | None = None  # the server's main process (its workers are its children)

    def client(self) -> httpx.Client:
        headers = {"Host": self.host} if self.host else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)


def process_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    env["PATH"] = f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **overrides}


def is_postgresql(url: str | None) -> TypeGuard[str]:
    return bool(url and url.startswith("postgres"))


def reached_at(database_url: str, host: str, port: int) -> str:
    """The same database, reached through another address (a proxy, another host's view)."""
    parts = urlsplit(database_url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


@contextmanager
def fresh_database(server_url: str | None, scratch: Path, prefix: str = "e2e") -> Iterator[str]:
    """A new database on the server of ``server_url`` (SQLite: a file in scratch), then dropped."""
    if not is_postgresql(server_url):
        yield f"sqlite:///{scratch / f'{prefix}.sqlite3'}"
        return
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            connection.execute(drop.format(sql.Identifier(name)))


def manage(*args: str, env: Mapping[str, str]) -> str:
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(  # noqa: S603 (a fixed command)
        command, cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(
    env: Mapping[str, str],
    log: Path,
    host: str | None = None,
    cwd: Path = ROOT,
    bind: str | None = None,
    wrapper: Sequence[str] = (),
    command: Sequence[str] = START_COMMAND,
) -> Iterator[LiveServer]:
    # bind: "address:port" (default: a free port on 127.0.0.1); wrapper: a command
    # that runs the start command somewhere else, e.g. `ip netns exec <name>`;
    # command: another way to start the service (the README's scripts/serve).
    bind = bind or f"127.0.0.1:{free_port()}"
    env = {**env, "BIND": bind}
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 (the image's CMD)
            [*wrapper, *command], cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        server = LiveServer(url=f"http://{bind}", host=host, env=env, log=log, pid=process.pid)
        _wait_until_ready(server, process)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass(frozen=True)
class ServerFactory:
    """More servers like the session's: the same image tree, settings and database."""

    env: Mapping[str, str]
    cwd: Path
    log: Callable[[str], Path]

    def start(
        self,
        name: str,
        *,
        bind: str | None = None,
        wrapper: Sequence[str] = (),
        **overrides: str,
    ) -> AbstractContextManager[LiveServer]:
        env = {**self.env, **overrides}
        return serve(env, self.log(name), cwd=self.cwd, bind=bind, wrapper=wrapper)


def _wait_until_ready(server: LiveServer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    with server.client() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                if http.get("/api/health/ready/").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise RuntimeError(
        f"the server did not become ready:\n{server.log.read_text(errors='replace')}"
    )
