"""What every row shares: the sizes of a run, one row of the table, the table, and the mock."""

from __future__ import annotations

import asyncio
import contextlib
import math
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from youcam_units import AsyncClient, Client, RateLimit
from youcam_units.ledger import PAGE_SIZE
from youcam_units.mock import DEFAULT_TOKEN

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
"""The repository: benchmarks/ is at its top."""
BASE_URL = "http://127.0.0.1"
"""The in-process mock answers any URL; a loopback one passes the facade's http:// check."""
SEED = 20261125


@dataclass(frozen=True)
class Config:
    """Sizes of one run: the full one, or ``--quick`` for trying the script out."""

    entries: int = 10_000
    """N for the requests of a full read, and the first sync's history."""
    sync_ks: tuple[int, ...] = (0, 1, 29, 30, 31, 100, 1000)
    """Entries added at the head before each further sync."""
    pacing_short: tuple[int, float] = (5, 0.01)
    pacing_long: tuple[int, float] = (250, 3.0)
    """The service's 5 per 1 s and 250 per 300 s, with time scaled down 100 times."""
    pacing_windows: int = 2
    """A paced read of windows * 250 + 1 requests takes exactly that many long periods."""
    startup_rounds: int = 15
    """Paired rounds of each command against its reference."""
    ledger_size: int = 10_000_000
    """The big ledger (``--ledger-size``) that ``summary`` and ``status`` read."""
    ledger_rounds: int = 3
    """Warm runs, then as many cold ones, of each command over the big ledger."""
    report_entries: int = 1_000_000
    """The ledger of the ``report`` row (issue 22: under 2 s, and the file's size)."""


QUICK = Config(
    entries=2_000,
    sync_ks=(0, 1, 30, 31),
    pacing_long=(50, 1.0),
    startup_rounds=4,
    ledger_size=300_000,
    ledger_rounds=2,
    report_entries=300_000,
)


@dataclass(frozen=True)
class Row:
    """One line of the table: what was measured, the figure, its target, and whether it holds."""

    what: str
    figure: str
    target: str
    passed: bool

    @property
    def verdict(self) -> str:
        """PASS or FAIL."""
        return "PASS" if self.passed else "FAIL"


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table, to paste into docs/benchmarks.md."""
    lines = ["| what | figure | target | result |", "| --- | --- | --- | --- |"]
    lines += [f"| {r.what} | {r.figure} | {r.target} | {r.verdict} |" for r in rows]
    return "\n".join(lines)


def progress(message: str) -> None:
    """A progress line on stderr (stdout carries the table)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def pages(n: int) -> int:
    """Pages of 30 that hold n entries: ceil(n/30)."""
    return math.ceil(n / PAGE_SIZE)


@contextlib.contextmanager
def mock_client(
    transport: httpx.BaseTransport, rate_limit: tuple[RateLimit, ...] | None = None
) -> Iterator[Client]:
    """A ``Client`` of the mock's token over ``transport`` (in-process); unpaced by default."""
    with (
        httpx.Client(transport=transport) as http,
        Client(DEFAULT_TOKEN, base_url=BASE_URL, http_client=http, rate_limit=rate_limit) as sdk,
    ):
        yield sdk


def read_all(
    transport: httpx.MockTransport, client: str, rate_limit: tuple[RateLimit, ...] | None = None
) -> int:
    """Entries of one full read through ``Client`` or ``AsyncClient`` (``client``)."""
    if client == "Client":
        with mock_client(transport, rate_limit) as sdk:
            return sum(1 for _ in sdk.history())

    async def collect() -> int:
        async with (
            httpx.AsyncClient(transport=transport) as http,
            AsyncClient(
                DEFAULT_TOKEN, base_url=BASE_URL, http_client=http, rate_limit=rate_limit
            ) as sdk,
        ):
            return len([entry async for entry in sdk.history()])

    return asyncio.run(collect())


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:  # noqa: ANN401 - any ASGI app
    """Serve the ASGI ``app`` on a free 127.0.0.1 port (uvicorn in a thread); its URL."""
    import uvicorn  # noqa: PLC0415 - the mock extra: only the runs over HTTP need it

    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="critical", timeout_graceful_shutdown=1
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the mock's server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
