"""Pacing: keep the client under its rate limits so a long read never provokes a 429 itself.

The service allows 250 requests per rolling 300 s per token and per IP, and its vendor asks for
about 5 per second (``DEFAULT_RATE_LIMITS``). Each limit is a pyrate-limiter ``Rate`` in one
sliding-window-log bucket, the rule the service applies: unlike a token bucket it never bursts
past a window, and unlike a smooth GCRA it does not pace far below the limit on short reads.
Each window is 1 % (at least 20 ms) longer than its period, because the service counts arrivals,
not our send times; a wait is slept exactly, so a long read reaches 99 % of the limit.

The limits belong to the token and the IP, not to a process: every process pacing through one
``state_file`` draws on one budget (``_file_budget``), and with ``token_pacing`` every host
shares each token's budget (``_token_pacing``); a request goes when both have room. A shared
send counts as sent now while in flight and from its answer once answered (``answered``), so a
request that left late cannot break a window at the server. A token that must wait takes
nothing from its host, whose other tokens keep the IP's whole budget. A wait of a minute or
more is logged as a warning.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from typing import TYPE_CHECKING

from pyrate_limiter import InMemoryBucket, Rate, RateItem

from . import _config
from ._config import strictest, window_ms
from ._file_budget import FileBudget, bounded
from ._logs import logger
from ._token_pacing import bucket_key

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from ._config import RateLimit
    from ._token_pacing import TokenBudgets

__all__ = ["Pacer", "window_ms"]


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


class Pacer:
    """Waits, when needed, before each request; one per client, shared by its requests.

    ``on_wait`` is told the seconds of each wait before it starts (a CLI shows it).
    ``token_pacing`` (a ``postgresql://`` URL) shares each token's budget across hosts; the
    token is then passed to ``acquire``.
    """

    def __init__(
        self,
        limits: Sequence[RateLimit],
        *,
        state_file: Path | None = None,
        token_pacing: str | None = None,
        clock: Callable[[], int] | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self.limits = tuple(limits)
        self.state_file = state_file
        rates = strictest([Rate(limit.requests, window_ms(limit.period)) for limit in limits])
        self.windows_ms = tuple(rate.interval for rate in rates)
        self._rates = rates
        self._on_wait = on_wait
        self._last_send: str | None = None
        # Each send gets a name of its own, so sends carried into a replaced file are not
        # counted twice when several processes carry the same ones.
        self._names = (f"{os.getpid()}.{os.urandom(4).hex()}.{n}" for n in itertools.count())
        self._bucket: InMemoryBucket | None = None
        self._file: FileBudget | None = None
        if state_file is None:
            self._clock = clock or _monotonic_ms
            self._bucket = _ClockedBucket(rates, self._clock)
        else:
            self._clock = clock or _wall_ms
            self._file = FileBudget(state_file, rates, self._clock)
        self._tokens: TokenBudgets | None = None
        self._token_sends: dict[str, str] = {}
        if token_pacing is not None:
            from ._token_pacing import TokenBudgets  # noqa: PLC0415 - psycopg only when asked

            try:
                self._tokens = TokenBudgets(token_pacing, rates)
            except BaseException:
                self.close()
                raise

    def __repr__(self) -> str:
        limits = ", ".join(f"{rate.limit} per {rate.interval} ms" for rate in self._rates)
        shared = f", shared through {self.state_file}" if self.state_file is not None else ""
        tokens = f", tokens through {self._tokens.location}" if self._tokens is not None else ""
        return f"Pacer({limits}{shared}{tokens})"

    def try_acquire_now(self, token: str | None = None) -> int:
        """Take a slot if one is free at this instant: 0 if taken, else the ms to wait for one.

        With ``token_pacing``, the slot must be free in the host's budget and in ``token``'s.
        """
        tokens = self._tokens if token is not None else None
        if self._file is None:
            wait_ms = self._try_in_memory()
            if wait_ms or tokens is None or token is None:
                return wait_ms
            return self._try_token(tokens, token)
        name = next(self._names)
        wait_ms, token_key = self._file.try_take(name, tokens, token)
        self._last_send = None if wait_ms else name
        if token_key is not None:
            self._token_sends[name] = token_key
        return wait_ms

    def acquire(self, token: str | None = None) -> str | None:
        """Block the calling thread until a request may be sent, then record it.

        ``token`` is the credential the request sends (its budget is shared with
        ``token_pacing``). Returns what to hand to ``answered`` once the request has its answer.
        """
        while wait_ms := self.try_acquire_now(token):
            self._notify(wait_ms)
            time.sleep(wait_ms / 1000)
        return self._last_send

    async def acquire_async(self, token: str | None = None) -> str | None:
        """Await until a request may be sent, then record it (see ``acquire``)."""
        while wait_ms := self.try_acquire_now(token):
            self._notify(wait_ms)
            await asyncio.sleep(wait_ms / 1000)
        return self._last_send

    def answered(self, send: str | None) -> None:
        """The request recorded as ``send`` has its answer (or failed): count it from now.

        The service counts a request when it arrives, which lies somewhere between our stamp and
        the answer; counting a shared send from its answer keeps every window at the server
        however late the request left (a loaded machine, a slow connect), at the cost of one
        round trip per window. A process pacing alone has no lock to wait for: its stamp stands.
        """
        if send is None:
            return
        if self._file is not None:
            self._file.answered(send)
        token_key = self._token_sends.pop(send, None)
        if token_key is not None and self._tokens is not None:
            self._tokens.answered(token_key, send)

    def close(self) -> None:
        """Release the shared state's connections, if any."""
        if self._file is not None:
            self._file.close()
        tokens = getattr(self, "_tokens", None)
        if tokens is not None:
            tokens.close()
            self._tokens = None

    # -- in one process, the token's budget maybe shared across hosts ------------------------

    def _try_in_memory(self) -> int:
        bucket = self._bucket
        assert bucket is not None  # noqa: S101 - no file: in memory
        now = self._clock()
        item = RateItem(next(self._names), now)
        if bucket.put(item):
            bucket.leak(now)
            self._last_send = item.name
            return 0
        return bounded(bucket.waiting(item), self._rates)

    def _try_token(self, tokens: TokenBudgets, token: str) -> int:
        """In one process: the host's slot is taken; take the token's too, or give it back.

        With no other process on the host's budget, a slot taken and given back is seen by
        no one.
        """
        name = self._last_send
        assert name is not None  # noqa: S101 - a slot taken in the host's budget has a name
        wait_ms = tokens.try_take(token, name)
        if not wait_ms:
            self._token_sends[name] = bucket_key(token)
            # The host's slot was stamped before the token's round trips: stamp it as sent now,
            # so the request still leaves right after its stamp.
            self._restamp(name)
            return 0
        self._give_back(name)
        return wait_ms

    def _restamp(self, send: str) -> None:
        """Count ``send`` in the process's budget from now (one clock: now is the newest)."""
        bucket = self._bucket
        assert bucket is not None  # noqa: S101 - no file: in memory
        kept = [item for item in bucket.items if item.name != send]
        if len(kept) < len(bucket.items):
            bucket.items[:] = [*kept, RateItem(send, self._clock())]

    def _give_back(self, name: str) -> None:
        """Remove send ``name`` from the process's budget: it was not sent."""
        self._last_send = None
        bucket = self._bucket
        assert bucket is not None  # noqa: S101 - only a process alone gives back
        bucket.items[:] = [item for item in bucket.items if item.name != name]

    def _notify(self, wait_ms: int) -> None:
        if wait_ms >= _config.PACING_LONG_WAIT * 1000:
            logger.warning(
                "pacing: waiting %.0f s for the rate-limit window%s",
                wait_ms / 1000,
                "" if self.state_file is None else f" (shared through {self.state_file})",
            )
        if self._on_wait is not None:
            self._on_wait(wait_ms / 1000)
