"""A pager and a client used again: a pager resumed after a stop, a client used after close."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import youcam_units as yu
from facade_support import BIG, MODES, FakeService, Mode, client_kwargs

modes = pytest.mark.parametrize("mode", MODES)


def _ids_resumed_sync(service: FakeService, stop_after: int) -> tuple[list[int], list[int]]:
    """Iterate one pager, stop after ``stop_after`` entries, then iterate the same pager again."""
    with (
        httpx.Client(transport=httpx.MockTransport(service)) as http,
        yu.Client(http_client=http, **client_kwargs()) as client,
    ):
        pager = client.history(page_size=10)
        first: list[int] = []
        for item in pager:
            first.append(item.id)
            if len(first) == stop_after:
                break
        return first, [item.id for item in pager]


async def _ids_resumed_async(service: FakeService, stop_after: int) -> tuple[list[int], list[int]]:
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(service)) as http,
        yu.AsyncClient(http_client=http, **client_kwargs()) as client,
    ):
        pager = client.history(page_size=10)
        first: list[int] = []
        async for item in pager:
            first.append(item.id)
            if len(first) == stop_after:
                break
        return first, [item.id async for item in pager]


@modes
@pytest.mark.parametrize("stop_after", [1, 15, 20])
def test_a_pager_stopped_mid_page_resumes_without_a_pagination_error(
    mode: Mode, stop_after: int
) -> None:
    """Iterating a pager again after a break continues from its checkpoint (documented).

    A stop mid-page leaves the checkpoint at that page's start, so the page is read again: the
    loop guard once took that second request's next_token for the service repeating itself.
    """
    service = FakeService(35)
    if mode == "sync":
        first, rest = _ids_resumed_sync(service, stop_after)
    else:
        first, rest = asyncio.run(_ids_resumed_async(service, stop_after))
    page_start = stop_after - stop_after % 10
    assert first == [BIG + i for i in range(stop_after)]
    assert rest == [BIG + i for i in range(page_start, 35)]  # the cut page again, then the rest
