"""A real HTTP server on a free 127.0.0.1 port that misbehaves on purpose, for the bounds tests.

Each test hands it a ``behave(conn, stop)`` function that writes whatever raw bytes it likes
once a request's headers have been read; the server counts requests and is stopped (with every
connection it holds) when the ``with`` block ends.
"""

from __future__ import annotations

import socketserver
import threading
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    import socket
    from collections.abc import Callable
    from types import TracebackType


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(5.0)
        while not self.server.stop.is_set():
            data = b""
            while b"\r\n\r\n" not in data:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                data += chunk
            with self.server.arrived:
                self.server.requests.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
                self.server.arrived.notify_all()
            try:
                self.server.behave(conn, self.server.stop)
            except OSError:  # the client hung up: what a bounded client does
                return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behave: Callable[[socket.socket, threading.Event], None]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behave = behave
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.requests: list[str] = []


class HostileServer:
    """``with HostileServer(behave) as server: ... server.url ... server.requests``."""

    def __init__(self, behave: Callable[[socket.socket, threading.Event], None]) -> None:
        self._server = _Server(behave)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        """The server's base URL (loopback http, which the client accepts)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[str]:
        """The request line of each request received."""
        with self._server.lock:
            return list(self._server.requests)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[str]:
        """The request lines once ``count`` have arrived, or all there are after ``timeout``.

        A client that gave up at its deadline may return before the server's thread has read the
        request it sent (a loaded machine, tests running in parallel): counting right away races.
        """
        with self._server.arrived:
            self._server.arrived.wait_for(lambda: len(self._server.requests) >= count, timeout)
            return list(self._server.requests)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def head(status: str, *headers: str) -> bytes:
    """A status line and headers, ready to send."""
    lines = [f"HTTP/1.1 {status}", "x-request-id: 38173479337460999", *headers, "", ""]
    return "\r\n".join(lines).encode("latin-1")
