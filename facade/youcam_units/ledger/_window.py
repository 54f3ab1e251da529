"""A totals window cut into the whole days the rollups answer and the edges read from entries.

Both storages read totals this way; the arithmetic (int64 bounds, days before 1970, times
outside the years 1-9999) is written once here, so that the two cannot drift apart.
"""

from __future__ import annotations

from typing import Final

from youcam_units._models import DAY_MS
from youcam_units.ledger._rollup import MAX_DAY, MIN_DAY

__all__ = ["Window", "day_window"]

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
