"""
Several "hosts" on this machine: one network namespace each, joined by a bridge.

This process stays in the root namespace, which plays the clients (from .1)
and the database host (.2: a TcpProxy there forwards to PostgreSQL on
loopback, which a namespace cannot see). Each host gets a veth pair whose
inner end carries its own address (.11 and up). The addresses come from
SUBNET, a private /24 used only here; everything is removed on exit, also
after a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

SUBNET = "10.213.7"
_IP = shutil.which("ip") or "/usr/sbin/ip"


class NamespacesUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Host:
    namespace: str
    address: str

    @property
    def run(self) -> tuple[str, ...]:
        """The command prefix that runs a program on this host."""
        return (_IP, "netns", "exec", self.namespace)


@dataclass(frozen=True)
class Network:
    database: str  # the database host's address, as the hosts see it
    hosts: tuple[Host, ...]


def ip(*args: str) -> None:
    result = subprocess.run(  # noqa: S603 (iproute2 with fixed arguments)
        [_IP, *args], capture_output=True, text=True, timeout=30, check=False
    )
    if result.returncode:
        raise NamespacesUnavailable(f"ip {' '.join(args)}: {result.stderr.strip()}")


def _ip_if_present(*args: str) -> None:
    subprocess.run([_IP, *args], capture_output=True, timeout=30, check=False)  # noqa: S603


def check_available() -> None:
    if os.geteuid() != 0:
        raise NamespacesUnavailable("network namespaces need root")
    if not os.access(_IP, os.X_OK):
        raise NamespacesUnavailable("iproute2's ip is not installed")
    routes = subprocess.run(  # noqa: S603 (iproute2 with fixed arguments)
        [_IP, "-4", "route", "show", "table", "all"], capture_output=True, text=True, check=True
    )
    if f"{SUBNET}." in routes.stdout:
        raise NamespacesUnavailable(f"{SUBNET}.0/24 is in use on this machine")


@contextmanager
def hosts(count: int) -> Iterator[Network]:
    check_available()
    # Interface names have at most 15 characters; a run tag keeps parallel runs apart.
    tag = secrets.token_hex(2)
    bridge = f"e2ebr{tag}"
    with ExitStack() as cleanup:
        ip("link", "add", bridge, "type", "bridge")
        cleanup.callback(ip, "link", "del", bridge)
        # The clients' address, and the database host's apart from it: a test can cut
        # a host off from the database and still talk to it.
        ip("addr", "add", f"{SUBNET}.1/24", "dev", bridge)
        ip("addr", "add", f"{SUBNET}.2/24", "dev", bridge)
        ip("link", "set", bridge, "up")
        made = []
        for index in range(count):
            host = Host(namespace=f"e2e-{tag}-{index}", address=f"{SUBNET}.{11 + index}")
            outer, inner = f"e2e{tag}h{index}", f"e2e{tag}n{index}"
            ip("netns", "add", host.namespace)
            # Deleting the namespace deletes the veth pair with it.
            cleanup.callback(ip, "netns", "del", host.namespace)
            ip("link", "add", outer, "type", "veth", "peer", "name", inner)
            # Gone already once its namespace is; here for a failure before the move.
            cleanup.callback(_ip_if_present, "link", "del", outer)
            ip("link", "set", inner, "netns", host.namespace)
            ip("link", "set", outer, "master", bridge, "up")
            ip("-n", host.namespace, "addr", "add", f"{host.address}/24", "dev", inner)
            ip("-n", host.namespace, "link", "set", inner, "up")
            ip("-n", host.namespace, "link", "set", "lo", "up")
            made.append(host)
        yield Network(database=f"{SUBNET}.2", hosts=tuple(made))


@contextmanager
def unreachable(host: Host, address: str) -> Iterator[None]:
    """Packets from the host to the address vanish: no FIN, no RST, as in a partition."""
    ip("-n", host.namespace, "route", "add", "blackhole", f"{address}/32")
    try:
        yield
    finally:
        ip("-n", host.namespace, "route", "del", "blackhole", f"{address}/32")
