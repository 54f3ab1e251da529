"""The host's budget shared through a pacing file: one admission at a time across processes.

With ``state_file`` the log of sends lives in SQLite (pyrate-limiter's ``SQLiteBucket``), and
every process on the machine pacing through that file draws on one budget (see ``_pacing``).
Each admission runs in a ``BEGIN IMMEDIATE`` transaction, which SQLite serialises across
processes, so two processes cannot both take the last slot. Its times are wall-clock
milliseconds, the one clock processes share. The file must stay trustworthy for that:

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
  waits longer than the longest window.
* SQLite failures (read-only, locked past the busy timeout, corrupt) are ``PacingFileError``,
  which names the file and the fix.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from pyrate_limiter import Rate, RateItem, SQLiteBucket

from . import _config
from ._config import strictest
from ._errors import PacingFileError
from ._logs import logger
from ._pacing_file import identity, open_state
from ._token_pacing import bucket_key

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from ._token_pacing import TokenBudgets

__all__ = ["FileBudget", "bounded"]

_TABLE = "sends"
#: Sends not answered yet, each counted as sent now until it is, or until ``until_ms``: a
#: process killed mid-request frees its slot once the attempt's deadline has surely passed.
_IN_FLIGHT = (
    "CREATE TABLE IF NOT EXISTS in_flight (name VARCHAR PRIMARY KEY, until_ms INTEGER NOT NULL)"
)
_IN_FLIGHT_MS = 2 * int(_config.TIMEOUT * 1000)


def bounded(waiting: object, rates: Sequence[Rate]) -> int:
    """At least 1 ms, never longer than the longest window (a clock step cannot hang us)."""
    longest = max(rate.interval for rate in rates)
    return min(longest + 1, max(1, waiting)) if isinstance(waiting, int) else 1


def _has_room(conn: sqlite3.Connection, rates: Sequence[Rate], now: int) -> bool:
    """Whether a send at ``now`` fits every window, counted as ``SQLiteBucket.put`` counts."""
    return all(
        conn.execute(
            "SELECT COUNT(*) FROM sends WHERE item_timestamp >= ?", (now - rate.interval,)
        ).fetchone()[0]
        < rate.limit
        for rate in rates
    )


class FileBudget:
    """The sends of every process pacing through ``path``, and this process's limits in it."""

    def __init__(self, path: Path, rates: list[Rate], clock: Callable[[], int]) -> None:
        self.path = path
        self._rates = rates
        self._clock = clock
        self.conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._connect()

    def try_take(
        self, name: str, tokens: TokenBudgets | None, token: str | None
    ) -> tuple[int, str | None]:
        """Take a slot as send ``name``: ``(0, token key)`` if taken, else ``(ms to wait, None)``.

        With ``tokens`` and ``token``, the token's slot is asked for once the host has room.
        """
        try:
            return self._admit(name, tokens, token)
        except sqlite3.Error as exc:
            raise PacingFileError(self.path, f"failed ({exc})") from None

    def answered(self, send: str) -> None:
        """Count ``send`` from now (never earlier than its stamp); it is no longer in flight."""
        conn = self.conn
        if conn is None:
            return
        try:
            conn.execute(
                "UPDATE sends SET item_timestamp = max(item_timestamp, ?) WHERE name = ?",
                (self._clock(), send),
            )
            conn.execute("DELETE FROM in_flight WHERE name = ?", (send,))
        except sqlite3.Error as exc:
            raise PacingFileError(self.path, f"failed ({exc})") from None

    def close(self) -> None:
        """Release the connection to the file."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _connect(self) -> sqlite3.Connection:
        conn = open_state(self.path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(_IN_FLIGHT)
            self._register(conn, self._clock())
            conn.commit()
        except sqlite3.Error as exc:
            conn.close()
            raise PacingFileError(self.path, f"cannot be used ({exc})") from None
        self.conn = conn
        self._identity = identity(self.path)
        self._bucket = SQLiteBucket(list(self._rates), conn, _TABLE)
        return conn

    def _admit(
        self, name: str, tokens: TokenBudgets | None, token: str | None
    ) -> tuple[int, str | None]:
        if self.conn is None or identity(self.path) != self._identity:
            self._reopen()
        conn = self.conn
        assert conn is not None  # noqa: S101 - _reopen connects or raises
        conn.execute("BEGIN IMMEDIATE")  # one admission at a time across processes
        try:
            now = self._clock()  # stamped once the lock is held: no lock wait before the send
            rates = self._clean(conn, now)
            token_wait, token_key = 0, None
            if tokens is not None and token is not None and _has_room(conn, rates, now):
                # Asked while the host's lock is held, once the host has room: its other
                # processes never see a slot taken here and given back.
                token_wait = tokens.try_take(token, name)
                token_key = None if token_wait else bucket_key(token)
                now = self._clock()  # after the round trip: the host's stamp is the send's
            taken, waiting = self._put(conn, RateItem(name, now), token_wait)
            if token_key is not None and tokens is not None and not taken:  # pragma: no cover
                tokens.give_back(token_key, name)  # the room was checked under the same lock
            if conn.in_transaction:
                conn.commit()  # the clamp and this process's limits, even when it must wait
        finally:
            if conn.in_transaction:
                conn.rollback()
        return (0, token_key) if taken else (bounded(waiting, rates), None)

    def _clean(self, conn: sqlite3.Connection, now: int) -> list[Rate]:
        """Clamp, expire and register inside the admission's lock; the limits in force now."""
        conn.execute("UPDATE sends SET item_timestamp = ? WHERE item_timestamp > ?", (now, now))
        conn.execute("DELETE FROM in_flight WHERE until_ms <= ?", (now,))
        conn.execute(
            "UPDATE sends SET item_timestamp = ? WHERE name IN (SELECT name FROM in_flight)",
            (now,),
        )
        self._register(conn, now)
        self._bucket.rates = rates = self._in_force(conn, now)
        # Sends out of every window go here, inside the lock; never by ``bucket.leak``,
        # which counts them, then deletes as many of the oldest in a second statement: a
        # pacer that cleaned up in between made it delete live sends (6 within a window).
        longest = max(rate.interval for rate in rates)
        conn.execute("DELETE FROM sends WHERE item_timestamp < ?", (now - longest,))
        return rates

    def _put(
        self, conn: sqlite3.Connection, item: RateItem, token_wait: int
    ) -> tuple[bool, object]:
        """Record ``item`` as sent and in flight if it fits; whether it did, and else the wait."""
        taken = not token_wait and bool(self._bucket.put(item))  # put commits what it adds
        if taken:
            conn.execute(
                "INSERT OR REPLACE INTO in_flight (name, until_ms) VALUES (?, ?)",
                (item.name, item.timestamp + _IN_FLIGHT_MS),
            )
        return taken, token_wait or (0 if taken else self._bucket.waiting(item))

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
        return strictest([*self._rates, *(Rate(int(r), int(w)) for r, w in rows)])

    def _reopen(self) -> None:
        """The file was deleted or replaced: join (or create) the one at ``path`` now.

        The sends the old file holds within the longest window are carried over, so the
        processes that opened the new file meanwhile still see them.
        """
        old = self.conn
        self.conn = None
        carried: list[tuple[str, int]] = []
        if old is not None:
            try:
                since = self._clock() - max(rate.interval for rate in self._rates)
                carried = old.execute(
                    "SELECT name, item_timestamp FROM sends WHERE item_timestamp >= ?",
                    (since,),
                ).fetchall()
            except sqlite3.Error:
                carried = []  # the old file is unreadable: nothing to carry
            finally:
                old.close()
        conn = self._connect()
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
            self.path,
            len(carried),
        )
