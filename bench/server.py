"""The service as production starts it: ``gunicorn --config gunicorn.conf.py``."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
START_COMMAND = ("gunicorn", "--config", "gunicorn.conf.py")
BIN_DIR = Path(sys.executable).parent
# The benchmark measures the service, not its rate limits.
HIGH_RATE = "1000000/minute"
# Signs of a crash in gunicorn's log: the run fails on any of them.
CRASH_MARKERS = ("Traceback (most recent call last)", "WORKER TIMEOUT", "Worker failed to boot")


def service_env(database_url: str, *, workers: int, scratch: Path) -> dict[str, str]:
    """The production environment, on the run's database; nothing that trades durability."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update(
        PATH=f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        REMOTE_API_TOKEN_KEYS=Fernet.generate_key().decode(),
        WEB_CONCURRENCY=str(workers),
        THROTTLE_AUTH=HIGH_RATE,
        THROTTLE_REGISTER=HIGH_RATE,
        THROTTLE_WRITE=HIGH_RATE,
    )
    shm = Path("/dev/shm")  # noqa: S108 (gunicorn.conf.py's default heartbeat directory)
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        env["WORKER_TMP_DIR"] = str(scratch)
    return env


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def worker_pids(self) -> list[int]:
        return sorted(_children(self.process.pid))

    def crash_lines(self) -> list[str]:
        text = self.log.read_text(errors="replace")
        return [line for line in text.splitlines() if any(m in line for m in CRASH_MARKERS)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(env: Mapping[str, str], log: Path) -> Iterator[Server]:
    port = free_port()
    with log.open("ab") as sink:
        process = subprocess.Popen(
            START_COMMAND,
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{port}"},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        _wait_until_ready(server, workers=int(env.get("WEB_CONCURRENCY", "2")))
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(server: Server, workers: int) -> None:
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=server.url, timeout=5) as http:
        while time.monotonic() < deadline and server.process.poll() is None:
            try:
                ready = http.get("/api/health/ready/").status_code == 200
            except httpx.TransportError:
                ready = False
            if ready and len(server.worker_pids()) >= workers:
                return
            time.sleep(0.2)
    log = server.log.read_text(errors="replace")[-4000:]
    raise RuntimeError(f"gunicorn did not become ready; its log ends:\n{log}")


def _children(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        return {int(child) for child in children.read_text().split()}
    # Kernels without CONFIG_PROC_CHILDREN: scan every process's parent.
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def rss_mb(pid: int) -> float:
    """Resident memory from /proc/<pid>/status (VmRSS, in kB), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="bench-")
