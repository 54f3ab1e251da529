"""``youcam_units.Client``: the blocking client; the logic it shares lives in ``_core``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Self, TypeVar

import httpx

from . import _defaults
from ._channel import Channel
from ._config import validate_page_size, validate_starting_token
from ._core import ClientCore
from ._generated import generated_client
from ._interpret import failed_attempt, interpret, recorded_exchange
from ._operations import BALANCE
from ._pagination import FeatureCostPager, HistoryPager, PageCursor

if TYPE_CHECKING:
    from ._errors import YouCamError
    from ._models import Page
    from ._operations import Call
    from ._unit_system import Balance, FeatureCostPage

__all__ = ["Client"]

ResultT = TypeVar("ResultT")


class Client(ClientCore[httpx.Client, Callable[[], str], HistoryPager, FeatureCostPager]):
    """Reads your unit history; ``with Client() as client: for entry in client.history(): ...``.

    The arguments (the same as ``AsyncClient``'s) are described on ``__init__``; here the
    ``access_token`` callable is a plain function.
    """

    _http_type: ClassVar[type[httpx.Client]] = httpx.Client
    _sibling: ClassVar[str] = "AsyncClient"
    _allow_async_access_token: ClassVar[bool] = False

    def close(self) -> None:
        """Close what the client opened (never a caller's ``http_client``)."""
        if self._owns_http:
            self._http.close()
        if self._settings.pacer is not None:
            self._settings.pacer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def history_page(
        self, *, page_size: int = _defaults.SINGLE_PAGE_SIZE, starting_token: str | None = None
    ) -> Page:
        """Exactly one request, one page (retried as any request is)."""
        size = validate_page_size(page_size)
        return self._request(self._history_call(size, validate_starting_token(starting_token)))

    def balance(self) -> Balance:
        """The units now, bucket by bucket, with their exact total (one request)."""
        return self._request(BALANCE.call())

    def _new_http(self) -> httpx.Client:
        return httpx.Client()

    def _pager(
        self, cursor: PageCursor[Page], call: Callable[[int, str | None], Call[Page]]
    ) -> HistoryPager:
        return HistoryPager(cursor, lambda size, page_token: self._request(call(size, page_token)))

    def _cost_pager(
        self,
        cursor: PageCursor[FeatureCostPage],
        call: Callable[[int, str | None], Call[FeatureCostPage]],
    ) -> FeatureCostPager:
        return FeatureCostPager(cursor, lambda size, token: self._request(call(size, token)))

    def _request(self, call: Call[ResultT]) -> ResultT:
        """Run any operation: retries around attempts (pacing, one refresh, bounded reads).

        The first attempt runs outside stamina (most requests succeed at once, and a stamina
        loop costs as much as a page's parsing); a failure enters the loop as its attempt 1,
        so stamina decides, waits and counts exactly as if it had run that attempt itself.
        """
        try:
            return self._attempt(call)
        except Exception as exc:  # noqa: BLE001 - stamina's hook judges it, as for any attempt
            first_failure: Exception | None = exc
        run = self._retry_run(call)
        for attempt in run.attempts():
            with attempt:
                run.attempt = attempt.num
                if first_failure is not None:
                    failure, first_failure = first_failure, None
                    raise failure
                return self._attempt(call)
        raise AssertionError("stamina returns or raises")  # pragma: no cover

    def _attempt(self, call: Call[ResultT]) -> ResultT:
        source = self._source(call)
        result = self._send(call, source.get())
        if self._needs_refresh(result, source):
            result = self._send(call, source.refresh())
        return self._outcome(result)

    def _send(self, call: Call[ResultT], secret: str) -> ResultT | YouCamError:
        pacer = self._settings.pacer
        send = pacer.acquire(secret) if pacer is not None else None
        channel = Channel(self._http, self.base_url, secret, self._settings.bounds, call.page_token)
        api = generated_client(self.base_url, channel)
        self._announce(call)
        try:
            detailed = call.operation.sync_call(client=api, **call.params)
        except Exception as exc:  # noqa: BLE001 - failed_attempt re-raises what is not ours
            return failed_attempt(call, channel, exc, secret)
        finally:
            if pacer is not None:
                pacer.answered(send)
        return interpret(call, recorded_exchange(channel, detailed), secret=secret)
