"""The rollups: exact totals of ``entries`` per UTC day and action, and per UTC day, kept alike.

SQLite cannot add decimal text exactly (it would sum binary floats), so every total is added in
Python as ``Decimal`` and stored back as text. When staged entries join ``entries`` (promote),
what they add is totalled from the staged rows not yet held, in the same transaction. A time
outside the years 1-9999 has no day: such entries are not in the rollup (summaries read them
from the entries themselves, through the time index).

``rollup_day`` holds the same totals per day alone (spent, expired, granted): a summary by day
or month reads one row per day (about 1,800 over five years) instead of one per day and action
(some 45,000 at ten million entries), and adds nothing in SQL. ``day_window`` cuts a window into
the whole days the rollups answer and the edges read from entries, for both storages.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from youcam_units._amounts import ZERO, exact_add, exact_sum
from youcam_units._models import DAY_MS, MAX_DATETIME_MS, MIN_DATETIME_MS, Action

__all__ = [
    "DATED_SQL",
    "MAX_DAY",
    "MIN_DAY",
    "DaySums",
    "Delta",
    "Sums",
    "Window",
    "add_to",
    "day_of",
    "day_window",
    "from_nano",
    "grouped",
    "sums_sql",
]

MIN_DAY: Final = MIN_DATETIME_MS // DAY_MS
"""0001-01-01, the first day a time can have (``MIN_DATETIME_MS`` is its first millisecond)."""
MAX_DAY: Final = MAX_DATETIME_MS // DAY_MS
"""9999-12-31, the last (``MAX_DATETIME_MS`` is its last millisecond)."""


@dataclass(slots=True)
class Sums:
    """The totals of one (day, action)."""

    entries: int
    spent: Decimal
    granted: Decimal


Delta = dict[tuple[int, str], Sums]
"""(day, action) -> sums: what to add to a rollup table."""


@dataclass(slots=True)
class DaySums:
    """The totals of one day, every action together: a ``rollup_day`` row."""

    entries: int
    spent: Decimal
    """Every action's negative changes but ``expire``'s, as a positive number."""
    expired: Decimal
    granted: Decimal


# Whole days, rounded down also before 1970 (SQLite's integer division rounds towards zero).
_DAY_SQL: Final = f"((timestamp_ms - ((timestamp_ms % {DAY_MS}) + {DAY_MS}) % {DAY_MS}) / {DAY_MS})"
DATED_SQL: Final = f"timestamp_ms BETWEEN {MIN_DATETIME_MS} AND {MAX_DATETIME_MS}"
"""Times that have a day (the years 1-9999): only those are rolled up (SQLite and PostgreSQL)."""


def day_of(timestamp_ms: int) -> int | None:
    """The UTC day of a time, in days since 1970-01-01; ``None`` outside the years 1-9999."""
    if MIN_DATETIME_MS <= timestamp_ms <= MAX_DATETIME_MS:
        return timestamp_ms // DAY_MS
    return None


_INT64: Final = (-(2**63), 2**63 - 1)

Window = tuple[tuple[int, int] | None, list[tuple[int, int]]]
"""The whole days ``(first_day, end_day)``, end exclusive, or ``None``; then the rest of the
window as ``(start_ms, stop_ms)`` ranges, both inclusive, none empty."""


def day_window(since_ms: int | None, until_ms: int | None) -> Window:
    """``[since_ms, until_ms)`` (``None`` leaves that side open) as whole days and edges."""
    low = _INT64[0] if since_ms is None else max(since_ms, _INT64[0])
    high = _INT64[1] if until_ms is None else min(until_ms - 1, _INT64[1])  # inclusive
    if low > high:
        return None, []
    first_day = max(-(-low // DAY_MS), MIN_DAY)
    end_day = min((high + 1) // DAY_MS, MAX_DAY + 1)
    if first_day < end_day:
        days: tuple[int, int] | None = (first_day, end_day)
        edges = [(low, first_day * DAY_MS - 1), (end_day * DAY_MS, high)]
    else:
        days, edges = None, [(low, high)]
    return days, [(start, stop) for start, stop in edges if start <= stop]


def _count_into(delta: Delta, day: int, action: str, spent: Decimal, granted: Decimal) -> None:
    """Count one entry into ``delta``."""
    sums = delta.get((day, action))
    if sums is None:
        delta[(day, action)] = Sums(1, spent, granted)
    else:
        sums.entries += 1
        sums.spent = exact_add(sums.spent, spent)
        sums.granted = exact_add(sums.granted, granted)


def add_to(conn: sqlite3.Connection, delta: Delta) -> None:
    """Add ``delta`` to ``rollup``, and per day to ``rollup_day``: exact, one read, one write."""
    if not delta:
        return
    days = [day for day, _ in delta]
    held = {
        (day, action): (entries, spent, granted)
        for day, action, entries, spent, granted in conn.execute(
            "SELECT day, action, entries, spent, granted FROM rollup WHERE day >= ? AND day <= ?",
            (min(days), max(days)),
        )
        if (day, action) in delta
    }
    rows = []
    for key, sums in delta.items():
        entries, spent, granted = sums.entries, sums.spent, sums.granted
        before = held.get(key)
        if before is not None:
            entries += before[0]
            spent = exact_add(spent, Decimal(before[1]))
            granted = exact_add(granted, Decimal(before[2]))
        rows.append((*key, entries, str(spent), str(granted), *_nano(spent), *_nano(granted)))
    conn.executemany(
        "INSERT OR REPLACE INTO rollup (day, action, entries, spent, granted, spent_nano, "
        "spent_places, granted_nano, granted_places) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    _add_days_to(conn, _per_day(delta))


def _per_day(delta: Delta) -> dict[int, DaySums]:
    """``delta``'s totals per day (what to add to ``rollup_day``)."""
    days: dict[int, DaySums] = {}
    for (day, action), sums in delta.items():
        spent, expired = (ZERO, sums.spent) if action == Action.EXPIRE else (sums.spent, ZERO)
        held = days.get(day)
        if held is None:
            days[day] = DaySums(sums.entries, spent, expired, sums.granted)
        else:
            held.entries += sums.entries
            held.spent = exact_add(held.spent, spent)
            held.expired = exact_add(held.expired, expired)
            held.granted = exact_add(held.granted, sums.granted)
    return days


def _add_days_to(conn: sqlite3.Connection, days: dict[int, DaySums]) -> None:
    """Add ``days`` to ``rollup_day``, exactly (``Decimal``): one read, one write."""
    if not days:
        return
    held = {
        day: (entries, spent, expired, granted)
        for day, entries, spent, expired, granted in conn.execute(
            "SELECT day, entries, spent, expired, granted FROM rollup_day "
            "WHERE day >= ? AND day <= ?",
            (min(days), max(days)),
        )
        if day in days
    }
    rows = []
    for day, sums in days.items():
        entries, spent, expired, granted = sums.entries, sums.spent, sums.expired, sums.granted
        before = held.get(day)
        if before is not None:
            entries += before[0]
            spent = exact_add(spent, Decimal(before[1]))
            expired = exact_add(expired, Decimal(before[2]))
            granted = exact_add(granted, Decimal(before[3]))
        rows.append((day, entries, str(spent), str(expired), str(granted)))
    conn.executemany(
        "INSERT OR REPLACE INTO rollup_day (day, entries, spent, expired, granted) "
        "VALUES (?, ?, ?, ?, ?)",
        rows,
    )


_NANO_LIMIT: Final = 2**62


def _nano(amount: Decimal) -> tuple[int | None, int | None]:
    """``(amount * 10**9, digits after its point)`` if that is a small whole number; else NULLs."""
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int) or not -9 <= exponent <= 0:  # noqa: PLR2004 - nano
        return None, None
    nano = int(amount.scaleb(9))
    if abs(nano) >= _NANO_LIMIT:
        return None, None
    return nano, -exponent


def from_nano(nano: int | None, places: int | None, others: str | None) -> Decimal:
    """A sum SQLite made of ``*_nano`` columns plus the amounts it could not add, as ``Decimal``.

    Written with the most digits after the point of any amount added, as adding each ``Decimal``
    would have written it.
    """
    total = ZERO
    if nano is not None and places is not None:
        total = Decimal(nano).scaleb(-9).quantize(Decimal(1).scaleb(-places))
    return _plus(total, others)


# An amount of up to 15 digits and nothing else is summed exactly by SQLite as an integer (a
# sum beyond 64 bits stops the query: then Python adds them all); any other text (a fraction, an
# exponent) is added in Python.
_WHOLE: Final = "(length({0}) <= 15 AND {0} NOT GLOB '*[^0-9]*')"


def grouped(conn: sqlite3.Connection, rows: str) -> Delta:
    """The totals per (day, action) of ``rows``: ``FROM`` ... (``WHERE`` ...), in one query.

    ``rows`` must offer ``timestamp_ms, action, spent, granted``. Whole amounts (nearly all) are
    summed by SQLite; the others come to Python as one string per group, added as ``Decimal``.
    """
    parts = []
    for column in ("spent", "granted"):
        whole = _WHOLE.format(column)
        parts.append(f"SUM(CASE WHEN {whole} THEN CAST({column} AS INTEGER) ELSE 0 END)")
        parts.append(f"group_concat(CASE WHEN {whole} THEN NULL ELSE {column} END, ' ')")
    query = (
        f"SELECT {_DAY_SQL} AS day, action, COUNT(*), {', '.join(parts)} "  # noqa: S608 - fixed names
        f"FROM (SELECT timestamp_ms, action, spent, granted {rows}) WHERE {DATED_SQL} "
        "GROUP BY day, action"
    )
    try:
        return {
            (day, action): Sums(
                entries,
                _plus(Decimal(whole_spent), other_spent),
                _plus(Decimal(whole_granted), other_granted),
            )
            for day, action, entries, whole_spent, other_spent, whole_granted, other_granted in (
                conn.execute(query)
            )
        }
    except sqlite3.OperationalError as exc:  # an integer sum beyond 64 bits
        if "overflow" not in str(exc):
            raise
    delta: Delta = {}
    for timestamp_ms, action, spent, granted in conn.execute(
        f"SELECT timestamp_ms, action, spent, granted {rows}"
    ):
        day = day_of(timestamp_ms)
        if day is not None:
            _count_into(delta, day, action, Decimal(spent), Decimal(granted))
    return delta


def _plus(total: Decimal, others: str | None) -> Decimal:
    """``total`` plus the amounts SQLite did not add, handed over as one space-separated text."""
    if others:
        total = exact_sum((total, *(Decimal(text) for text in others.split(" "))))
    return total


def _split(column: str, condition: str) -> str:
    """The parts of one sum of ``rollup``: SQLite's exact sum, its places, the rest as text."""
    return (
        f"SUM(CASE WHEN {condition} THEN {column}_nano END), "
        f"MAX(CASE WHEN {condition} THEN {column}_places END), "
        f"group_concat(CASE WHEN {condition} AND {column}_nano IS NULL THEN {column} END, ' ')"
    )


def sums_sql(key: str) -> str:
    """Rollup rows of the days ``[?, ?)``, summed per ``key`` (``day`` or ``action``) in SQL.

    Each row: key, entries, then spent, expired and granted as three parts each (``from_nano``).
    """
    spent = _split("spent", f"action <> '{Action.EXPIRE}'")
    expired = _split("spent", f"action = '{Action.EXPIRE}'")
    granted = _split("granted", "1")
    return (
        f"SELECT {key}, SUM(entries), {spent}, {expired}, {granted} "  # noqa: S608 - fixed names
        f"FROM rollup WHERE day >= ? AND day < ? GROUP BY {key}"
    )
