"""
Two app servers, one database, as docs/deploying.md draws it: each app server on a
"host" of its own (a network namespace with its own address), both reaching
PostgreSQL over the network, and half of every race's writers on each.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from e2e import netns
from e2e.live import LiveServer, ServerFactory, is_postgresql, reached_at
from e2e.scenarios import SCENARIOS, Cast, Scenario
from e2e.tcp_proxy import tcp_proxy
from e2e.users import make_staff, register

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(
        not is_postgresql(os.environ.get("DATABASE_URL")),
        reason="SQLite is one file on one host by design: two hosts need PostgreSQL",
    ),
]

WORKERS_PER_HOST = "4"


@dataclass(frozen=True)
class AppServers:
    servers: list[LiveServer]
    # Why the servers share this machine's network, or None when each has a host of its own.
    shared_network: str | None


@pytest.fixture(scope="module")
def app_servers(servers: ServerFactory, database_url: str) -> Iterator[AppServers]:
    database = urlsplit(database_url)
    target = (database.hostname or "127.0.0.1", database.port or 5432)
    with ExitStack() as stack:
        try:
            network: netns.Network | None = stack.enter_context(netns.hosts(2))
            unavailable = ""
        except netns.NamespacesUnavailable as exc:
            network, unavailable = None, str(exc)
        if network is None:
            # Two app servers on two loopback ports: separate processes, one network.
            started = [stack.enter_context(servers.start(f"app-{n}")) for n in "ab"]
            yield AppServers(started, shared_network=unavailable)
            return
        # The database host's address on the hosts' network: a forwarder to PostgreSQL,
        # which listens on this machine's loopback only.
        proxy = stack.enter_context(tcp_proxy(target, listen=(network.database, 0)))
        env = {
            "ALLOWED_HOSTS": ",".join(host.address for host in network.hosts),
            "DATABASE_URL": reached_at(database_url, proxy.host, proxy.port),
            "WEB_CONCURRENCY": WORKERS_PER_HOST,
        }
        started = [
            stack.enter_context(
                servers.start(
                    f"host-{host.address}", bind=f"{host.address}:8000", wrapper=host.run, **env
                )
            )
            for host in network.hosts
        ]
        yield AppServers(started, shared_network=None)


@pytest.fixture(scope="module")
def cast(app_servers: AppServers) -> Iterator[Cast]:
    first = app_servers.servers[0]
    with first.client() as http:
        yield Cast(http=http, staff=make_staff(register(http), first.env))


def test_each_app_server_is_a_host_of_its_own(app_servers: AppServers) -> None:
    if app_servers.shared_network:
        pytest.skip(f"no network namespaces here ({app_servers.shared_network}); two ports instead")
    namespaces = {os.readlink(f"/proc/{server.pid}/ns/net") for server in app_servers.servers}
    addresses = {urlsplit(server.url).hostname for server in app_servers.servers}

    assert len(namespaces) == 2
    assert os.readlink("/proc/self/ns/net") not in namespaces
    assert len(addresses) == 2


def test_a_user_registered_on_one_host_signs_in_on_the_other(app_servers: AppServers) -> None:
    first, second = app_servers.servers
    with first.client() as one, second.client() as other:
        user = register(one)

        me = other.get("/api/users/me/", headers=user.authorization)

    assert me.status_code == 200, me.text
    assert me.json()["id"] == user.id


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_concurrent_writers_on_two_hosts_leave_only_the_allowed_rows(
    scenario: Scenario, app_servers: AppServers, cast: Cast
) -> None:
    scenario(app_servers.servers, cast)
