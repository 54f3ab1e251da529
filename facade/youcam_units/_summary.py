"""Where the units went: totals per action, day or month, computed in SQL from the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from youcam_units._ledger import Ledger

__all__ = ["GROUPINGS", "Grouping", "SummaryRow", "summarize"]

Grouping = Literal["action", "day", "month"]
GROUPINGS: Final[tuple[Grouping, ...]] = ("action", "day", "month")

EXPIRE_ACTION: Final = "expire"
"""Units that expire are lost, not spent: they get their own column."""

# Group expressions, by grouping; timestamps are grouped by their UTC date.
_GROUP_SQL: Final[dict[Grouping, str]] = {
    "action": "action",
    "day": "strftime('%Y-%m-%d', timestamp_ms / 1000, 'unixepoch')",
    "month": "strftime('%Y-%m', timestamp_ms / 1000, 'unixepoch')",
}
# Actions: the biggest spenders first. Days and months: oldest first, as a time line reads.
_ORDER_SQL: Final[dict[Grouping, str]] = {
    "action": "spent DESC, granted DESC, grp",
    "day": "grp",
    "month": "grp",
}


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """Totals for one group (an action, a day ``YYYY-MM-DD`` or a month ``YYYY-MM``, in UTC)."""

    group: str
    entries: int
    spent: int
    """Units spent (the negative changes of every action but expiry), as a positive number."""
    granted: int
    """Units granted (the positive changes)."""
    expired: int
    """Units that expired unused, as a positive number."""

    @property
    def net(self) -> int:
        """The change of the balance over the group: granted minus spent minus expired."""
        return self.granted - self.spent - self.expired


def summarize(
    ledger: Ledger,
    *,
    by: Grouping = "action",
    since_ms: int | None = None,
    until_ms: int | None = None,
) -> list[SummaryRow]:
    """Totals per group over the ledger's entries with ``since_ms <= timestamp < until_ms``."""
    if by not in _GROUP_SQL:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    low = -(2**63) if since_ms is None else since_ms
    high = 2**63 - 1 if until_ms is None else until_ms
    sql = (
        f"SELECT {_GROUP_SQL[by]} AS grp, COUNT(*) AS n, "  # noqa: S608 - fixed expressions only
        "SUM(CASE WHEN action = ? THEN 0 ELSE spent END) AS spent, "
        "SUM(granted) AS granted, "
        "SUM(CASE WHEN action = ? THEN spent ELSE 0 END) AS expired "
        "FROM entries WHERE timestamp_ms >= ? AND timestamp_ms < ? "
        f"GROUP BY grp ORDER BY {_ORDER_SQL[by]}"
    )
    rows = ledger.query(sql, (EXPIRE_ACTION, EXPIRE_ACTION, low, high))
    return [
        SummaryRow(group=str(g), entries=int(n), spent=int(s), granted=int(gr), expired=int(e))
        for g, n, s, gr, e in rows
    ]
