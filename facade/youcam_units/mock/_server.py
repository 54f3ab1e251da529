"""Serving the mock over HTTP: one implementation and one set of defaults for every front end.

``youcam-units mock`` (also run by ``python -m youcam_units.mock`` and ``scripts/mock``) builds
a ``ServerSettings`` and calls ``serve``. uvicorn (the ``mock`` extra) is imported only here,
and only when serving.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from youcam_units.mock._asgi import DroppedConnectionError
from youcam_units.mock._defaults import DEFAULT_ENTRIES, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SEED
from youcam_units.mock._faults import ALL_FAULTS, FaultKind, FaultPlan
from youcam_units.mock._service import DEFAULT_TOKEN, SERVER_KEEP_RECORDS, MockService
from youcam_units.mock._unit_system import DEFAULT_API_KEY

if TYPE_CHECKING:
    from collections.abc import Callable

    from youcam_units.mock._limits import Limits, RateLimit

__all__ = ["MISSING_UVICORN", "ServerSettings", "ServerUnavailableError", "serve"]

MISSING_UVICORN: Final = "serving the mock needs uvicorn: pip install 'youcam-units[mock]'"


class ServerUnavailableError(Exception):
    """uvicorn is not installed: the ``mock`` extra is missing."""


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What the served mock holds and how it misbehaves; the defaults of every front end."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    seed: int = DEFAULT_SEED
    entries: int = DEFAULT_ENTRIES
    tokens: tuple[str, ...] = (DEFAULT_TOKEN,)
    api_keys: tuple[str, ...] = (DEFAULT_API_KEY,)
    token_ttl: float | None = None
    rate_limit: RateLimit | None = None
    limits: Limits | None = None
    """The service's limits per token and per client IP (``Limits.real()``); None: off."""
    arrival_interval: float | None = None
    fault_rate: float = 0.0
    fault_seed: int = 0
    fault_kinds: tuple[FaultKind, ...] = ALL_FAULTS
    slow_seconds: float = 5.0

    def service(self) -> MockService:
        """The service these settings describe, keeping a server's bounded request log."""
        return MockService(
            seed=self.seed,
            entries=self.entries,
            tokens=self.tokens,
            api_keys=self.api_keys,
            rate_limit=self.rate_limit,
            limits=self.limits,
            token_ttl=self.token_ttl,
            arrival_interval=self.arrival_interval,
            faults=FaultPlan.random(
                self.fault_rate,
                self.fault_seed,
                kinds=self.fault_kinds,
                slow_seconds=self.slow_seconds,
            ),
            keep_records=SERVER_KEEP_RECORDS,
        )


class _QuietDroppedConnections(logging.Filter):
    """Drops the traceback uvicorn logs for the DISCONNECT fault, which is on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnectionError))


def serve(
    settings: ServerSettings, *, on_listening: Callable[[str, int], None] | None = None
) -> None:
    """Serve the mock ``settings`` describe until interrupted.

    The socket is bound first: ``on_listening(host, port)`` is told the real port (``port=0``
    picks a free one) before any request can arrive, and a port in use raises ``OSError``
    (``EADDRINUSE``) here, with its reason. Raises ``ServerUnavailableError`` without uvicorn.
    """
    try:
        import uvicorn  # noqa: PLC0415 - only the server needs it; the in-process mock must not
    except ModuleNotFoundError:
        raise ServerUnavailableError(MISSING_UVICORN) from None
    app = settings.service().asgi_app()
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    with socket.create_server((settings.host, settings.port), family=family) as listening:
        if on_listening is not None:
            on_listening(settings.host, listening.getsockname()[1])
        logging.getLogger("uvicorn.error").addFilter(_QuietDroppedConnections())
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        server.run(sockets=[listening])  # uvicorn's documented way to serve a bound socket
    if not server.started:
        raise ServerUnavailableError("uvicorn could not start the server (its log says why)")
