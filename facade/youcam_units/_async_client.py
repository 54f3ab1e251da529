"""``youcam_units.AsyncClient``: Client for asyncio; the logic it shares is in ``_base_client``."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import httpx

from ._base_client import INIT_DOC, BaseClient
from ._checks import validate_page_size, validate_starting_token
from ._config import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_RATE_LIMITS,
    MAX_FEATURE_COST_PAGE_SIZE,
    MAX_RETRIES,
    PAGE_SIZE,
    TIMEOUT,
)
from ._errors import AuthenticationError, YouCamError
from ._operations import BALANCE, FEATURE_COST, HISTORY
from ._pagination import AsyncPager, PageCursor
from ._responses import failed_attempt, interpret
from ._transport import Attempt, attempt_under_way, generated_api, timed_out

if TYPE_CHECKING:
    import os
    from collections.abc import Awaitable, Callable, Sequence

    from ._config import RateLimit
    from ._models import HistoryEntry, Page
    from ._operations import Call
    from ._retry import RetryEvent
    from ._unit_system import Balance, FeatureCost, FeatureCostPage

__all__ = ["AsyncClient"]

ResultT = TypeVar("ResultT")


class AsyncClient(BaseClient):
    """Reads your unit history; ``async with AsyncClient() as c: async for e in c.history(): ...``.

    The arguments (the same as ``Client``'s) are described on ``__init__``; here the
    ``access_token`` callable may be plain or async. One AsyncClient belongs to one event loop.
    """

    _http_type: ClassVar[type[httpx.AsyncClient]] = httpx.AsyncClient
    _sibling: ClassVar[str] = "Client"
    _allow_async_access_token: ClassVar[bool] = True
    _loop: asyncio.AbstractEventLoop | None = None

    def __init__(
        self,
        access_token: str | Callable[[], str] | Callable[[], Awaitable[str]] | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = TIMEOUT,
        max_retries: int = MAX_RETRIES,
        rate_limit: RateLimit | Sequence[RateLimit] | None = DEFAULT_RATE_LIMITS,
        http_client: httpx.AsyncClient | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        pacing_file: str | os.PathLike[str] | None = None,
        token_pacing: str | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self._setup(
            access_token,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            rate_limit=rate_limit,
            http_client=http_client,
            on_retry=on_retry,
            max_response_bytes=max_response_bytes,
            pacing_file=pacing_file,
            token_pacing=token_pacing,
            on_wait=on_wait,
        )
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        self._api = generated_api(self._http, self.base_url, self._settings.bounds)

    __init__.__doc__ = INIT_DOC

    async def aclose(self) -> None:
        """Close what the client opened (never a caller's ``http_client``); it sends no more."""
        self._closed = True
        await self._api.get_async_httpx_client().aclose()
        if self._owns_http:
            await self._http.aclose()
        if self._settings.pacer is not None:
            self._settings.pacer.close()

    async def __aenter__(self) -> Self:
        self._check_open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def history(
        self,
        *,
        page_size: int = PAGE_SIZE,
        starting_token: str | None = None,
        max_items: int | None = None,
    ) -> AsyncPager[HistoryEntry, Page]:
        """History from ``starting_token`` on, newest first; no request until iterated."""
        cursor: PageCursor[Page] = PageCursor(
            page_size=page_size, starting_token=starting_token, max_items=max_items
        )
        return AsyncPager(
            cursor, lambda size, token: self._request(HISTORY.call(token, page_size=size))
        )

    def feature_costs(
        self,
        *,
        page_size: int = MAX_FEATURE_COST_PAGE_SIZE,
        starting_token: str | None = None,
        max_items: int | None = None,
    ) -> AsyncPager[FeatureCost, FeatureCostPage]:
        """What each feature costs; no request until iterated. Needs the API key.

        ``starting_token`` continues a listing from an error's ``continuation_token``. Without
        an API key this fails at once, before any request.
        """
        cursor = self._feature_cost_cursor(page_size, starting_token, max_items)
        return AsyncPager(
            cursor, lambda size, token: self._request(FEATURE_COST.call(token, page_size=size))
        )

    async def history_page(
        self, *, page_size: int = PAGE_SIZE, starting_token: str | None = None
    ) -> Page:
        """Exactly one request, one page (retried as any request is).

        ``page_size`` defaults to ``history()``'s, the largest the service takes (its own
        default is 20; 30 reads the same history in fewer requests under the rate limit).
        """
        size = validate_page_size(page_size)
        call = HISTORY.call(validate_starting_token(starting_token), page_size=size)
        return await self._request(call)

    async def balance(self) -> Balance:
        """The units now, bucket by bucket, with their exact total (one request)."""
        return await self._request(BALANCE.call())

    async def _request(self, call: Call[ResultT]) -> ResultT:
        """Run any operation: retries around attempts (pacing, one refresh, bounded reads)."""
        self._check_open(call.starting_token)
        self._check_loop(call.starting_token)
        run = self._retry_run(call)
        async for attempt in run.attempts():
            with attempt:
                run.attempt = attempt.num
                return await self._attempt(call)
        raise AssertionError("stamina returns or raises")  # pragma: no cover

    def _check_loop(self, starting_token: str | None) -> None:
        """The connections httpx holds belong to the loop that opened them: refuse another."""
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise YouCamError(
                "this AsyncClient was first used on another event loop (a second asyncio.run?); "
                "create the AsyncClient inside the loop that uses it, one per loop",
                continuation_token=starting_token,
            )

    async def _attempt(self, call: Call[ResultT]) -> ResultT:
        """One attempt; a 401 for a stale access token asks for a new one and sends again, once."""
        source = self._require(call.operation.credential)
        try:
            return await self._send(call, await source.aget())
        except AuthenticationError as error:
            if not self._may_refresh(error, source):
                raise
        return await self._send(call, await source.arefresh())

    async def _send(self, call: Call[ResultT], secret: str) -> ResultT:
        """Pace, send within the bounds, and read the answer (or raise its error)."""
        pacer = self._settings.pacer
        send = await pacer.acquire_async(secret) if pacer is not None else None
        attempt = Attempt(secret, call.headers, self._settings.bounds, call.starting_token)
        self._announce(call)
        detailed: Any = None
        error: YouCamError | None = None
        try:
            with attempt_under_way(attempt):
                async with asyncio.timeout(attempt.bounds.deadline):
                    detailed = await call.operation.async_call(client=self._api, **call.params)
        except TimeoutError:
            error = timed_out(attempt, httpx.URL(self.base_url).host)
        except Exception as exc:  # noqa: BLE001 - failed_attempt re-raises what is not ours
            error = failed_attempt(call, attempt, exc, secret)
        finally:
            if pacer is not None:
                pacer.answered(send)
        if error is not None:
            raise error
        return interpret(call, attempt, detailed.parsed, secret)
