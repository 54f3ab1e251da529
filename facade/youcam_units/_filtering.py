"""Which history entries a reader wants: a time window and a set of actions.

The history comes newest first, so a filter can also tell the reader when to stop: the first
entry older than the window means nothing further down can match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from youcam_units._models import HistoryEntry

__all__ = ["EntryFilter"]


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """``since_ms`` inclusive, ``until_ms`` exclusive (Unix ms, UTC); ``actions`` empty: all."""

    since_ms: int | None = None
    until_ms: int | None = None
    actions: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        """True when every entry matches (a reader may then let the server cap the count)."""
        return self.since_ms is None and self.until_ms is None and not self.actions

    def select(self, entries: Sequence[HistoryEntry]) -> tuple[list[HistoryEntry], bool]:
        """The page's entries that match, and whether the page already went past ``since``."""
        selected: list[HistoryEntry] = []
        for entry in entries:
            if self.since_ms is not None and entry.timestamp_ms < self.since_ms:
                return selected, True
            if self.until_ms is not None and entry.timestamp_ms >= self.until_ms:
                continue
            if self.actions and str(entry.action) not in self.actions:
                continue
            selected.append(entry)
        return selected, False
