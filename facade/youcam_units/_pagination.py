"""Cursor pagination: one pure state machine, driven by a thin sync and a thin async loop.

The service pages with ``starting_token`` / ``result.next_token``. The last page is the one
whose ``next_token`` is null, absent or empty. ``max_items`` shrinks the last request's
``page_size`` instead of over-fetching.

A server that never ends the listing is stopped with ``PaginationError`` by the loop guard
every listing shares (``_loop_guard``).

``next_token`` is the resume checkpoint: the token from which iteration would continue. It moves
to a page's ``next_token`` when that page's last entry is handed out, so stopping between
pages and resuming from the checkpoint loses and repeats nothing; stopping mid-page leaves it at
the current page's start, so a resume may repeat entries but never skips one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Generic, Protocol, Self, TypeVar

from ._checks import validate_max_items, validate_page_size, validate_starting_token
from ._config import MAX_PAGE_SIZE
from ._errors import PaginationError
from ._loop_guard import NO_PROGRESS_PAGES, SEEN_ITEMS, LoopGuard, NewItems, OlderEntries, Progress

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence

__all__ = [
    "NO_PROGRESS_PAGES",
    "SEEN_ITEMS",
    "AsyncPager",
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
_NOTHING_READ: Final = object()


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
        self._last_read: object = _NOTHING_READ

    def _reread(self, page: PageT) -> bool:
        """Whether ``page`` answers the last page's request again: a resume after a mid-page stop.

        The loop guard judges only the service's answers to new requests; this one's
        next_token it has seen, rightly, as the answer to the same request.
        """
        again = page.starting_token == self._last_read
        self._last_read = page.starting_token
        return again

    def next_page_size(self) -> int | None:
        """The page size of the next request, or ``None`` when the listing is complete."""
        if self.done:
            return None
        if self.remaining is None:
            return self.page_size
        return min(self.page_size, self.remaining)

    def accept(self, page: PageT) -> PageT:
        """Record a fetched page; return it trimmed to ``max_items``."""
        next_token_sent = page.next_token
        reread = self._reread(page)
        if not reread and next_token_sent is not None and self._guard.repeated(next_token_sent):
            raise PaginationError(
                f"the service returned next_token {next_token_sent!r} a second time; following it "
                "would read the same pages forever",
                repeated_token=next_token_sent,
                request_id=page.request_id,
                continuation_token=page.starting_token,
            )
        moved = reread or self._guard.progressed(page.items)
        if (
            not moved
            and next_token_sent is not None
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
        self.next_token = page.starting_token if trimmed else next_token_sent
        self.done = next_token_sent is None or self.remaining == 0
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
        """Whether the listing is complete: the last page's last item, or ``max_items``, handed out.

        With ``pages()``, once the last page is yielded.
        """
        return self._cursor.done

    def _handed_out(self, page: PageT) -> Iterator[ItemT]:
        """A page's items, moving the checkpoint with its last one (a stop mid-page re-reads it).

        Until then the cursor stands as before the page: its start, the ``max_items`` left
        before it, not done. Iterating again after a stop reads the whole page again.
        """
        items: Sequence[ItemT] = page.items  # type: ignore[assignment]
        if not items:
            return
        cursor = self._cursor
        after = cursor.next_token, cursor.remaining, cursor.done
        cursor.next_token, cursor.done = page.starting_token, False
        if cursor.remaining is not None:
            cursor.remaining += len(items)
        yield from items[:-1]
        cursor.next_token, cursor.remaining, cursor.done = after
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
