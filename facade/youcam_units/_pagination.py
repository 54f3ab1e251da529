"""Cursor pagination: one pure state machine, driven by a thin sync and a thin async loop.

The service pages with ``starting_token`` / ``result.next_token``. The last page is the one
whose ``next_token`` is null, absent or empty; a token seen twice means the service would loop,
so it raises ``PaginationError`` (as botocore does). ``max_items`` shrinks the last request's
``page_size`` instead of over-fetching.

``next_token`` is the resume checkpoint: the token from which iteration would continue. It moves
to a page's ``next_token`` when that page's last entry is handed out, so stopping between
pages and resuming from the checkpoint loses and repeats nothing; stopping mid-page leaves it at
the current page's start, so a resume may repeat entries but never skips one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._config import validate_max_items, validate_page_size, validate_starting_token
from ._errors import PaginationError
from ._models import HistoryEntry, Page

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

__all__ = ["AsyncHistoryPager", "HistoryPager", "PageCursor"]


class PageCursor:
    """Where a listing stands: which request comes next, and what a page changes."""

    def __init__(self, *, page_size: object, starting_token: object, max_items: object) -> None:
        self.page_size = validate_page_size(page_size)
        self.next_token = validate_starting_token(starting_token)
        self.remaining = validate_max_items(max_items)
        self.done = self.remaining == 0
        self._seen: set[str] = set() if self.next_token is None else {self.next_token}

    def next_page_size(self) -> int | None:
        """The page size of the next request, or ``None`` when the listing is complete."""
        if self.done:
            return None
        if self.remaining is None:
            return self.page_size
        return min(self.page_size, self.remaining)

    def accept(self, page: Page) -> Page:
        """Record a fetched page; return it trimmed to ``max_items``."""
        token = page.next_token
        if token is not None and token in self._seen:
            raise PaginationError(
                f"the service returned next_token {token!r} a second time; following it would "
                "read the same pages forever",
                repeated_token=token,
                request_id=page.request_id,
                continuation_token=page.starting_token,
            )
        entries = page.entries
        trimmed = False
        if self.remaining is not None:
            trimmed = len(entries) > self.remaining
            entries = entries[: self.remaining]
            self.remaining -= len(entries)
        if token is not None:
            self._seen.add(token)
        # A page cut short by max_items has entries not yet handed out: resume re-reads it.
        self.next_token = page.starting_token if trimmed else token
        self.done = token is None or self.remaining == 0
        if entries is page.entries:
            return page
        return Page(entries, page.next_token, page.request_id, page.starting_token)


class _PagerBase:
    def __init__(self, cursor: PageCursor) -> None:
        self._cursor = cursor

    @property
    def next_token(self) -> str | None:
        """The token to pass as ``starting_token`` to continue from here (``None``: the start)."""
        return self._cursor.next_token

    @property
    def exhausted(self) -> bool:
        """Whether the listing is complete (the last page was read, or ``max_items`` reached)."""
        return self._cursor.done

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(page_size={self._cursor.page_size}, "
            f"next_token={self.next_token!r}, exhausted={self.exhausted})"
        )

    def _hand_out(self, page: Page) -> Iterator[HistoryEntry]:
        """Yield a page's entries, moving the checkpoint only with the last one."""
        final = self._cursor.next_token
        if page.entries:
            self._cursor.next_token = page.starting_token
        last = len(page.entries) - 1
        for index, entry in enumerate(page.entries):
            if index == last:
                self._cursor.next_token = final
            yield entry


class HistoryPager(_PagerBase):
    """Lazy: nothing is requested until iterated. Iterate entries, or ``pages()``."""

    def __init__(self, cursor: PageCursor, fetch: Callable[[int, str | None], Page]) -> None:
        super().__init__(cursor)
        self._fetch = fetch

    def pages(self) -> Iterator[Page]:
        """Yield each page in turn, from the checkpoint on."""
        while (size := self._cursor.next_page_size()) is not None:
            yield self._cursor.accept(self._fetch(size, self._cursor.next_token))

    def __iter__(self) -> Iterator[HistoryEntry]:
        for page in self.pages():
            yield from self._hand_out(page)


class AsyncHistoryPager(_PagerBase):
    """Lazy: nothing is requested until iterated. ``async for`` entries, or ``pages()``."""

    def __init__(
        self, cursor: PageCursor, fetch: Callable[[int, str | None], Awaitable[Page]]
    ) -> None:
        super().__init__(cursor)
        self._fetch = fetch

    async def pages(self) -> AsyncIterator[Page]:
        """Yield each page in turn, from the checkpoint on."""
        while (size := self._cursor.next_page_size()) is not None:
            yield self._cursor.accept(await self._fetch(size, self._cursor.next_token))

    async def __aiter__(self) -> AsyncIterator[HistoryEntry]:
        async for page in self.pages():
            for entry in self._hand_out(page):
                yield entry
