"""Where the units went: exact totals per action, day or month, from the ledger.

The storage picks and groups the rows (SQL, for the SQLite ledger); the totals are summed in
Python as ``Decimal``, because the ledger stores amounts as exact decimal text and SQLite can
only sum them as binary floats.
A time outside the years 1-9999 has no day or month: such an entry is a group of its own,
named by its raw milliseconds (``describe_timestamp``), after (or before) every dated one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from youcam_units import _json as exact_json
from youcam_units._models import describe_timestamp
from youcam_units.ledger._storage import GROUPINGS, Grouping

if TYPE_CHECKING:
    from collections.abc import Iterable

    from youcam_units.ledger._storage import SummaryStorage

__all__ = ["GROUPINGS", "Grouping", "SummaryRow", "summarize", "summary_json"]

EXPIRE_ACTION: Final = "expire"
"""Units that expire are lost, not spent: they get their own column."""

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

    def to_dict(self, by: Grouping) -> dict[str, object]:
        """The row as JSON-ready data, the group under its grouping's name; amounts exact."""
        return {
            by: self.group,
            "entries": self.entries,
            "spent": self.spent,
            "granted": self.granted,
            "expired": self.expired,
            "net": self.net,
        }


def summary_json(rows: Iterable[SummaryRow], *, by: Grouping) -> str:
    """The summary as a JSON array (``youcam-units summary --format json``): exact numbers."""
    return exact_json.dumps([row.to_dict(by) for row in rows], indent=2)


@dataclass(slots=True)
class _Totals:
    first_ms: int
    entries: int = 0
    spent: Decimal = field(default=_ZERO)
    granted: Decimal = field(default=_ZERO)
    expired: Decimal = field(default=_ZERO)


def summarize(
    ledger: SummaryStorage,
    *,
    by: Grouping = "action",
    since_ms: int | None = None,
    until_ms: int | None = None,
) -> list[SummaryRow]:
    """Exact totals per group over the entries with ``since_ms <= timestamp < until_ms``."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    groups: dict[str, _Totals] = {}
    for group, timestamp_ms, action, spent, granted in ledger.summary_rows(by, since_ms, until_ms):
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
