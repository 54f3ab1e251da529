"""Pacing: keep the client under its ``RateLimit`` so a long read never provokes a 429 itself.

The limiter is pyrate-limiter's ``Limiter`` over an ``InMemoryBucket`` with its default
``SlidingWindowLog`` algorithm: it admits a request while fewer than ``requests`` were sent in
the trailing ``period``, which is the same rule the service enforces (250 per 300 s, rolling).
A sliding log never bursts past such a window, unlike a token bucket whose full bucket lets
2x the limit through across a window edge, and it does not pace far below the limit as a
perfectly smooth GCRA (burst=1) would for short reads: the first 250 requests go at once and
the rest follow as the oldest leave the window, so a long read runs at the limit.

The window is lengthened by a small margin (1 %, at least 100 ms) because the service counts
arrivals, not our send times: network jitter must not turn the 251st request into a 429.
pyrate-limiter serves both worlds: ``try_acquire`` blocks a thread, ``try_acquire_async``
awaits ``asyncio.sleep``. Its leak thread is not started; the bucket is trimmed after each
acquire instead, so a client owns no background thread.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from pyrate_limiter import InMemoryBucket, Limiter, Rate, RateItem, SingleBucketFactory

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._config import RateLimit

__all__ = ["Pacer", "window_ms"]

_KEY = "youcam-units"
_MARGIN_RATIO = 0.01
_MIN_MARGIN_MS = 100


def window_ms(period: float) -> int:
    """The window the client enforces for a ``period`` in seconds: the period plus a margin."""
    period_ms = period * 1000
    return math.ceil(period_ms + max(_MIN_MARGIN_MS, period_ms * _MARGIN_RATIO))


def _monotonic_ms() -> int:
    return time.monotonic_ns() // 1_000_000


class _ClockedBucket(InMemoryBucket):
    """An ``InMemoryBucket`` reading an injectable clock, so tests decide time."""

    def __init__(self, rates: list[Rate], clock: Callable[[], int]) -> None:
        super().__init__(rates)
        self._now = clock

    def now(self) -> int:
        return self._now()


class Pacer:
    """Waits, when needed, before each request; one per client, shared by its requests."""

    def __init__(self, rate_limit: RateLimit, *, clock: Callable[[], int] | None = None) -> None:
        self.rate_limit = rate_limit
        self.window_ms = window_ms(rate_limit.period)
        self._clock = clock or _monotonic_ms
        self._bucket = _ClockedBucket([Rate(rate_limit.requests, self.window_ms)], self._clock)
        self._limiter = Limiter(SingleBucketFactory(self._bucket, schedule_leak=False))

    def __repr__(self) -> str:
        return f"Pacer({self.rate_limit.requests} per {self.window_ms} ms)"

    def try_acquire_now(self) -> int:
        """Take a slot if one is free at this instant: 0 if taken, else the ms to wait for one."""
        item = RateItem(_KEY, self._clock())
        if self._bucket.put(item):
            self._trim()
            return 0
        waiting = self._bucket.waiting(item)
        return max(0, waiting) if isinstance(waiting, int) else 0

    def acquire(self) -> None:
        """Block the calling thread until a request may be sent, then record it."""
        self._limiter.try_acquire(_KEY, blocking=True)
        self._trim()

    async def acquire_async(self) -> None:
        """Await until a request may be sent, then record it."""
        await self._limiter.try_acquire_async(_KEY, blocking=True)
        self._trim()

    def close(self) -> None:
        """Release the limiter's resources."""
        self._limiter.close()

    def _trim(self) -> None:
        self._bucket.leak(self._clock())
