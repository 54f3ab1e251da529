"""The SQLite ledger: one file per account, WAL mode, every write in ``BEGIN IMMEDIATE``."""

from __future__ import annotations

import logging
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Self

from youcam_units._amounts import ZERO
from youcam_units._models import DAY_MS, Action, HistoryEntry
from youcam_units.ledger import _rollup
from youcam_units.ledger._connection import (
    Transaction,
    bounds,
    check_is_ledger,
    compact,
    connect,
    migrate,
    open_read_only,
)
from youcam_units.ledger._schema import V3_COLUMNS, Meta
from youcam_units.ledger._storage import LedgerError, PassState, Superseded, Totals

if TYPE_CHECKING:
    from youcam_units.ledger._storage import Per

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from youcam_units.ledger._schema import UpgradeProgress

__all__ = ["Ledger"]

logger = logging.getLogger("youcam_units.ledger")

_INT64: Final = (-(2**63), 2**63 - 1)
_IN_CHUNK: Final = 500
"""Ids per ``IN (...)`` query: well under any SQLite's limit of bound parameters."""


class Ledger:
    """A SQLite ledger file: open it, sync into it, read it. Use it as a context manager.

    ``read_only=True`` opens it for reading only (``summary``): nothing is written, not even the
    journal mode, and a read-only directory is fine. A ledger an older version wrote is upgraded
    on open (read-only included: the upgrade alone opens it for writing, once), which takes
    minutes for millions of entries: ``on_upgrade`` hears where it is (``UpgradeProgress``),
    before any work and then step by step; nothing is printed.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        on_upgrade: Callable[[UpgradeProgress], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only:
            self._conn = open_read_only(
                self.path, lambda: Ledger(self.path, on_upgrade=on_upgrade).close()
            )
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(f"cannot create the ledger {self.path}: {exc.strerror}") from exc
        if self.path.exists() and self.path.stat().st_size > 0:
            check_is_ledger(self.path)  # before anything can write to a file that is not ours
        # isolation_level=None: every write transaction is opened here (BEGIN IMMEDIATE), so a
        # page and its checkpoint commit together or not at all.
        self._conn = connect(self.path, str(self.path), uri=False)
        try:
            # Pages freed when staged entries join the ledger go back to the file system after
            # each pass (``incremental_vacuum``). It takes effect only before the first table;
            # an older file is converted once, by ``compact`` below.
            self._conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._durable = True
            self._conn.execute("PRAGMA synchronous=FULL")
            compact(self.path, self._conn, migrate(self.path, self._conn, on_upgrade))
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise LedgerError(f"cannot open the ledger {self.path}: {exc}") from exc
        except LedgerError:
            self._conn.close()
            raise

    @property
    def location(self) -> str:
        """The file's path, for messages."""
        return str(self.path)

    # -- plumbing ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def transaction(self) -> Transaction:
        """A write transaction: ``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on error."""
        if self.read_only:
            raise LedgerError(f"{self.path} is open read-only")
        return Transaction(self._conn)

    def _get(self, key: str) -> Any:  # noqa: ANN401 - meta values are int or str by key
        return Meta(self._conn).get(key)

    def _set(self, key: str, value: int | str | None) -> None:
        Meta(self._conn).set(key, value)

    # -- state ------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file."""
        return int(self._get("schema_version"))

    def _int(self, key: str) -> int | None:
        value = self._get(key)
        return value if isinstance(value, int) else None

    @property
    def frontier_id(self) -> int | None:
        """Newest id of the last confirmed pass; ``None`` before the first complete sync."""
        return self._int("frontier_id")

    @property
    def pass_head_id(self) -> int | None:
        """Newest id staged by the pass in progress, if one is."""
        return self._int("pass_head_id")

    @property
    def resume_token(self) -> str | None:
        """Token from which the pass in progress continues, if one is."""
        value = self._get("resume_token")
        return value if isinstance(value, str) else None

    @property
    def staged_count(self) -> int:
        """Entries read by the pass in progress, waiting to join the ledger."""
        return int(self._conn.execute("SELECT COUNT(*) FROM staged").fetchone()[0])

    def pass_state(self) -> PassState:
        return PassState(
            version=self._int("state_version") or 0,
            frontier_id=self._int("frontier_id"),
            frontier_ts=self._int("frontier_ts"),
            pass_head_id=self._int("pass_head_id"),
            pass_head_ts=self._int("pass_head_ts"),
            anchor_id=self._int("anchor_id"),
            anchor_ts=self._int("anchor_ts"),
            resume_token=self.resume_token,
        )

    # -- writing ----------------------------------------------------------------------------

    def _stage(self, entries: Iterable[HistoryEntry]) -> None:
        from youcam_units.ledger._rows import entry_values  # noqa: PLC0415 - not for reading

        self._conn.executemany(
            f"INSERT OR IGNORE INTO staged (key, {V3_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed names
            [
                (~entry_id, timestamp_ms, action, str(spent), str(granted), raw)
                for entry_id, timestamp_ms, action, spent, granted, raw in map(
                    entry_values, entries
                )
            ],
        )

    def _promote(self) -> int:
        """Move every staged entry into the ledger and its totals into the rollups; how many.

        The totals are those of the staged rows the ledger does not hold yet, which are exactly
        the rows that join it: one grouped query, once per pass (not a rollup write per page).
        """
        new = "FROM staged WHERE NOT EXISTS (SELECT 1 FROM entries WHERE entries.id = ~staged.key)"
        delta = _rollup.grouped(self._conn, new)
        before = self._conn.total_changes
        # Oldest id first: the rows append to ``entries`` (full pages) instead of splitting them.
        self._conn.execute(
            f"INSERT OR IGNORE INTO entries (id, {V3_COLUMNS}) "  # noqa: S608 - fixed names
            f"SELECT ~key, {V3_COLUMNS} FROM staged ORDER BY key DESC"
        )
        added = self._conn.total_changes - before
        _rollup.add_to(self._conn, delta)
        _rollup.add_days_to(self._conn, _rollup.per_day(delta))
        self._set("entry_count", len(self) + added)
        self._drop_staged()
        return added

    def _drop_staged(self) -> None:
        self._conn.execute("DELETE FROM staged")

    def _reclaim(self) -> None:
        """Give the pages the staged rows held back to the file system, in a transaction of its own.

        ``executescript`` runs the pragma to the end (``execute`` would free one page); it
        commits first, which is why this runs after the pass's transaction, never inside it. A
        crash before it only leaves the free pages for the next pass to reuse or give back.
        """
        ((free,),) = self._conn.execute("PRAGMA freelist_count")
        if not free:
            return
        try:
            self._conn.executescript("PRAGMA incremental_vacuum;")
        except sqlite3.OperationalError as exc:  # another sync holds the file: next time, then
            logger.info("free pages of %s kept for now: %s", self.path, exc)

    def _durability(self, *, full: bool) -> None:
        """FULL (survives a power cut) for what confirms a pass; NORMAL for staging.

        A power cut may undo the last staged pages (never a part of one): the next run reads
        them again. What ``sync`` reports as joined the ledger is committed with FULL, as is
        every write but staging. A killed process loses nothing in either mode.
        """
        if full != self._durable:
            self._conn.execute(f"PRAGMA synchronous={'FULL' if full else 'NORMAL'}")
            self._durable = full

    def _checkpoint(self, expected_version: int, **state: int | str | None) -> int:
        """In a transaction: check nobody moved the pass on, write ``state``; the new version."""
        version = self._int("state_version") or 0
        if version != expected_version:
            raise Superseded
        Meta(self._conn).set_many({**state, "state_version": version + 1})
        return version + 1

    def write_pass(
        self,
        expected_version: int,
        state: Mapping[str, int | str | None],
        *,
        stage: Sequence[HistoryEntry] = (),
        drop_staged: bool = False,
        promote: bool = False,
    ) -> tuple[int, int]:
        """One transaction: stage, promote or drop entries and write the pass state, atomically.

        Raises ``Superseded`` (writing nothing) when another run wrote the state since
        ``expected_version``. Returns the new version and how many entries joined the ledger.
        """
        added = 0
        self._durability(full=promote or drop_staged)
        try:
            with self.transaction():
                version = self._checkpoint(expected_version, **state)
                if drop_staged:
                    self._drop_staged()
                self._stage(stage)
                if promote:
                    added = self._promote()
        finally:
            self._durability(full=True)
        if promote or drop_staged:
            self._reclaim()
        return version, added

    def claim_source(self, source: str) -> None:
        """Record where this ledger's history comes from; refuse to mix in another source.

        ``source`` is a label such as the service's base URL. A ledger that already holds a
        different source raises ``LedgerError``: entries from two histories (the demo mock and a
        real account, say) must never end up in one ledger. Two accounts of one service share
        the URL: ``sync`` tells them apart (see the module docstring).
        """
        with self.transaction():
            stored = self._get("source")
            if stored is None:
                self._set("source", source)
            elif stored != source:
                raise LedgerError(
                    f"{self.path} holds the history of {stored}, not of {source}: "
                    "use another --db for this one"
                )

    @property
    def source(self) -> str | None:
        """The source recorded by :meth:`claim_source`, if any."""
        value = self._get("source")
        return value if isinstance(value, str) else None

    # -- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        """Entries held, from the count kept with them: no scan, at any size."""
        return int(self._get("entry_count"))

    def entries(
        self, *, since_ms: int | None = None, until_ms: int | None = None
    ) -> Iterator[HistoryEntry]:
        """Stored entries, newest first; ``since_ms`` inclusive, ``until_ms`` exclusive."""
        from youcam_units import _json as exact_json  # noqa: PLC0415 - summaries never parse

        for (raw,) in self._conn.execute(
            "SELECT raw FROM entries WHERE timestamp_ms >= ? AND timestamp_ms < ? "
            "ORDER BY timestamp_ms DESC, id DESC",
            bounds(since_ms, until_ms),
        ):
            yield HistoryEntry.from_dict(exact_json.loads(raw))

    def raw_entries(self) -> Iterator[dict[str, Any]]:
        """Every stored entry exactly as sent (fractions as Decimal), newest first."""
        from youcam_units import _json as exact_json  # noqa: PLC0415 - summaries never parse

        for (raw,) in self._conn.execute(
            "SELECT raw FROM entries ORDER BY timestamp_ms DESC, id DESC"
        ):
            yield exact_json.loads(raw)

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only SQL query against the ledger (summaries use it)."""
        return self._conn.execute(sql, params).fetchall()

    def iter_query(self, sql: str, params: Sequence[object] = ()) -> Iterator[tuple[Any, ...]]:
        """Like :meth:`query`, row by row, for results too big to hold."""
        yield from self._conn.execute(sql, params)

    def oldest_timestamp_ms(self) -> int | None:
        """The time of the oldest entry held (the time index's first key)."""
        ((oldest,),) = self._conn.execute("SELECT MIN(timestamp_ms) FROM entries")
        return oldest if isinstance(oldest, int) else None

    def totals(self, since_ms: int | None, until_ms: int | None, *, per: Per) -> Iterator[Totals]:
        """Totals per UTC day or action in ``[since_ms, until_ms)`` (see ``SummaryStorage``).

        Whole days come from ``rollup_day`` (one row a day) or, per action, from ``rollup``,
        summed by SQLite (exactly: see ``_rollup.sums_sql``); a window that starts or ends
        inside a day reads that day's part, and times that have no day, from ``entries``
        through the time index.
        """
        low = _INT64[0] if since_ms is None else max(since_ms, _INT64[0])
        high = _INT64[1] if until_ms is None else min(until_ms - 1, _INT64[1])  # inclusive
        if low > high:
            return
        first_day = max(-(-low // DAY_MS), _rollup.MIN_DAY)
        end_day = min((high + 1) // DAY_MS, _rollup.MAX_DAY + 1)
        if first_day < end_day:
            yield from self._rolled_up(first_day, end_day, per)
            edges = [(low, first_day * DAY_MS - 1), (end_day * DAY_MS, high)]
        else:
            edges = [(low, high)]
        for start, stop in edges:
            if start <= stop:
                yield from self._scanned(start, stop, per)

    def _rolled_up(self, first_day: int, end_day: int, per: Per) -> Iterator[Totals]:
        """The rollups' totals of the whole days ``[first_day, end_day)``."""
        if per == "day":
            for day, entries, spent, expired, granted in self._conn.execute(
                "SELECT day, entries, spent, expired, granted FROM rollup_day "
                "WHERE day >= ? AND day < ?",
                (first_day, end_day),
            ):
                yield Totals(
                    day,
                    day * DAY_MS,
                    None,
                    entries,
                    Decimal(spent),
                    Decimal(granted),
                    Decimal(expired),
                )
            return
        try:
            rows = self._conn.execute(_rollup.sums_sql(per), (first_day, end_day)).fetchall()
        except sqlite3.OperationalError as exc:  # sums beyond 64 bits: Python adds every row
            if "overflow" not in str(exc):
                raise
            rolled = self._conn.execute(
                "SELECT day, action, entries, spent, granted FROM rollup "
                "WHERE day >= ? AND day < ?",
                (first_day, end_day),
            )
            yield from self._summed(((day * DAY_MS, *rest) for day, *rest in rolled), per)
            return
        for action, entries, *parts in rows:
            spent, expired, granted = (_rollup.from_nano(*parts[i : i + 3]) for i in range(0, 9, 3))
            yield Totals(None, None, action, entries, spent, granted, expired)

    def _scanned(self, start: int, stop: int, per: Per) -> Iterator[Totals]:
        """Totals of the entries in ``[start, stop]`` (inclusive), added up from their rows."""
        rows = self._conn.execute(
            "SELECT timestamp_ms, action, 1, spent, granted FROM entries "
            "WHERE timestamp_ms >= ? AND timestamp_ms <= ?",
            (start, stop),
        )
        yield from self._summed(rows, per)

    @staticmethod
    def _summed(rows: Iterable[tuple[int, str, int, str, str]], per: Per) -> Iterator[Totals]:
        """Totals of ``(time_ms, action, entries, spent, granted)`` rows, added in Python."""
        groups: dict[tuple[int | None, int | None, str | None], list[Any]] = {}
        for time_ms, action, entries, spent, granted in rows:
            if per == "action":
                key: tuple[int | None, int | None, str | None] = (None, None, action)
            else:
                day = _rollup.day_of(time_ms)
                key = (None, time_ms, None) if day is None else (day, day * DAY_MS, None)
            sums = groups.get(key)
            if sums is None:
                sums = groups[key] = [0, ZERO, ZERO, ZERO]
            sums[0] += entries
            sums[3 if action == Action.EXPIRE else 1] += Decimal(spent)
            sums[2] += Decimal(granted)
        for (day_key, time_key, action_key), sums in groups.items():
            yield Totals(day_key, time_key, action_key, *sums)
