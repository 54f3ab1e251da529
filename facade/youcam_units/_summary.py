"""Where the units went: exact totals per action, day or month, from the ledger.

SQL picks and groups the rows; the totals are summed in Python as ``Decimal``, because the
ledger stores amounts as exact decimal text and SQLite can only sum them as binary floats.
A time outside the years 1-9999 has no day or month: such an entry is a group of its own,
named by its raw milliseconds (``describe_timestamp``), after (or before) every dated one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from youcam_units._models import MAX_DATETIME_MS, MIN_DATETIME_MS, describe_timestamp

if TYPE_CHECKING:
    from youcam_units._ledger import Ledger

__all__ = ["GROUPINGS", "Grouping", "SummaryRow", "summarize"]

Grouping = Literal["action", "day", "month"]
GROUPINGS: Final[tuple[Grouping, ...]] = ("action", "day", "month")

EXPIRE_ACTION: Final = "expire"
"""Units that expire are lost, not spent: they get their own column."""

# Whole seconds, rounded down also before 1970 (SQLite's integer division rounds towards zero).
_SECONDS: Final = "((timestamp_ms - ((timestamp_ms % 1000) + 1000) % 1000) / 1000)"
_IN_RANGE: Final = f"timestamp_ms BETWEEN {MIN_DATETIME_MS} AND {MAX_DATETIME_MS}"
# Group expressions, by grouping; timestamps are grouped by their UTC date, NULL when it has none.
_GROUP_SQL: Final[dict[Grouping, str]] = {
    "action": "action",
    "day": f"CASE WHEN {_IN_RANGE} THEN strftime('%Y-%m-%d', {_SECONDS}, 'unixepoch') END",
    "month": f"CASE WHEN {_IN_RANGE} THEN strftime('%Y-%m', {_SECONDS}, 'unixepoch') END",
}
_ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """Totals for one group (an action, a day ``YYYY-MM-DD`` or a month ``YYYY-MM``, in UTC)."""

    group: str
    entries: int
    spent: Decimal
    """Units spent (the negative changes of every action but expiry), as a positive number."""
    granted: Decimal
    """Units granted (the positive changes)."""
    expired: Decimal
    """Units that expired unused, as a positive number."""

    @property
    def net(self) -> Decimal:
        """The change of the balance over the group: granted minus spent minus expired."""
        return self.granted - self.spent - self.expired


@dataclass(slots=True)
class _Totals:
    first_ms: int
    entries: int = 0
    spent: Decimal = field(default=_ZERO)
    granted: Decimal = field(default=_ZERO)
    expired: Decimal = field(default=_ZERO)


def summarize(
    ledger: Ledger,
    *,
    by: Grouping = "action",
    since_ms: int | None = None,
    until_ms: int | None = None,
) -> list[SummaryRow]:
    """Exact totals per group over the entries with ``since_ms <= timestamp < until_ms``."""
    if by not in _GROUP_SQL:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    low = -(2**63) if since_ms is None else since_ms
    high = 2**63 - 1 if until_ms is None else until_ms
    sql = (
        f"SELECT {_GROUP_SQL[by]}, timestamp_ms, action, spent, granted "  # noqa: S608 - fixed expressions only
        "FROM entries WHERE timestamp_ms >= ? AND timestamp_ms < ? ORDER BY timestamp_ms, id"
    )
    groups: dict[str, _Totals] = {}
    for group, timestamp_ms, action, spent, granted in ledger.iter_query(sql, (low, high)):
        name = describe_timestamp(timestamp_ms) if group is None else str(group)
        totals = groups.get(name)
        if totals is None:
            totals = groups[name] = _Totals(first_ms=timestamp_ms)
        totals.entries += 1
        if action == EXPIRE_ACTION:
            totals.expired += Decimal(spent)
        else:
            totals.spent += Decimal(spent)
        totals.granted += Decimal(granted)
    rows = [
        SummaryRow(name, t.entries, t.spent, t.granted, t.expired) for name, t in groups.items()
    ]
    if by == "action":
        # The biggest spenders first.
        rows.sort(key=lambda r: (-r.spent, -r.granted, r.group))
    else:
        # Oldest first, as a time line reads (rows came in time order; the dict kept it).
        rows.sort(key=lambda r: groups[r.group].first_ms)
    return rows
