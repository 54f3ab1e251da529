"""``youcam_units.AsyncClient``: Client for asyncio; only the I/O differs, the logic is shared."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Self

import httpx
from youcam_units_api.api.credit import get_credit_history

from ._base import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_RATE_LIMITS,
    PARSE_ERRORS,
    AsyncChannel,
    ClientCore,
    generated_client,
    interpret,
    recorded_exchange,
    should_refresh,
    transport_error,
)
from ._config import DEFAULT_TIMEOUT, validate_page_size, validate_starting_token
from ._errors import YouCamError
from ._pagination import AsyncHistoryPager, PageCursor
from ._retry import DEFAULT_MAX_RETRIES, RetryRun

if TYPE_CHECKING:
    import os
    from collections.abc import Awaitable, Callable, Sequence
    from types import TracebackType

    from ._config import RateLimit
    from ._models import Page
    from ._retry import RetryEvent

__all__ = ["AsyncClient"]

logger = logging.getLogger("youcam_units")


class AsyncClient(ClientCore):
    """Reads your unit history; ``async with AsyncClient() as c: async for e in c.history(): ...``.

    ``access_token`` is a str, or a callable (plain or async) returning one, asked again,
    once, after a 401; it falls back to ``YOUCAM_ACCESS_TOKEN``. ``base_url`` falls back to
    the ``http_client``'s base URL, ``YOUCAM_BASE_URL``, then the production server.
    ``http_client`` (transport, proxies, event hooks) is used as given and left open; one the
    client creates itself is closed with it. ``on_retry`` is called with a ``RetryEvent``
    before each retry's wait. One AsyncClient belongs to one event loop.

    Pacing: ``rate_limit`` (default ``DEFAULT_RATE_LIMITS``: 5 per second and 250 per 300 s)
    is kept per process, or shared by every process pacing through the same ``pacing_file``
    (the limits belong to the token and the IP); ``None`` turns pacing off; ``on_wait`` is
    told the seconds of each pacing wait. Bounds: ``timeout`` (seconds) caps each wait and each
    attempt as a whole; a body past ``max_response_bytes`` (default 4 MiB) is refused;
    a redirect is an error, never followed.
    """

    def __init__(
        self,
        access_token: str | Callable[[], str] | Callable[[], Awaitable[str]] | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        rate_limit: RateLimit | Sequence[RateLimit] | None = DEFAULT_RATE_LIMITS,
        http_client: httpx.AsyncClient | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        pacing_file: str | os.PathLike[str] | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(
                f"http_client must be an httpx.AsyncClient, got {type(http_client).__name__}"
                " (Client takes an httpx.Client)"
            )
        super().__init__(
            access_token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            rate_limit=rate_limit,
            http_client=http_client,
            on_retry=on_retry,
            max_response_bytes=max_response_bytes,
            pacing_file=pacing_file,
            on_wait=on_wait,
            allow_async=True,
        )
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def aclose(self) -> None:
        """Close what the client opened (never a caller's ``http_client``)."""
        if self._owns_http:
            await self._http.aclose()
        if self._settings.pacer is not None:
            self._settings.pacer.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def history(
        self,
        *,
        page_size: int = 30,
        starting_token: str | None = None,
        max_items: int | None = None,
    ) -> AsyncHistoryPager:
        """History from ``starting_token`` on, newest first; no request until iterated."""
        cursor = PageCursor(page_size=page_size, starting_token=starting_token, max_items=max_items)
        return AsyncHistoryPager(cursor, self._fetch)

    async def history_page(self, *, page_size: int = 20, starting_token: str | None = None) -> Page:
        """Exactly one request, one page (retried as any request is)."""
        size, token = validate_page_size(page_size), validate_starting_token(starting_token)
        return await self._fetch(size, token)

    async def _fetch(self, page_size: int, starting_token: str | None) -> Page:
        self._check_loop(starting_token)
        run = RetryRun(
            self._settings.policy,
            continuation_token=starting_token,
            on_retry=self._settings.on_retry,
        )
        async for attempt in run.async_attempts():
            with attempt:
                run.attempt = attempt.num
                return await self._try_once(page_size, starting_token)
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

    async def _try_once(self, page_size: int, starting_token: str | None) -> Page:
        result = await self._exchange(await self._token.aget(), page_size, starting_token)
        if isinstance(result, YouCamError) and should_refresh(result) and self._token.refreshable:
            result = await self._exchange(await self._token.arefresh(), page_size, starting_token)
        if isinstance(result, YouCamError):
            raise result
        return result

    async def _exchange(
        self, token: str, page_size: int, starting_token: str | None
    ) -> Page | YouCamError:
        if self._settings.pacer is not None:
            await self._settings.pacer.acquire_async()
        channel = AsyncChannel(
            self._http, self.base_url, token, self._settings.bounds, starting_token
        )
        api = generated_client(self.base_url, channel)
        logger.debug("GET history page_size=%d starting_token=%s", page_size, starting_token)
        try:
            detailed = await get_credit_history.asyncio_detailed(
                client=api, page_size=page_size, starting_token=starting_token
            )
        except YouCamError as exc:  # the channel's bounds: redirect, size, deadline
            return exc
        except httpx.RequestError as exc:
            return transport_error(exc, starting_token)
        except PARSE_ERRORS as exc:
            exchange = recorded_exchange(channel, None, exc)
        else:
            exchange = recorded_exchange(channel, detailed)
        return interpret(exchange, starting_token=starting_token, secret=token)
