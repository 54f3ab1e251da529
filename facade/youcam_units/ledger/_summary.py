"""Where the units went: exact totals per action, day or month, from the ledger.

The storage hands over totals per UTC day and action (the SQLite ledger keeps them as entries
arrive), so a summary costs the same at any ledger size; they are added here as ``Decimal``.
A time outside the years 1-9999 has no day or month: its entries are a group of their own,
named by the raw milliseconds (``describe_timestamp``), after (or before) every dated one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from youcam_units._amounts import ZERO, exact_add, exact_subtract
from youcam_units._models import EPOCH, describe_timestamp
from youcam_units.ledger._storage import GROUPINGS, Grouping

if TYPE_CHECKING:
    from collections.abc import Iterable
    from decimal import Decimal

    from youcam_units.ledger._storage import SummaryStorage

__all__ = ["GROUPINGS", "Grouping", "SummaryRow", "summarize", "summary_json"]


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
        return exact_subtract(exact_subtract(self.granted, self.spent), self.expired)

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


SUMMARY_FIELDS: Final = ("entries", "spent", "granted", "expired", "net")
"""A ``SummaryRow``'s figures as ``to_dict`` names them, after the group: csv's columns."""


def summary_json(rows: Iterable[SummaryRow], *, by: Grouping) -> str:
    """The summary as a JSON array (``youcam-units summary --format json``): exact numbers."""
    from youcam_units import _json as exact_json  # noqa: PLC0415 - the table needs no JSON

    return exact_json.dumps([row.to_dict(by) for row in rows], indent=2)


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
    for name, bound in (("since_ms", since_ms), ("until_ms", until_ms)):
        if not (bound is None or isinstance(bound, int | float)):
            raise TypeError(
                f"{name} must be milliseconds since 1970 (int(when.timestamp() * 1000)) or "
                f"None, got {type(bound).__name__}"
            )
    # name -> [first_ms, entries, spent, granted, expired]: lists, as thousands of days are added.
    groups: dict[str, list[Any]] = {}
    names: dict[int, str] = {}
    for day, time_ms, action, entries, spent, granted, expired in ledger.totals(
        since_ms, until_ms, per="action" if by == "action" else "day"
    ):
        first_ms = time_ms if time_ms is not None else 0
        if action is not None:
            name = action
        elif day is None:
            name = describe_timestamp(first_ms)
        else:
            name = names.get(day) or names.setdefault(day, _name(day, by))
        group = groups.get(name)
        if group is None:
            # Added to zero, as every later part is: a sum is written alike however it started.
            groups[name] = [
                first_ms,
                entries,
                *(exact_add(ZERO, x) for x in (spent, granted, expired)),
            ]
            continue
        group[0] = min(group[0], first_ms)
        group[1] += entries
        group[2] = exact_add(group[2], spent)
        group[3] = exact_add(group[3], granted)
        group[4] = exact_add(group[4], expired)
    if by == "action":
        order = sorted(groups, key=lambda n: (-groups[n][2], -groups[n][3], n))  # biggest first
    else:
        order = sorted(groups, key=lambda n: groups[n][0])  # oldest first, as a time line reads
    return [SummaryRow(name, *groups[name][1:]) for name in order]


def _name(day: int, by: Grouping) -> str:
    """A UTC day's group name: ``YYYY-MM-DD`` or ``YYYY-MM``."""
    when = EPOCH.date() + timedelta(days=day)
    return when.isoformat() if by == "day" else f"{when.year:04d}-{when.month:02d}"
