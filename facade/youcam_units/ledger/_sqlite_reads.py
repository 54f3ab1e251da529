"""The SQLite ledger's read side: entries, totals and queries, all that ``summary`` needs.

Kept apart from ``_sqlite`` so that its write path (staging, promoting, the pass state) reads in
one file; ``Ledger`` is this class with writing added.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from youcam_units._amounts import ZERO, exact_add
from youcam_units._models import DAY_MS, Action, HistoryEntry
from youcam_units.ledger import _rollup
from youcam_units.ledger._schema import Meta
from youcam_units.ledger._storage import OpenLedger, Totals

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from pathlib import Path

    from youcam_units.ledger._storage import Per

__all__ = ["LedgerReading"]


class LedgerReading(OpenLedger):
    """An open SQLite ledger file, and what reads it; ``Ledger`` opens the file and adds writing."""

    path: Path
    read_only: bool
    _conn: sqlite3.Connection

    @property
    def location(self) -> str:
        """The file's path, for messages."""
        return str(self.path)

    def _get(self, key: str) -> Any:  # noqa: ANN401 - meta values are int or str by key
        return Meta(self._conn).get(key)

    def __len__(self) -> int:
        """Entries held, from the count kept with them: no scan, at any size."""
        return int(self._get("entry_count"))

    def entries(
        self, *, since_ms: int | None = None, until_ms: int | None = None
    ) -> Iterator[HistoryEntry]:
        """Stored entries, newest first; ``since_ms`` inclusive, ``until_ms`` exclusive."""
        from youcam_units import _json as exact_json  # noqa: PLC0415 - summaries never parse

        # An exclusive bound has no int64 to stand for "none": 2**63 - 1 would leave out its ms.
        where, params = "timestamp_ms >= ?", [-(2**63) if since_ms is None else since_ms]
        if until_ms is not None:
            where, params = f"{where} AND timestamp_ms < ?", [*params, until_ms]
        for (raw,) in self._conn.execute(
            f"SELECT raw FROM entries WHERE {where} ORDER BY timestamp_ms DESC, id DESC",  # noqa: S608 - fixed text
            params,
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
        days, edges = _rollup.day_window(since_ms, until_ms)
        if days is not None:
            yield from self._rolled_up(*days, per)
        for start, stop in edges:
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
            column = 3 if action == Action.EXPIRE else 1
            sums[column] = exact_add(sums[column], Decimal(spent))
            sums[2] = exact_add(sums[2], Decimal(granted))
        for (day_key, time_key, action_key), sums in groups.items():
            yield Totals(day_key, time_key, action_key, *sums)
