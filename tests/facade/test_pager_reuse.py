"""A pager and a client used again: a pager resumed after a stop, a client used after close."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import youcam_units as yu
from facade_support import BIG, MODES, FakeService, Mode, client_kwargs

modes = pytest.mark.parametrize("mode", MODES)


def _ids_resumed_sync(
    service: FakeService, stop_after: int, max_items: int | None = None
) -> tuple[list[int], list[int]]:
    """Iterate one pager, stop after ``stop_after`` entries, then iterate the same pager again."""
    with (
        httpx.Client(transport=httpx.MockTransport(service)) as http,
        yu.Client(http_client=http, **client_kwargs()) as client,
    ):
        pager = client.history(page_size=10, max_items=max_items)
        first: list[int] = []
        for item in pager:
            first.append(item.id)
            if len(first) == stop_after:
                break
        return first, [item.id for item in pager]


async def _ids_resumed_async(
    service: FakeService, stop_after: int, max_items: int | None = None
) -> tuple[list[int], list[int]]:
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(service)) as http,
        yu.AsyncClient(http_client=http, **client_kwargs()) as client,
    ):
        pager = client.history(page_size=10, max_items=max_items)
        first: list[int] = []
        async for item in pager:
            first.append(item.id)
            if len(first) == stop_after:
                break
        return first, [item.id async for item in pager]


@modes
@pytest.mark.parametrize(
    ("stop_after", "max_items"), [(1, None), (15, None), (20, None), (31, None), (3, 15), (12, 15)]
)
def test_a_pager_stopped_mid_page_resumes_from_that_page_losing_nothing(
    mode: Mode, stop_after: int, max_items: int | None
) -> None:
    """Iterating a pager again after a break continues from its checkpoint (documented).

    A stop mid-page leaves the checkpoint at that page's start, so the page is read again. The
    loop guard once took that second request's next_token for the service repeating itself; a
    stop in the last page ended the listing (the rest of that page was lost, ``exhausted``
    already true); with ``max_items`` the resume asked for what was left after the whole page,
    losing the entries between.
    """
    service = FakeService(35)
    if mode == "sync":
        first, rest = _ids_resumed_sync(service, stop_after, max_items)
    else:
        first, rest = asyncio.run(_ids_resumed_async(service, stop_after, max_items))
    page_start = stop_after - stop_after % 10
    end = 35 if max_items is None else max_items
    assert first == [BIG + i for i in range(stop_after)]
    assert rest == [BIG + i for i in range(page_start, end)]  # the cut page again, then the rest


def test_exhausted_is_false_until_the_last_entry_is_handed_out() -> None:
    """Stopped inside the last page, the listing is not complete: its rest is still to come."""
    service = FakeService(15)
    with (
        httpx.Client(transport=httpx.MockTransport(service)) as http,
        yu.Client(http_client=http, **client_kwargs()) as client,
    ):
        pager = client.history(page_size=10)
        items = iter(pager)
        for _ in range(12):
            next(items)
        mid_page = pager.exhausted, pager.next_token
        assert len(list(items)) == 3
        assert mid_page == (False, service.tokens()[-1])  # not complete; the last page's start
        assert (pager.exhausted, pager.next_token) == (True, None)


def test_a_closed_client_refuses_a_request_with_a_youcam_error_before_sending() -> None:
    """A closed Client raises a YouCamError saying so, not httpx's RuntimeError, and sends nothing.

    Its ``continuation_token`` is where the listing stood, so a new client continues from there.
    """
    service = FakeService(35)
    with httpx.Client(transport=httpx.MockTransport(service)) as http:
        client = yu.Client(http_client=http, **client_kwargs())
        pager = client.history(page_size=10)
        assert len(next(pager.pages()).entries) == 10
        client.close()
        with pytest.raises(yu.YouCamError, match="closed") as caught:
            list(pager)
        assert caught.value.continuation_token == pager.next_token is not None
        with pytest.raises(yu.YouCamError, match="closed"):
            client.balance()
        with pytest.raises(yu.YouCamError, match="closed"), client:
            pass
        client.close()  # closing twice is harmless
    assert len(service.requests) == 1


def test_a_closed_async_client_refuses_a_request_with_a_youcam_error_before_sending() -> None:
    """The same for AsyncClient, within the loop it was used in."""
    service = FakeService(35)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(service)) as http:
            client = yu.AsyncClient(http_client=http, **client_kwargs())
            await client.history_page()
            await client.aclose()
            with pytest.raises(yu.YouCamError, match="closed"):
                await client.balance()
            with pytest.raises(yu.YouCamError, match="closed"):
                async with client:
                    pass
            await client.aclose()

    asyncio.run(scenario())
    assert len(service.requests) == 1
