"""Pacing: keep the client under its rate limits so a long read never provokes a 429 itself.

The service enforces 250 requests per rolling 300 s per token and per IP, and its vendor asks
for about 5 requests per second on top; a client paces to both (``DEFAULT_RATE_LIMITS``).
Each limit is a pyrate-limiter ``Rate`` in one bucket with its default ``SlidingWindowLog``
algorithm: a request is admitted while fewer than ``requests`` were sent in the trailing
``period`` for every limit at once, the same rule the service applies. A sliding log never
bursts past such a window (unlike a token bucket) and does not pace far below the limit on
short reads (unlike a smooth GCRA), so a long read runs at the limit.

Each window is lengthened by 1 % (at least 20 ms) because the service counts arrivals, not
our send times. Through a shared file a send is stamped once the lock is held (not before the
wait for it), counts as sent *now* for as long as it is in flight (a request stuck for longer
than a window, on a loaded machine or a slow connect, may reach the service late), and is
restamped when its answer comes (``answered``): by then it has surely arrived, so a request
that left late cannot break a window at the server. The wait is computed from the bucket and
slept exactly, with no extra buffer per wait, so a long read reaches 99 % of the limit.

The limits belong to the token and the IP, not to a process: with ``state_file`` the log of
sends lives in SQLite (pyrate-limiter's ``SQLiteBucket``), and every process on the machine
pacing through that file draws on one budget. Each admission runs in a ``BEGIN IMMEDIATE``
transaction, which SQLite serialises across processes, so two processes cannot both take the
last slot. Its times are wall-clock milliseconds, the one clock processes share. The file must
stay trustworthy for that:

* It is ours or refused: its SQLite header carries our ``application_id``, checked before
  SQLite opens it, so a ledger or any other file named by mistake is left byte-for-byte
  unchanged (``PacingFileError``).
* Each process registers its limits in the file; the strictest limits registered within their
  own window hold for every process on it, so a looser process cannot outrun a stricter one.
* A file deleted or replaced under running processes is noticed before the next admission
  (device and inode differ from the open one): the process reopens the path, recreating a
  deleted file once its old ``-wal`` and ``-shm`` are gone (``_pacing_file``), and carries the
  sends it knew into it, so the budget is not silently split.
* A send stamped in the future (the wall clock stepped back) is clamped to now, so no process
  waits longer than the longest window; a wait of a minute or more is logged as a warning.
* SQLite failures (read-only, locked past the busy timeout, corrupt) are ``PacingFileError``,
  which names the file and the fix.

Across hosts (``token_pacing``, a PostgreSQL URL): the file (or the process) keeps the host's
budget, its IP's, and the token's budget is shared by every host in the database
(``_token_pacing``). A request goes when both have room. Through a file, the token's slot is
asked for once the host has room, while the host's lock is held, and the host's slot is stamped
after that round trip: no other process on the host sees a slot taken and given back, and the
request leaves right after both stamps. In one process, the host's slot is taken first and given
back when the token must wait. A token that must wait takes nothing from its host, whose other
tokens keep the IP's whole budget.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sqlite3
import time
from typing import TYPE_CHECKING

from pyrate_limiter import InMemoryBucket, Rate, RateItem, SQLiteBucket

from . import _config
from ._config import window_ms
from ._errors import PacingFileError
from ._logs import logger
from ._pacing_file import identity, open_state
from ._token_pacing import bucket_key

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from ._config import RateLimit
    from ._token_pacing import TokenBudgets

__all__ = ["Pacer", "window_ms"]

_TABLE = "sends"
#: Sends not answered yet, each counted as sent now until it is, or until ``until_ms``: a
#: process killed mid-request frees its slot once the attempt's deadline has surely passed.
_IN_FLIGHT = (
    "CREATE TABLE IF NOT EXISTS in_flight (name VARCHAR PRIMARY KEY, until_ms INTEGER NOT NULL)"
)
_IN_FLIGHT_MS = 2 * int(_config.TIMEOUT * 1000)
_NOT_OURS = "is not a youcam-units pacing file ({what}); it was left unchanged"


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


def _has_room(conn: sqlite3.Connection, rates: Sequence[Rate], now: int) -> bool:
    """Whether a send at ``now`` fits every window, counted as ``SQLiteBucket.put`` counts."""
    return all(
        conn.execute(
            "SELECT COUNT(*) FROM sends WHERE item_timestamp >= ?", (now - rate.interval,)
        ).fetchone()[0]
        < rate.limit
        for rate in rates
    )


def _strictest(rates: Sequence[Rate]) -> list[Rate]:
    """One rate per window, the fewest requests, by window; what ``SQLiteBucket`` counts."""
    fewest: dict[int, int] = {}
    for rate in rates:
        fewest[rate.interval] = min(rate.limit, fewest.get(rate.interval, rate.limit))
    return [Rate(limit, interval) for interval, limit in sorted(fewest.items())]


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
        rates = _strictest([Rate(limit.requests, window_ms(limit.period)) for limit in limits])
        self.windows_ms = tuple(rate.interval for rate in rates)
        self._rates = rates
        self._on_wait = on_wait
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._last_send: str | None = None
        # Each send gets a name of its own, so sends carried into a replaced file are not
        # counted twice when several processes carry the same ones.
        self._names = (f"{os.getpid()}.{os.urandom(4).hex()}.{n}" for n in itertools.count())
        self._bucket: InMemoryBucket | SQLiteBucket
        if state_file is None:
            self._clock = clock or _monotonic_ms
            self._bucket = _ClockedBucket(rates, self._clock)
        else:
            self._clock = clock or _wall_ms
            self._connect(state_file)
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
        if self.state_file is None:
            wait_ms = self._try_in_memory()
            if wait_ms or tokens is None or token is None:
                return wait_ms
            return self._try_token(tokens, token)
        try:
            return self._try_shared(self.state_file, tokens, token)
        except sqlite3.Error as exc:
            raise PacingFileError(self.state_file, f"failed ({exc})") from None

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
        if self.state_file is not None:
            self._restamp_host(send)
        token_key = self._token_sends.pop(send, None)
        if token_key is not None and self._tokens is not None:
            self._tokens.answered(token_key, send)

    def _restamp_host(self, send: str) -> None:
        """Count ``send`` in the host's budget from now (never earlier than its stamp)."""
        if self.state_file is None:
            bucket = self._bucket
            assert isinstance(bucket, InMemoryBucket)  # noqa: S101 - no file: in memory
            kept = [item for item in bucket.items if item.name != send]
            if len(kept) < len(bucket.items):  # one clock in one process: now is the newest
                bucket.items[:] = [*kept, RateItem(send, self._clock())]
            return
        conn = self._conn
        if conn is None:
            return
        try:
            conn.execute(
                "UPDATE sends SET item_timestamp = max(item_timestamp, ?) WHERE name = ?",
                (self._clock(), send),
            )
            conn.execute("DELETE FROM in_flight WHERE name = ?", (send,))
        except sqlite3.Error as exc:
            raise PacingFileError(self.state_file, f"failed ({exc})") from None

    def close(self) -> None:
        """Release the shared state's connections, if any."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        tokens = getattr(self, "_tokens", None)
        if tokens is not None:
            tokens.close()
            self._tokens = None

    # -- the token's budget, shared across hosts ----------------------------------------------

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
            self._restamp_host(name)
            return 0
        self._give_back(name)
        return wait_ms

    def _give_back(self, name: str) -> None:
        """Remove send ``name`` from the process's budget: it was not sent."""
        self._last_send = None
        bucket = self._bucket
        assert isinstance(bucket, InMemoryBucket)  # noqa: S101 - only a process alone gives back
        bucket.items[:] = [item for item in bucket.items if item.name != name]

    # -- in one process ---------------------------------------------------------------------

    def _try_in_memory(self) -> int:
        now = self._clock()
        item = RateItem(next(self._names), now)
        if self._bucket.put(item):
            self._bucket.leak(now)
            self._last_send = item.name
            return 0
        return self._bounded(self._bucket.waiting(item), self._rates)

    # -- shared through a file --------------------------------------------------------------

    def _connect(self, path: Path) -> sqlite3.Connection:
        conn = open_state(path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(_IN_FLIGHT)
            self._register(conn, self._clock())
            conn.commit()
        except sqlite3.Error as exc:
            conn.close()
            raise PacingFileError(path, f"cannot be used ({exc})") from None
        self._conn = conn
        self._identity = identity(path)
        self._bucket = SQLiteBucket(list(self._rates), conn, _TABLE)
        return conn

    def _try_shared(
        self, path: Path, tokens: TokenBudgets | None = None, token: str | None = None
    ) -> int:
        if self._conn is None or identity(path) != self._identity:
            self._reopen(path)
        conn = self._conn
        assert conn is not None  # noqa: S101 - _reopen connects or raises
        bucket = self._bucket
        assert isinstance(bucket, SQLiteBucket)  # noqa: S101 - a state file means a SQLite bucket
        conn.execute("BEGIN IMMEDIATE")  # one admission at a time across processes
        try:
            now = self._clock()  # stamped once the lock is held: no lock wait before the send
            conn.execute("UPDATE sends SET item_timestamp = ? WHERE item_timestamp > ?", (now, now))
            conn.execute("DELETE FROM in_flight WHERE until_ms <= ?", (now,))
            conn.execute(
                "UPDATE sends SET item_timestamp = ? WHERE name IN (SELECT name FROM in_flight)",
                (now,),
            )
            self._register(conn, now)
            bucket.rates = rates = self._in_force(conn, now)
            # Sends out of every window go here, inside the lock; never by ``bucket.leak``,
            # which counts them, then deletes as many of the oldest in a second statement: a
            # pacer that cleaned up in between made it delete live sends (6 within a window).
            longest = max(rate.interval for rate in rates)
            conn.execute("DELETE FROM sends WHERE item_timestamp < ?", (now - longest,))
            name, token_wait, token_key = next(self._names), 0, None
            if tokens is not None and token is not None and _has_room(conn, rates, now):
                # Asked while the host's lock is held, once the host has room: its other
                # processes never see a slot taken here and given back.
                token_wait = tokens.try_take(token, name)
                token_key = None if token_wait else bucket_key(token)
                now = self._clock()  # after the round trip: the host's stamp is the send's
            item = RateItem(name, now)
            taken = not token_wait and bool(bucket.put(item))
            self._last_send = item.name if taken else None  # SQLiteBucket.put commits what it adds
            if taken:
                conn.execute(
                    "INSERT OR REPLACE INTO in_flight (name, until_ms) VALUES (?, ?)",
                    (name, now + _IN_FLIGHT_MS),
                )
            waiting = token_wait or (0 if taken else bucket.waiting(item))
            if token_key is not None and tokens is not None:
                if taken:
                    self._token_sends[name] = token_key
                else:  # pragma: no cover - the room was checked under the same lock
                    tokens.give_back(token_key, name)
            if conn.in_transaction:
                conn.commit()  # the clamp and this process's limits, even when it must wait
        finally:
            if conn.in_transaction:
                conn.rollback()
        return 0 if taken else self._bounded(waiting, rates)

    def _register(self, conn: sqlite3.Connection, now: int) -> None:
        """Record this process's limits as in use now (a future stamp is clamped, as sends are)."""
        conn.execute("UPDATE limits SET last_used = ? WHERE last_used > ?", (now, now))
        conn.executemany(
            "INSERT INTO limits (requests, window_ms, last_used) VALUES (?, ?, ?) "
            "ON CONFLICT (requests, window_ms) DO UPDATE SET last_used = excluded.last_used",
            [(rate.limit, rate.interval, now) for rate in self._rates],
        )
        conn.execute("DELETE FROM limits WHERE last_used < ? - window_ms", (now,))

    def _in_force(self, conn: sqlite3.Connection, now: int) -> list[Rate]:
        """The strictest of every limit registered on the file within its own window."""
        rows = conn.execute(
            "SELECT requests, window_ms FROM limits WHERE last_used >= ? - window_ms", (now,)
        ).fetchall()
        return _strictest([*self._rates, *(Rate(int(r), int(w)) for r, w in rows)])

    def _reopen(self, path: Path) -> None:
        """The file was deleted or replaced: join (or create) the one at ``path`` now.

        The sends the old file holds within the longest window are carried over, so the
        processes that opened the new file meanwhile still see them.
        """
        old = self._conn
        self._conn = None
        carried: list[tuple[str, int]] = []
        if old is not None:
            try:
                since = self._clock() - max(self.windows_ms)
                carried = old.execute(
                    "SELECT name, item_timestamp FROM sends WHERE item_timestamp >= ?",
                    (since,),
                ).fetchall()
            except sqlite3.Error:
                carried = []  # the old file is unreadable: nothing to carry
            finally:
                old.close()
        conn = self._connect(path)
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT INTO sends (name, item_timestamp) SELECT ?, ? WHERE NOT EXISTS "
                "(SELECT 1 FROM sends WHERE name = ? AND item_timestamp = ?)",
                [(name, stamp, name, stamp) for name, stamp in carried],
            )
            conn.commit()
        finally:
            if conn.in_transaction:
                conn.rollback()
        logger.warning(
            "the pacing file %s was deleted or replaced; reopened it, carrying %d recent sends",
            path,
            len(carried),
        )

    @staticmethod
    def _bounded(waiting: object, rates: Sequence[Rate]) -> int:
        """At least 1 ms, never longer than the longest window (a clock step cannot hang us)."""
        longest = max(rate.interval for rate in rates)
        return min(longest + 1, max(1, waiting)) if isinstance(waiting, int) else 1

    def _notify(self, wait_ms: int) -> None:
        if wait_ms >= _config.PACING_LONG_WAIT * 1000:
            logger.warning(
                "pacing: waiting %.0f s for the rate-limit window%s",
                wait_ms / 1000,
                "" if self.state_file is None else f" (shared through {self.state_file})",
            )
        if self._on_wait is not None:
            self._on_wait(wait_ms / 1000)
