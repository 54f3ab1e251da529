"""A history held in memory, to time a ledger's writes without HTTP or parsing in the way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from youcam_units import Page
from youcam_units.ledger import PAGE_SIZE
from youcam_units.mock import MockService

from benchmarks._common import SEED, mock_client

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


class _Pager:
    def __init__(self, pages: Sequence[Page], start: int) -> None:
        self._pages = pages
        self._start = start

    def pages(self) -> Iterator[Page]:
        yield from self._pages[self._start :]


class MemoryHistory:
    """A ``HistorySource`` serving pages held in memory; its tokens are page numbers."""

    def __init__(self, pages: Sequence[Page]) -> None:
        self._pages = pages

    def history(self, *, page_size: int = PAGE_SIZE, starting_token: str | None = None) -> _Pager:
        """The pages from ``starting_token`` on (the first when None)."""
        if page_size != PAGE_SIZE:
            raise ValueError(f"pages were read at {PAGE_SIZE} per page, not {page_size}")
        return _Pager(self._pages, 0 if starting_token is None else int(starting_token))


def read_pages(entries: int) -> list[Page]:
    """Every page of the mock's history of ``entries`` entries, read through ``Client``."""
    service = MockService(seed=SEED, entries=entries)
    with mock_client(service.transport()) as client:
        read = list(client.history(page_size=PAGE_SIZE).pages())
    return [
        Page(page.entries, str(number + 1) if number + 1 < len(read) else None)
        for number, page in enumerate(read)
    ]
