"""``youcam_units.Client``: the blocking client."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

import httpx
from youcam_units_api.api.credit import get_credit_history

from ._base import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_RATE_LIMITS,
    PARSE_ERRORS,
    Channel,
    ClientCore,
    generated_client,
    interpret,
    recorded_exchange,
    should_refresh,
    transport_error,
)
from ._config import DEFAULT_TIMEOUT, validate_page_size, validate_starting_token
from ._errors import YouCamError
from ._pagination import HistoryPager, PageCursor
from ._retry import DEFAULT_MAX_RETRIES, RetryRun

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Sequence
    from types import TracebackType

    from ._config import RateLimit
    from ._models import Page
    from ._retry import RetryEvent

__all__ = ["Client"]

logger = logging.getLogger("youcam_units")


class Client(ClientCore):
    """Reads your unit history; ``with Client() as client: for entry in client.history(): ...``.

    ``access_token`` is a str, or a callable returning one that is asked again, once, after a
    401; it falls back to ``YOUCAM_ACCESS_TOKEN``. ``base_url`` falls back to the
    ``http_client``'s base URL, ``YOUCAM_BASE_URL``, then the production server. ``http_client``
    (transport, proxies, event hooks) is used as given and left open; one the client creates
    itself is closed with it. ``on_retry`` is called with a ``RetryEvent`` before each retry's
    wait.

    Pacing: ``rate_limit`` (default ``DEFAULT_RATE_LIMITS``: 5 per second and 250 per 300 s)
    is kept per process, or shared by every process pacing through the same ``pacing_file``
    (the limits belong to the token and the IP); ``None`` turns pacing off; ``on_wait`` is
    told the seconds of each pacing wait. Bounds: ``timeout`` (seconds) caps each wait and each
    attempt as a whole; a body past ``max_response_bytes`` (default 4 MiB) is refused;
    a redirect is an error, never followed.
    """

    def __init__(
        self,
        access_token: str | Callable[[], str] | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        rate_limit: RateLimit | Sequence[RateLimit] | None = DEFAULT_RATE_LIMITS,
        http_client: httpx.Client | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        pacing_file: str | os.PathLike[str] | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(
                f"http_client must be an httpx.Client, got {type(http_client).__name__}"
                " (AsyncClient takes an httpx.AsyncClient)"
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
            allow_async=False,
        )
        self._http = http_client if http_client is not None else httpx.Client()

    def close(self) -> None:
        """Close what the client opened (never a caller's ``http_client``)."""
        if self._owns_http:
            self._http.close()
        if self._settings.pacer is not None:
            self._settings.pacer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def history(
        self,
        *,
        page_size: int = 30,
        starting_token: str | None = None,
        max_items: int | None = None,
    ) -> HistoryPager:
        """History from ``starting_token`` on, newest first; no request until iterated."""
        cursor = PageCursor(page_size=page_size, starting_token=starting_token, max_items=max_items)
        return HistoryPager(cursor, self._fetch)

    def history_page(self, *, page_size: int = 20, starting_token: str | None = None) -> Page:
        """Exactly one request, one page (retried as any request is)."""
        return self._fetch(validate_page_size(page_size), validate_starting_token(starting_token))

    def _fetch(self, page_size: int, starting_token: str | None) -> Page:
        run = RetryRun(
            self._settings.policy,
            continuation_token=starting_token,
            on_retry=self._settings.on_retry,
        )
        for attempt in run.attempts():
            with attempt:
                run.attempt = attempt.num
                return self._try_once(page_size, starting_token)
        raise AssertionError("stamina returns or raises")  # pragma: no cover

    def _try_once(self, page_size: int, starting_token: str | None) -> Page:
        result = self._exchange(self._token.get(), page_size, starting_token)
        if isinstance(result, YouCamError) and should_refresh(result) and self._token.refreshable:
            result = self._exchange(self._token.refresh(), page_size, starting_token)
        if isinstance(result, YouCamError):
            raise result
        return result

    def _exchange(
        self, token: str, page_size: int, starting_token: str | None
    ) -> Page | YouCamError:
        if self._settings.pacer is not None:
            self._settings.pacer.acquire()
        channel = Channel(self._http, self.base_url, token, self._settings.bounds, starting_token)
        api = generated_client(self.base_url, channel)
        logger.debug("GET history page_size=%d starting_token=%s", page_size, starting_token)
        try:
            detailed = get_credit_history.sync_detailed(
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
