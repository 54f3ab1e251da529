"""The loop guard every listing shares: a server that never ends a listing is stopped.

In constant memory whatever the length of the read (``LoopGuard``): a token equal to one of the
last few, or to Brent's cycle-detection anchor, means the tokens go round a cycle (any cycle is
caught within three laps of it); and a read whose pages bring nothing new for
``NO_PROGRESS_PAGES`` pages in a row (empty pages under ever-new tokens, or the same items
again) is making no progress. What "new" means is the listing's own (``Progress``): the history
comes newest first, so a new entry is one older than the oldest seen; the feature costs have no
order, so a new SKU is one not among the last ``SEEN_ITEMS`` handed out (fingerprints only).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from operator import attrgetter
from typing import TYPE_CHECKING, Final, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["NO_PROGRESS_PAGES", "SEEN_ITEMS", "LoopGuard", "NewItems", "OlderEntries", "Progress"]

#: Pages in a row that bring nothing new before the read is called stuck.
NO_PROGRESS_PAGES: Final = 5
#: Fingerprints of the items last handed out that ``NewItems`` remembers (a few hundred kB at
#: most, whatever the length of the read; a catalogue of SKUs is a few hundred).
SEEN_ITEMS: Final = 4096
_RECENT_TOKENS: Final = 4
_TIMESTAMP_MS: Final = attrgetter("timestamp_ms")


class Progress(Protocol):
    """What a listing calls progress; ``nothing_new`` completes "N pages in a row brought ..."."""

    nothing_new: str

    def advanced(self, items: Sequence[object]) -> bool:
        """Record a page's items; whether one of them is new."""
        ...


class OlderEntries:
    """The history, newest first: a page progresses when it brings an entry older than any seen."""

    nothing_new = "no entry older than those already read"

    def __init__(self) -> None:
        self._oldest_ms: int | None = None

    def advanced(self, items: Sequence[object]) -> bool:
        """Whether ``items`` (history entries) hold one older than every entry seen before."""
        oldest = min(map(_TIMESTAMP_MS, items), default=None)
        moved = oldest is not None and (self._oldest_ms is None or oldest < self._oldest_ms)
        if moved:
            self._oldest_ms = oldest
        return moved


class NewItems:
    """A listing without an order: a page progresses when it brings an item not seen lately.

    Only the hashes of the last ``SEEN_ITEMS`` items are kept, so memory stays constant.
    """

    nothing_new = "no item that was not already read"

    def __init__(self, capacity: int = SEEN_ITEMS) -> None:
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._capacity = capacity

    def advanced(self, items: Sequence[object]) -> bool:
        """Whether ``items`` (hashable values) hold one not among those seen lately."""
        seen = self._seen
        moved = False
        for item in items:
            fingerprint = hash(item)
            if fingerprint in seen:
                seen.move_to_end(fingerprint)
                continue
            moved = True
            seen[fingerprint] = None
            if len(seen) > self._capacity:
                seen.popitem(last=False)
        return moved


class LoopGuard:
    """Tells a listing that loops from one that advances: a few tokens and a ``Progress``."""

    def __init__(self, starting_token: str | None, progress: Progress | None = None) -> None:
        self._recent: deque[str] = deque(maxlen=_RECENT_TOKENS)
        if starting_token is not None:
            self._recent.append(starting_token)
        self._anchor = starting_token  # Brent: the page token the next ones are compared with
        self._power = 1
        self._steps = 0
        self.progress: Progress = OlderEntries() if progress is None else progress
        self.stalled_pages = 0

    def repeated(self, starting_token: str) -> bool:
        """Whether ``starting_token`` was handed out before (a cycle); records it otherwise."""
        if starting_token == self._anchor or starting_token in self._recent:
            return True
        self._recent.append(starting_token)
        self._steps += 1
        if self._steps == self._power:
            self._anchor, self._power, self._steps = starting_token, self._power * 2, 0
        return False

    def progressed(self, items: Sequence[object]) -> bool:
        """Record a page; whether it brought anything new (``Progress``)."""
        moved = self.progress.advanced(items)
        self.stalled_pages = 0 if moved else self.stalled_pages + 1
        return moved
