"""The ASGI adapter: translates ASGI messages to :meth:`MockService.handle` and back.

It needs no ASGI framework and does not import uvicorn; ``python -m youcam_units.mock`` serves it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from youcam_units.mock._faults import FaultKind
from youcam_units.mock._wire import MockRequest

if TYPE_CHECKING:
    from youcam_units.mock._wire import MockHandler

__all__ = ["DroppedConnectionError", "MockASGIApp"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class DroppedConnectionError(Exception):
    """Raised mid-body to make the server close the connection: the DISCONNECT fault over HTTP."""


class MockASGIApp:
    """ASGI 3 app over one :class:`MockService`."""

    def __init__(self, service: MockHandler) -> None:
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = MockRequest(
            method=scope["method"],
            path=scope["path"],
            query=bytes(scope.get("query_string", b"")).decode("latin-1"),
            headers={
                bytes(name).decode("latin-1").lower(): bytes(value).decode("latin-1")
                for name, value in scope.get("headers", [])
            },
            client=str(scope["client"][0]) if scope.get("client") else None,  # [host, port]
        )
        response = self.service.handle(request)
        if response.fault is FaultKind.SLOW:
            await asyncio.sleep(self.service.faults.slow_seconds)
        headers = [(b"content-length", str(len(response.body)).encode())]
        headers += [(name.encode(), value.encode()) for name, value in response.headers]
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        if response.fault is FaultKind.DISCONNECT:
            # A server cannot drop a connection through ASGI before the headers (it answers 500
            # instead); failing mid-body makes it close the connection with the body unfinished.
            half = response.body[: len(response.body) // 2]
            await send({"type": "http.response.body", "body": half, "more_body": True})
            raise DroppedConnectionError("fault injected: connection dropped mid-body")
        await send({"type": "http.response.body", "body": response.body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
