"""Cursor pagination: one pure state machine, driven by a thin sync and a thin async loop.

The service pages with ``starting_token`` / ``result.next_token``. The last page is the one
whose ``next_token`` is null, absent or empty. ``max_items`` shrinks the last request's
``page_size`` instead of over-fetching.

A server that never ends the listing is stopped with ``PaginationError``, in constant memory
whatever the length of the read (``LoopGuard``): a token equal to one of the last few, or to
Brent's cycle-detection anchor, means the tokens go round a cycle (any cycle is caught within
three laps of it); and a read whose pages bring nothing new for ``NO_PROGRESS_PAGES`` pages in
a row (empty pages under ever-new tokens, or the same items again) is making no progress. What
"new" means is the listing's own (``Progress``): the history comes newest first, so a new entry
is one older than the oldest seen; the feature costs have no order, so a new SKU is one not among
the last ``SEEN_ITEMS`` handed out (fingerprints only, never the SKUs themselves).

``next_token`` is the resume checkpoint: the token from which iteration would continue. It moves
to a page's ``next_token`` when that page's last entry is handed out, so stopping between
pages and resuming from the checkpoint loses and repeats nothing; stopping mid-page leaves it at
the current page's start, so a resume may repeat entries but never skips one.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from operator import attrgetter
from typing import TYPE_CHECKING, Final, Generic, Protocol, Self, TypeVar

from ._config import MAX_PAGE_SIZE, validate_max_items, validate_page_size, validate_starting_token
from ._errors import PaginationError
from ._models import HistoryEntry, Page
from ._unit_system import FeatureCost, FeatureCostPage

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence

__all__ = [
    "NO_PROGRESS_PAGES",
    "SEEN_ITEMS",
    "AsyncFeatureCostPager",
    "AsyncHistoryPager",
    "AsyncPager",
    "FeatureCostPager",
    "HistoryPager",
    "LoopGuard",
    "NewItems",
    "OlderEntries",
    "PageCursor",
    "Pager",
    "Progress",
]

ItemT = TypeVar("ItemT")
ItemT_co = TypeVar("ItemT_co", covariant=True)


class ListedPage(Protocol[ItemT_co]):
    """What a cursor needs of a page: its items, its tokens, its request id, a shorter copy."""

    @property
    def items(self) -> Sequence[ItemT_co]: ...

    @property
    def next_token(self) -> str | None: ...

    @property
    def request_id(self) -> str | None: ...

    @property
    def starting_token(self) -> str | None: ...

    def head(self, count: int) -> Self: ...


PageT = TypeVar("PageT", bound=ListedPage[object])

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

    def repeated(self, page_token: str) -> bool:
        """Whether ``page_token`` was handed out before (a cycle); records it otherwise."""
        if page_token == self._anchor or page_token in self._recent:
            return True
        self._recent.append(page_token)
        self._steps += 1
        if self._steps == self._power:
            self._anchor, self._power, self._steps = page_token, self._power * 2, 0
        return False

    def progressed(self, items: Sequence[object]) -> bool:
        """Record a page; whether it brought anything new (``Progress``)."""
        moved = self.progress.advanced(items)
        self.stalled_pages = 0 if moved else self.stalled_pages + 1
        return moved


class PageCursor(Generic[PageT]):
    """Where a listing stands: which request comes next, and what a page changes.

    ``progress`` says what a new item is (default: the history's ``OlderEntries``); every
    listing stops with ``PaginationError`` after ``NO_PROGRESS_PAGES`` pages that bring none.
    """

    def __init__(
        self,
        *,
        page_size: object,
        starting_token: object,
        max_items: object,
        max_page_size: int = MAX_PAGE_SIZE,
        progress: Progress | None = None,
    ) -> None:
        self.page_size = validate_page_size(page_size, max_page_size)
        self.next_token = validate_starting_token(starting_token)
        self.remaining = validate_max_items(max_items)
        self.done = self.remaining == 0
        self._guard = LoopGuard(self.next_token, progress)

    def next_page_size(self) -> int | None:
        """The page size of the next request, or ``None`` when the listing is complete."""
        if self.done:
            return None
        if self.remaining is None:
            return self.page_size
        return min(self.page_size, self.remaining)

    def accept(self, page: PageT) -> PageT:
        """Record a fetched page; return it trimmed to ``max_items``."""
        next_page_token = page.next_token
        if next_page_token is not None and self._guard.repeated(next_page_token):
            raise PaginationError(
                f"the service returned next_token {next_page_token!r} a second time; following it "
                "would read the same pages forever",
                repeated_token=next_page_token,
                request_id=page.request_id,
                continuation_token=page.starting_token,
            )
        moved = self._guard.progressed(page.items)
        if (
            not moved
            and next_page_token is not None
            and self._guard.stalled_pages >= NO_PROGRESS_PAGES
        ):
            raise PaginationError(
                f"the service sent {self._guard.stalled_pages} pages in a row with "
                f"{self._guard.progress.nothing_new}, each with a new next_token; following "
                "them would spend the rate limit without reading anything new",
                request_id=page.request_id,
                continuation_token=page.starting_token,
            )
        count = len(page.items)
        trimmed = False
        if self.remaining is not None:
            trimmed = count > self.remaining
            count = min(count, self.remaining)
            self.remaining -= count
        # A page cut short by max_items has entries not yet handed out: resume re-reads it.
        self.next_token = page.starting_token if trimmed else next_page_token
        self.done = next_page_token is None or self.remaining == 0
        return page.head(count) if trimmed else page


class _PagerState(Generic[ItemT, PageT]):
    """What both pagers show: the resume checkpoint, whether the listing is complete, a repr."""

    def __init__(self, cursor: PageCursor[PageT]) -> None:
        self._cursor = cursor

    @property
    def next_token(self) -> str | None:
        """The token to pass as ``starting_token`` to continue from here (``None``: the start)."""
        return self._cursor.next_token

    @property
    def exhausted(self) -> bool:
        """Whether the listing is complete (the last page was read, or ``max_items`` reached)."""
        return self._cursor.done

    def _handed_out(self, page: PageT) -> Iterator[ItemT]:
        """A page's items, moving the checkpoint with its last one (a stop mid-page re-reads it)."""
        items: Sequence[ItemT] = page.items  # type: ignore[assignment]
        if not items:
            return
        final = self._cursor.next_token
        self._cursor.next_token = page.starting_token
        yield from items[:-1]
        self._cursor.next_token = final
        yield items[-1]

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(page_size={self._cursor.page_size}, "
            f"next_token={self.next_token!r}, exhausted={self.exhausted})"
        )


class Pager(_PagerState[ItemT, PageT]):
    """Every listing: ``Pager[HistoryEntry, Page]``, ``Pager[FeatureCost, FeatureCostPage]``.

    Lazy: nothing is requested until iterated. Iterate items, or ``pages()``. ``fetch(size,
    starting_token)`` sends one request (retried as any request is) and returns its page.
    """

    def __init__(
        self, cursor: PageCursor[PageT], fetch: Callable[[int, str | None], PageT]
    ) -> None:
        super().__init__(cursor)
        self._fetch = fetch

    def pages(self) -> Iterator[PageT]:
        """Yield each page in turn, from the checkpoint on."""
        while (size := self._cursor.next_page_size()) is not None:
            yield self._cursor.accept(self._fetch(size, self._cursor.next_token))

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.pages():
            yield from self._handed_out(page)


class AsyncPager(_PagerState[ItemT, PageT]):
    """``Pager`` for ``async for``: ``AsyncPager[HistoryEntry, Page]`` and the like."""

    def __init__(
        self, cursor: PageCursor[PageT], fetch: Callable[[int, str | None], Awaitable[PageT]]
    ) -> None:
        super().__init__(cursor)
        self._fetch = fetch

    async def pages(self) -> AsyncIterator[PageT]:
        """Yield each page in turn, from the checkpoint on."""
        while (size := self._cursor.next_page_size()) is not None:
            yield self._cursor.accept(await self._fetch(size, self._cursor.next_token))

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.pages():
            for item in self._handed_out(page):
                yield item


# The names each listing had before the generic pager (kept so that imports keep working).
HistoryPager = Pager[HistoryEntry, Page]
AsyncHistoryPager = AsyncPager[HistoryEntry, Page]
FeatureCostPager = Pager[FeatureCost, FeatureCostPage]
AsyncFeatureCostPager = AsyncPager[FeatureCost, FeatureCostPage]
