"""
A TCP forwarder that a test can cut: the network path between an app server
and PostgreSQL, run in this process.

``cut()`` closes the listening socket (new connections are refused) and drops
every open connection (each side sees the other hang up); ``restore()``
listens on the same address again. ``restore(forward=False)`` listens but
never answers: a database host that has gone silent rather than away.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

# How often the accept loop looks up from a quiet listener to see whether it was cut.
_POLL_SECONDS = 0.1


class TcpProxy:
    def __init__(self, target: tuple[str, int], listen: tuple[str, int] = ("127.0.0.1", 0)):
        self.target = target
        self.address = listen
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None

    @property
    def host(self) -> str:
        return self.address[0]

    @property
    def port(self) -> int:
        return self.address[1]

    def restore(self, forward: bool = True) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(self.address)
        listener.listen(128)
        listener.settimeout(_POLL_SECONDS)
        self.address = listener.getsockname()[:2]
        self._listener = listener
        self._accepting = threading.Thread(
            target=self._accept, args=(listener, forward), daemon=True
        )
        self._accepting.start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if self._accepting is not None:
            self._accepting.join()
        with self._lock:
            dropped, self._open = self._open, set()
        for connection in dropped:
            _hang_up(connection)

    def _accept(self, listener: socket.socket, forward: bool) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed by cut()
            if not forward:
                with self._lock:
                    self._open.add(client)  # held open, never read, until cut()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _hang_up(client)
                continue
            for each in (client, upstream):
                each.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.difference_update((source, sink))
            _hang_up(source)
            _hang_up(sink)


def _hang_up(connection: socket.socket) -> None:
    # Either side may have gone already, or the other pump hung up first.
    with suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()


@contextmanager
def tcp_proxy(
    target: tuple[str, int], listen: tuple[str, int] = ("127.0.0.1", 0)
) -> Iterator[TcpProxy]:
    proxy = TcpProxy(target, listen)
    proxy.restore()
    try:
        yield proxy
    finally:
        proxy.cut()
