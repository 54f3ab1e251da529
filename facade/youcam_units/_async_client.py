"""``youcam_units.AsyncClient``: Client for asyncio; the logic it shares lives in ``_core``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar, Self, TypeVar

import httpx

from . import _defaults
from ._channel import AsyncChannel
from ._config import validate_page_size, validate_starting_token
from ._core import ClientCore
from ._errors import YouCamError
from ._generated import generated_client
from ._interpret import failed_attempt, interpret, recorded_exchange
from ._operations import BALANCE
from ._pagination import AsyncFeatureCostPager, AsyncHistoryPager, PageCursor

if TYPE_CHECKING:
    from ._models import Page
    from ._operations import Call
    from ._unit_system import Balance, FeatureCostPage

__all__ = ["AsyncClient"]

ResultT = TypeVar("ResultT")


class AsyncClient(
    ClientCore[
        httpx.AsyncClient,
        Callable[[], str] | Callable[[], Awaitable[str]],
        AsyncHistoryPager,
        AsyncFeatureCostPager,
    ]
):
    """Reads your unit history; ``async with AsyncClient() as c: async for e in c.history(): ...``.

    The arguments (the same as ``Client``'s) are described on ``__init__``; here the
    ``access_token`` callable may be plain or async. One AsyncClient belongs to one event loop.
    """

    _http_type: ClassVar[type[httpx.AsyncClient]] = httpx.AsyncClient
    _sibling: ClassVar[str] = "Client"
    _allow_async_access_token: ClassVar[bool] = True
    _loop: asyncio.AbstractEventLoop | None = None

    async def aclose(self) -> None:
        """Close what the client opened (never a caller's ``http_client``)."""
        if self._owns_http:
            await self._http.aclose()
        if self._settings.pacer is not None:
            self._settings.pacer.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def history_page(
        self, *, page_size: int = _defaults.SINGLE_PAGE_SIZE, starting_token: str | None = None
    ) -> Page:
        """Exactly one request, one page (retried as any request is)."""
        size = validate_page_size(page_size)
        call = self._history_call(size, validate_starting_token(starting_token))
        return await self._request(call)

    async def balance(self) -> Balance:
        """The units now, bucket by bucket, with their exact total (one request)."""
        return await self._request(BALANCE.call())

    def _new_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient()

    def _pager(
        self, cursor: PageCursor[Page], call: Callable[[int, str | None], Call[Page]]
    ) -> AsyncHistoryPager:
        return AsyncHistoryPager(
            cursor, lambda size, page_token: self._request(call(size, page_token))
        )

    def _cost_pager(
        self,
        cursor: PageCursor[FeatureCostPage],
        call: Callable[[int, str | None], Call[FeatureCostPage]],
    ) -> AsyncFeatureCostPager:
        return AsyncFeatureCostPager(cursor, lambda size, token: self._request(call(size, token)))

    async def _request(self, call: Call[ResultT]) -> ResultT:
        """Run any operation: retries around attempts (pacing, one refresh, bounded reads)."""
        self._check_loop(call.page_token)
        try:  # the first attempt outside stamina: see Client._request
            return await self._attempt(call)
        except Exception as exc:  # noqa: BLE001 - stamina's hook judges it, as for any attempt
            first_failure: Exception | None = exc
        run = self._retry_run(call)
        async for attempt in run.async_attempts():
            with attempt:
                run.attempt = attempt.num
                if first_failure is not None:
                    failure, first_failure = first_failure, None
                    raise failure
                return await self._attempt(call)
        raise AssertionError("stamina returns or raises")  # pragma: no cover

    def _check_loop(self, page_token: str | None) -> None:
        """The connections httpx holds belong to the loop that opened them: refuse another."""
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise YouCamError(
                "this AsyncClient was first used on another event loop (a second asyncio.run?); "
                "create the AsyncClient inside the loop that uses it, one per loop",
                continuation_token=page_token,
            )

    async def _attempt(self, call: Call[ResultT]) -> ResultT:
        source = self._source(call)
        result = await self._send(call, await source.aget())
        if self._needs_refresh(result, source):
            result = await self._send(call, await source.arefresh())
        return self._outcome(result)

    async def _send(self, call: Call[ResultT], secret: str) -> ResultT | YouCamError:
        pacer = self._settings.pacer
        send = await pacer.acquire_async(secret) if pacer is not None else None
        channel = AsyncChannel(
            self._http, self.base_url, secret, self._settings.bounds, call.page_token
        )
        api = generated_client(self.base_url, channel)
        self._announce(call)
        try:
            detailed = await call.operation.async_call(client=api, **call.params)
        except Exception as exc:  # noqa: BLE001 - failed_attempt re-raises what is not ours
            return failed_attempt(call, channel, exc, secret)
        finally:
            if pacer is not None:
                pacer.answered(send)
        return interpret(call, recorded_exchange(channel, detailed), secret=secret)
