"""The PostgreSQL ledger's read side: entries, totals and queries, all that ``summary`` needs.

Kept apart from ``_postgres`` so that its write path (staging, promoting, the pass state) reads
in one file; ``PostgresLedger`` is this class with writing added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from youcam_units._amounts import ZERO
from youcam_units._models import DAY_MS, Action, HistoryEntry
from youcam_units.ledger._postgres_schema import DATED_SQL, DAY_SQL, SCHEMA
from youcam_units.ledger._postgres_session import PostgresSession
from youcam_units.ledger._rollup import day_window
from youcam_units.ledger._storage import Totals

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from decimal import Decimal

    from youcam_units.ledger._storage import Per

__all__ = ["PostgresReading"]


class PostgresReading(PostgresSession):
    """An open PostgreSQL ledger, and what reads it; ``PostgresLedger`` adds writing."""

    def __len__(self) -> int:
        """Entries held, from the count kept with them: no scan, at any size."""
        (count,) = self._row("entry_count")
        return int(count)

    def _raw_rows(self, since_ms: int | None, until_ms: int | None) -> Iterator[str]:
        """``raw`` of the entries in ``[since_ms, until_ms)``, newest first, streamed."""
        where, params = "ledger = %s", list[str | int]([self.name])
        if since_ms is not None:
            where, params = f"{where} AND timestamp_ms >= %s", [*params, since_ms]
        if until_ms is not None:
            where, params = f"{where} AND timestamp_ms < %s", [*params, until_ms]
        with (
            self._errors("read"),
            self._conn.transaction(),
            self._conn.cursor(name="youcam_units_entries") as cursor,
        ):
            cursor.itersize = 2000
            cursor.execute(
                f"SELECT raw FROM {SCHEMA}.entries WHERE {where} "  # noqa: S608 - fixed names
                "ORDER BY timestamp_ms DESC, id DESC",
                params,
            )
            for (raw,) in cursor:
                yield raw

    def entries(
        self, *, since_ms: int | None = None, until_ms: int | None = None
    ) -> Iterator[HistoryEntry]:
        """Stored entries, newest first; ``since_ms`` inclusive, ``until_ms`` exclusive."""
        from youcam_units import _json as exact_json  # noqa: PLC0415 - summaries never parse

        for raw in self._raw_rows(since_ms, until_ms):
            yield HistoryEntry.from_dict(exact_json.loads(raw))

    def raw_entries(self) -> Iterator[dict[str, Any]]:
        """Every stored entry exactly as sent (fractions as Decimal), newest first."""
        from youcam_units import _json as exact_json  # noqa: PLC0415 - summaries never parse

        for raw in self._raw_rows(None, None):
            yield exact_json.loads(raw)

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run SQL with the ledger's schema first on the search path (tests and tools)."""
        with self._errors("query"), self._conn.cursor() as cursor:
            cursor.execute(f"SET search_path TO {SCHEMA}, public")
            cursor.execute(sql.replace("?", "%s") if params else sql, params or None)
            return cursor.fetchall() if cursor.description else []

    def oldest_timestamp_ms(self) -> int | None:
        """The time of the oldest entry held (the time index's first key)."""
        with self._errors("read"):
            row = self._conn.execute(
                f"SELECT MIN(timestamp_ms) FROM {SCHEMA}.entries WHERE ledger = %s",  # noqa: S608 - fixed names
                (self.name,),
            ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def totals(self, since_ms: int | None, until_ms: int | None, *, per: Per) -> Iterator[Totals]:
        """Totals per UTC day or action in ``[since_ms, until_ms)`` (see ``SummaryStorage``).

        Whole days from the rollups (``NUMERIC`` sums: exact); the partial days at the window's
        edges, and times that have no day, from ``entries`` through the time index.
        """
        days, edges = day_window(since_ms, until_ms)
        with self._errors("read"):
            rows = [] if days is None else list(self._rolled_up(*days, per))
            for start, stop in edges:
                rows.extend(self._scanned(start, stop, per))
        yield from rows

    def _rolled_up(self, first_day: int, end_day: int, per: Per) -> Iterator[Totals]:
        """The rollups' totals of the whole days ``[first_day, end_day)``."""
        if per == "day":
            for day, entries, spent, expired, granted in self._conn.execute(
                f"SELECT day, entries, spent, expired, granted FROM {SCHEMA}.rollup_day "  # noqa: S608 - fixed names
                "WHERE ledger = %s AND day >= %s AND day < %s",
                (self.name, first_day, end_day),
            ):
                yield Totals(day, day * DAY_MS, None, int(entries), spent, granted, expired)
            return
        for action, entries, spent, granted in self._conn.execute(
            f"SELECT action, SUM(entries), SUM(spent), SUM(granted) FROM {SCHEMA}.rollup "  # noqa: S608 - fixed names
            "WHERE ledger = %s AND day >= %s AND day < %s GROUP BY action",
            (self.name, first_day, end_day),
        ):
            yield _action_totals(action, entries, spent, granted)

    def _scanned(self, start: int, stop: int, per: Per) -> Iterator[Totals]:
        """Totals of the entries in ``[start, stop]`` (inclusive), summed by the database."""
        where = f"FROM {SCHEMA}.entries WHERE ledger = %s AND timestamp_ms BETWEEN %s AND %s"
        params = (self.name, start, stop)
        if per == "action":
            for action, entries, spent, granted in self._conn.execute(
                f"SELECT action, COUNT(*), SUM(spent), SUM(granted) {where} GROUP BY action",
                params,
            ):
                yield _action_totals(action, entries, spent, granted)
            return
        # Per day; a time with no day is a group of its own, named by its milliseconds.
        for day, time_ms, entries, spent, expired, granted in self._conn.execute(
            f"SELECT CASE WHEN {DATED_SQL} THEN ({DAY_SQL}) END AS day, "
            f"CASE WHEN {DATED_SQL} THEN ({DAY_SQL}) * {DAY_MS} ELSE timestamp_ms END, "
            "COUNT(*), "
            "COALESCE(SUM(spent) FILTER (WHERE action <> %s), 0), "
            "COALESCE(SUM(spent) FILTER (WHERE action = %s), 0), SUM(granted) "
            f"{where} GROUP BY 1, 2",
            (Action.EXPIRE.value, Action.EXPIRE.value, *params),
        ):
            yield Totals(
                None if day is None else int(day),
                int(time_ms),
                None,
                int(entries),
                spent,
                granted,
                expired,
            )


def _action_totals(action: str, entries: object, spent: Decimal, granted: Decimal) -> Totals:
    expiry = action == Action.EXPIRE
    return Totals(
        None,
        None,
        action,
        int(str(entries)),
        ZERO if expiry else spent,
        granted,
        spent if expiry else ZERO,
    )
