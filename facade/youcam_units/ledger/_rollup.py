"""The rollup: exact totals per UTC day and action, kept beside the entries they total.

SQLite cannot add decimal text exactly (it would sum binary floats), so every total is added in
Python as ``Decimal`` and stored back as text. ``rollup`` totals ``entries``; ``staged_rollup``
totals ``staged``, and joins ``rollup`` when the staged entries join ``entries``. A time outside
the years 1-9999 has no day: such entries are in neither table (summaries read them from the
entries themselves, through the time index).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from youcam_units._models import MAX_DATETIME_MS, MIN_DATETIME_MS

__all__ = [
    "DAY_MS",
    "MAX_DAY",
    "MIN_DAY",
    "Delta",
    "Sums",
    "add_to",
    "count_into",
    "day_of",
    "delta_of",
    "rebuild",
    "totals_sql",
]

DAY_MS: Final = 86_400_000
MIN_DAY: Final = MIN_DATETIME_MS // DAY_MS
"""0001-01-01, the first day a time can have (``MIN_DATETIME_MS`` is its first millisecond)."""
MAX_DAY: Final = MAX_DATETIME_MS // DAY_MS
"""9999-12-31, the last (``MAX_DATETIME_MS`` is its last millisecond)."""

_ZERO: Final = Decimal(0)


@dataclass(slots=True)
class Sums:
    """The totals of one (day, action)."""

    entries: int
    spent: Decimal
    granted: Decimal


Delta = dict[tuple[int, str], Sums]
"""(day, action) -> sums: what to add to a rollup table."""

# Whole days, rounded down also before 1970 (SQLite's integer division rounds towards zero).
_DAY_SQL: Final = f"((timestamp_ms - ((timestamp_ms % {DAY_MS}) + {DAY_MS}) % {DAY_MS}) / {DAY_MS})"
_DATED_SQL: Final = f"timestamp_ms BETWEEN {MIN_DATETIME_MS} AND {MAX_DATETIME_MS}"


def day_of(timestamp_ms: int) -> int | None:
    """The UTC day of a time, in days since 1970-01-01; ``None`` outside the years 1-9999."""
    if MIN_DATETIME_MS <= timestamp_ms <= MAX_DATETIME_MS:
        return timestamp_ms // DAY_MS
    return None


def count_into(delta: Delta, day: int, action: str, spent: Decimal, granted: Decimal) -> None:
    """Count one entry into ``delta``."""
    sums = delta.get((day, action))
    if sums is None:
        delta[(day, action)] = Sums(1, spent, granted)
    else:
        sums.entries += 1
        sums.spent += spent
        sums.granted += granted


def add_to(conn: sqlite3.Connection, table: str, delta: Delta) -> None:
    """Add ``delta`` to the rollup table ``table`` (``rollup`` or ``staged_rollup``), exactly."""
    if not delta:
        return
    rows = []
    for (day, action), sums in delta.items():
        entries, spent, granted = sums.entries, sums.spent, sums.granted
        held = conn.execute(
            f"SELECT entries, spent, granted FROM {table} WHERE day = ? AND action = ?",  # noqa: S608 - fixed names
            (day, action),
        ).fetchone()
        if held is not None:
            entries += held[0]
            spent += Decimal(held[1])
            granted += Decimal(held[2])
        rows.append((day, action, entries, str(spent), str(granted)))
    conn.executemany(
        f"INSERT OR REPLACE INTO {table} (day, action, entries, spent, granted) "  # noqa: S608 - fixed names
        "VALUES (?, ?, ?, ?, ?)",
        rows,
    )


def delta_of(conn: sqlite3.Connection, table: str) -> Delta:
    """Every row of the rollup table ``table``, as a delta to add to another."""
    return {
        (day, action): Sums(entries, Decimal(spent), Decimal(granted))
        for day, action, entries, spent, granted in conn.execute(
            f"SELECT day, action, entries, spent, granted FROM {table}"  # noqa: S608 - fixed names
        )
    }


# An amount of up to 15 digits and nothing else sums exactly as an SQLite integer (10M of them
# cannot overflow); any other text (a fraction, an exponent) is added in Python.
_WHOLE: Final = "(length({0}) <= 15 AND {0} NOT GLOB '*[^0-9]*')"


def rebuild(conn: sqlite3.Connection, table: str, source: str) -> None:
    """Recompute the rollup table ``table`` from every row of ``source`` (the migration's job).

    The amounts that are whole numbers (nearly all) are summed by SQLite as integers, exactly;
    the others are handed to Python as one string per group and added as ``Decimal``.
    """
    conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
    parts = []
    for column in ("spent", "granted"):
        whole = _WHOLE.format(column)
        parts.append(f"SUM(CASE WHEN {whole} THEN CAST({column} AS INTEGER) ELSE 0 END)")
        parts.append(f"group_concat(CASE WHEN {whole} THEN NULL ELSE {column} END, ' ')")
    query = (
        f"SELECT {_DAY_SQL} AS day, action, COUNT(*), {', '.join(parts)} "  # noqa: S608 - fixed names
        f"FROM {source} WHERE {_DATED_SQL} GROUP BY day, action"
    )
    try:
        groups = conn.execute(query).fetchall()
    except sqlite3.OperationalError as exc:  # an integer sum beyond 64 bits
        if "overflow" not in str(exc):
            raise
        groups = _groups_in_python(conn, source)
    rows = [
        (
            day,
            action,
            entries,
            str(_exact_sum(whole_spent, other_spent)),
            str(_exact_sum(whole_granted, other_granted)),
        )
        for day, action, entries, whole_spent, other_spent, whole_granted, other_granted in groups
    ]
    conn.executemany(
        f"INSERT INTO {table} (day, action, entries, spent, granted) VALUES (?, ?, ?, ?, ?)",  # noqa: S608 - fixed names
        rows,
    )


def _exact_sum(whole: int, others: str | None) -> Decimal:
    total = Decimal(whole)
    if others:
        total += sum((Decimal(text) for text in others.split(" ")), _ZERO)
    return total


def _groups_in_python(
    conn: sqlite3.Connection, source: str
) -> list[tuple[int, str, int, int, str, int, str]]:
    """The same groups, every amount added in Python (when the integer sums would overflow)."""
    delta: Delta = {}
    for timestamp_ms, action, spent, granted in conn.execute(
        f"SELECT timestamp_ms, action, spent, granted FROM {source} WHERE {_DATED_SQL}"  # noqa: S608 - fixed names
    ):
        count_into(delta, timestamp_ms // DAY_MS, action, Decimal(spent), Decimal(granted))
    return [
        (day, action, sums.entries, 0, str(sums.spent), 0, str(sums.granted))
        for (day, action), sums in delta.items()
    ]


def totals_sql(table: str) -> str:
    """The query of a rollup table's rows for the days ``[?, ?)``."""
    return (
        f"SELECT day, action, entries, spent, granted FROM {table} "  # noqa: S608 - fixed names
        "WHERE day >= ? AND day < ?"
    )
