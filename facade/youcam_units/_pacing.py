"""Pacing: keep the client under its rate limits so a long read never provokes a 429 itself.

The service enforces 250 requests per rolling 300 s per token and per IP, and its vendor asks
for about 5 requests per second on top; a client paces to both (``DEFAULT_RATE_LIMITS``).
Each limit is a pyrate-limiter ``Rate`` in one bucket with its default ``SlidingWindowLog``
algorithm: a request is admitted while fewer than ``requests`` were sent in the trailing
``period`` for every limit at once, the same rule the service applies. A sliding log never
bursts past such a window (unlike a token bucket) and does not pace far below the limit on
short reads (unlike a smooth GCRA), so a long read runs at the limit.

Each window is lengthened by 1 % (at least 20 ms) because the service counts arrivals, not
our send times: network jitter must not turn the 251st request into a 429. The wait is
computed from the bucket and slept exactly, with no extra buffer per wait, so a long read
reaches 99 % of the limit.

The limits belong to the token and the IP, not to a process: with ``state_file`` the log of
sends lives in SQLite (pyrate-limiter's ``SQLiteBucket``), and every process on the machine
pacing through that file draws on one budget. Each admission runs in a ``BEGIN IMMEDIATE``
transaction, which SQLite serialises across processes, so two processes cannot both take the
last slot. Its times are wall-clock milliseconds, the one clock processes share.
"""

from __future__ import annotations

import asyncio
import math
import sqlite3
import time
from typing import TYPE_CHECKING

from pyrate_limiter import InMemoryBucket, Rate, RateItem, SQLiteBucket

from . import _defaults

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from ._config import RateLimit

__all__ = ["Pacer", "window_ms"]

_KEY = "youcam-units"
_TABLE = "sends"
_MARGIN_RATIO = 0.01
_MIN_MARGIN_MS = 20


def window_ms(period: float) -> int:
    """The window the client enforces for a ``period`` in seconds: the period plus a margin."""
    period_ms = period * 1000
    return math.ceil(period_ms + max(_MIN_MARGIN_MS, period_ms * _MARGIN_RATIO))


def _monotonic_ms() -> int:
    return time.monotonic_ns() // 1_000_000


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class _ClockedBucket(InMemoryBucket):
    """An ``InMemoryBucket`` reading an injectable clock, so tests decide time."""

    def __init__(self, rates: list[Rate], clock: Callable[[], int]) -> None:
        super().__init__(rates)
        self._now = clock

    def now(self) -> int:
        return self._now()


def _open_state(path: Path) -> sqlite3.Connection:
    """The shared log of sends; created on first use, safe to open from many processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path,
        timeout=_defaults.PACING_FILE_BUSY_TIMEOUT,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {_TABLE} (name VARCHAR, item_timestamp INTEGER)")
        conn.execute(
            f"CREATE INDEX IF NOT EXISTS idx_{_TABLE}_item_timestamp ON {_TABLE} (item_timestamp)"
        )
    except sqlite3.Error:
        conn.close()
        raise
    return conn


class Pacer:
    """Waits, when needed, before each request; one per client, shared by its requests.

    ``on_wait`` is told the seconds of each wait before it starts (a CLI shows it).
    """

    def __init__(
        self,
        limits: Sequence[RateLimit],
        *,
        state_file: Path | None = None,
        clock: Callable[[], int] | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self.limits = tuple(limits)
        self.state_file = state_file
        rates = sorted(
            (Rate(limit.requests, window_ms(limit.period)) for limit in self.limits),
            key=lambda rate: rate.interval,
        )
        self.windows_ms = tuple(rate.interval for rate in rates)
        self._on_wait = on_wait
        self._conn: sqlite3.Connection | None = None
        self._bucket: InMemoryBucket | SQLiteBucket
        if state_file is None:
            self._clock = clock or _monotonic_ms
            self._bucket = _ClockedBucket(rates, self._clock)
        else:
            self._clock = clock or _wall_ms
            self._conn = _open_state(state_file)
            self._bucket = SQLiteBucket(rates, self._conn, _TABLE)

    def __repr__(self) -> str:
        limits = ", ".join(
            f"{limit.requests} per {window} ms"
            for limit, window in zip(
                sorted(self.limits, key=lambda limit: limit.period), self.windows_ms, strict=True
            )
        )
        shared = f", shared through {self.state_file}" if self.state_file is not None else ""
        return f"Pacer({limits}{shared})"

    def try_acquire_now(self) -> int:
        """Take a slot if one is free at this instant: 0 if taken, else the ms to wait for one."""
        now = self._clock()
        item = RateItem(_KEY, now)
        conn = self._conn
        if conn is not None:
            conn.execute("BEGIN IMMEDIATE")  # one admission at a time across processes
        try:
            taken = bool(self._bucket.put(item))  # SQLiteBucket.put commits what it adds
            waiting = 0 if taken else self._bucket.waiting(item)
        finally:
            if conn is not None and conn.in_transaction:
                conn.rollback()
        if taken:
            self._bucket.leak(now)
            return 0
        return max(1, waiting) if isinstance(waiting, int) else 1

    def acquire(self) -> None:
        """Block the calling thread until a request may be sent, then record it."""
        while wait_ms := self.try_acquire_now():
            self._notify(wait_ms)
            time.sleep(wait_ms / 1000)

    async def acquire_async(self) -> None:
        """Await until a request may be sent, then record it."""
        while wait_ms := self.try_acquire_now():
            self._notify(wait_ms)
            await asyncio.sleep(wait_ms / 1000)

    def close(self) -> None:
        """Release the shared state's connection, if any."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _notify(self, wait_ms: int) -> None:
        if self._on_wait is not None:
            self._on_wait(wait_ms / 1000)
