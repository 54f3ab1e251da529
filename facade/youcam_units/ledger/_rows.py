"""The row an entry is stored as: what the write path needs, apart from what reading needs.

Kept out of ``_schema`` so that opening a ledger to read a summary does not import the JSON
writer (and, through it, ``secrets`` and ``hashlib``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from youcam_units import _json as exact_json
from youcam_units._amounts import ZERO, exact_add, exact_subtract

if TYPE_CHECKING:
    from decimal import Decimal

    from youcam_units._models import HistoryEntry

__all__ = ["entry_values"]


def entry_values(e: HistoryEntry) -> tuple[int, int, str, Decimal, Decimal, str]:
    """``(id, timestamp_ms, action, spent, granted, raw)`` of one entry: one serialisation."""
    spent = granted = ZERO
    for change in e.changes:
        amount = change.amount
        if amount < 0:
            spent = exact_subtract(spent, amount)
        elif amount > 0:
            granted = exact_add(granted, amount)
    raw = exact_json.dumps(e.to_dict(), separators=(",", ":"))  # keys in the order sent
    return e.id, e.timestamp_ms, str(e.action), spent, granted, raw
