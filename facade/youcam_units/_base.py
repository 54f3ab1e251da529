"""What Client and AsyncClient share: settings, the token, the generated client, translation.

Every request goes through the generated ``get_credit_history.sync_detailed`` /
``asyncio_detailed``. They call ``client.get_httpx_client().request(**kwargs)``, so the
generated ``AuthenticatedClient`` is handed a small channel in place of an httpx client: it
makes the generated relative URL absolute, adds ``Authorization: Bearer`` (the generated client
bakes the token into a client it builds itself, which neither a caller's ``http_client`` nor a
refreshed token would get) and keeps the raw response, because the generated parser raises
before returning it when a body is malformed. ``interpret`` then turns the exchange into a
``Page`` or an error, through ``error_from_response``, the one translation function.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx
from youcam_units_api.client import AuthenticatedClient
from youcam_units_api.models.credit_history_response import CreditHistoryResponse
from youcam_units_api.types import Unset

from . import _json as exact_json
from ._config import (
    ENV_ACCESS_TOKEN,
    RateLimit,
    env_token,
    normalize_token,
    resolve_base_url,
)
from ._errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    YouCamError,
    error_from_response,
)
from ._models import Page, entries_from_generated
from ._pacing import Pacer
from ._retry import RetryPolicy

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from youcam_units_api.types import Response

    from ._retry import RetryEvent

__all__ = [
    "DEFAULT_RATE_LIMIT",
    "PARSE_ERRORS",
    "AsyncChannel",
    "Channel",
    "ClientCore",
    "ClientSettings",
    "Exchange",
    "TokenSource",
    "generated_client",
    "interpret",
    "recorded_exchange",
    "should_refresh",
    "transport_error",
]

logger = logging.getLogger("youcam_units")

#: The published limit: 250 requests per 300 seconds per token and per IP.
DEFAULT_RATE_LIMIT = RateLimit(250, 300.0)
#: What the generated parser (and ``response.json()``) raise on a body of the wrong shape.
PARSE_ERRORS = (KeyError, ValueError, TypeError, AttributeError)
_USER_AGENT = "youcam-units/0.1.0"
_REFRESH_CODES = frozenset({None, "InvalidAccessToken"})

Timeout = float | httpx.Timeout | None


class _GeneratedClient(AuthenticatedClient):
    """The generated client, with a repr that cannot show the token."""

    def __repr__(self) -> str:
        return f"<generated AuthenticatedClient base_url={self._base_url!r} token=[redacted]>"


_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)


class _ChannelBase(Generic[_HttpT]):
    """What both channels hold: the caller's httpx client, the URL base, the headers."""

    def __init__(self, http: _HttpT, base_url: str, token: str, timeout: Timeout) -> None:
        self._http: _HttpT = http
        self._base_url = base_url
        self._headers = {"Authorization": f"Bearer {token}", "User-Agent": _USER_AGENT}
        self._timeout = timeout
        self.response: httpx.Response | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._base_url}>"


class Channel(_ChannelBase[httpx.Client]):
    """Stands in for ``httpx.Client`` inside the generated call; keeps the raw response."""

    def request(
        self, *, method: str, url: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """What the generated function calls: ``request(method=, url=, params=)``."""
        self.response = self._http.request(
            method,
            self._base_url + url,
            headers=self._headers,
            params=params,
            timeout=self._timeout,
        )
        return self.response


class AsyncChannel(_ChannelBase[httpx.AsyncClient]):
    """Stands in for ``httpx.AsyncClient`` inside the generated call; keeps the raw response."""

    async def request(
        self, *, method: str, url: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """What the generated function awaits: ``request(method=, url=, params=)``."""
        self.response = await self._http.request(
            method,
            self._base_url + url,
            headers=self._headers,
            params=params,
            timeout=self._timeout,
        )
        return self.response


def generated_client(base_url: str, channel: Channel | AsyncChannel) -> AuthenticatedClient:
    """A generated client whose requests go through ``channel``."""
    # The channel carries the token; the generated client's own copy stays empty.
    api = _GeneratedClient(base_url=base_url, token="")
    if isinstance(channel, Channel):
        # Duck-typed: the generated function only calls .request(**kwargs) on it.
        return api.set_httpx_client(cast("httpx.Client", _ExactRequests(channel)))
    return api.set_async_httpx_client(cast("httpx.AsyncClient", _AsyncExactRequests(channel)))


class ExactJsonResponse(httpx.Response):
    """A response whose ``json()`` reads fractions as ``Decimal``, parsed once and kept.

    The generated parser reads the body through ``response.json()``: with this, ``amount_dec``
    never passes through a float, and ``interpret`` reads the same parse (the generated
    ``from_dict`` copies each object before taking it apart, so the parse stays as sent).
    """

    def json(self, **kwargs: Any) -> Any:  # noqa: ANN401 - parsed JSON is Any by nature
        """The body as JSON, exactly; the same object on every call."""
        if kwargs:
            return super().json(**kwargs)
        cached = self.__dict__.get("_exact_json", _NOT_PARSED)
        if cached is _NOT_PARSED:
            cached = self.__dict__["_exact_json"] = exact_json.loads(self.content)
        return cached


_NOT_PARSED = object()


def _exact(response: httpx.Response) -> httpx.Response:
    # The same object (the channel keeps it too), read exactly: no copy, no second parse.
    response.__class__ = ExactJsonResponse
    return response


class _ExactRequests:
    """What the generated function calls instead of the channel: its responses, read exactly."""

    def __init__(self, channel: Channel) -> None:
        self._channel = channel

    def request(
        self, *, method: str, url: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """The channel's ``request``."""
        return _exact(self._channel.request(method=method, url=url, params=params))


class _AsyncExactRequests:
    """The async twin of ``_ExactRequests``."""

    def __init__(self, channel: AsyncChannel) -> None:
        self._channel = channel

    async def request(
        self, *, method: str, url: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """The channel's ``request``."""
        return _exact(await self._channel.request(method=method, url=url, params=params))


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request's outcome: the raw response, and what the generated parser made of it."""

    response: httpx.Response
    detailed: Response[Any] | None
    parse_error: BaseException | None = None


def recorded_exchange(
    channel: Channel | AsyncChannel,
    detailed: Response[Any] | None,
    parse_error: Exception | None = None,
) -> Exchange:
    """The exchange the channel recorded; a parse error without a response is not ours."""
    if channel.response is None:
        if parse_error is not None:
            raise parse_error
        raise RuntimeError("the generated client returned without a response")  # pragma: no cover
    return Exchange(channel.response, detailed, parse_error)


def transport_error(exc: httpx.RequestError, continuation_token: str | None) -> YouCamError:
    """An httpx failure before any response, as the facade's connection error."""
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    host = exc.request.url.host if _has_request(exc) else "the service"
    return cls(
        f"could not get an answer from {host}: {type(exc).__name__}: {exc}",
        continuation_token=continuation_token,
    )


def _has_request(exc: httpx.RequestError) -> bool:
    try:
        _ = exc.request
    except RuntimeError:
        return False
    return True


def interpret(
    exchange: Exchange, *, starting_token: str | None, secret: str | None
) -> Page | YouCamError:
    """A ``Page`` for a documented 200, else the error to raise (never raises itself)."""
    response = exchange.response
    parsed = exchange.detailed.parsed if exchange.detailed is not None else None
    if (
        exchange.parse_error is None
        and response.status_code == httpx.codes.OK
        and isinstance(parsed, CreditHistoryResponse)
    ):
        try:
            return _page(parsed, response, starting_token)
        except PARSE_ERRORS as exc:
            return error_from_response(
                response, continuation_token=starting_token, secret=secret, cause=exc
            )
    return error_from_response(
        response, continuation_token=starting_token, secret=secret, cause=exchange.parse_error
    )


def _page(parsed: CreditHistoryResponse, response: httpx.Response, token: str | None) -> Page:
    if parsed.status != response.status_code:
        # A body saying {"status": 500} under HTTP 200 is an error in disguise, not data.
        raise ValueError(
            f"the body's status {parsed.status!r} contradicts HTTP {response.status_code}"
        )
    # Fractions as Decimal: the parse the generated one used, or (any other response) a new one.
    exact = (
        response.json()
        if isinstance(response, ExactJsonResponse)
        else exact_json.loads(response.content)
    )
    entries = entries_from_generated(parsed.result.history, exact["result"]["history"])
    return Page(
        entries=entries,
        next_token=_next_token(parsed.result.next_token),
        request_id=response.headers.get("x-request-id"),
        starting_token=token,
    )


def _next_token(value: object) -> str | None:
    """Null, absent and empty all mark the last page; a numeric token is kept exact."""
    if value is None or isinstance(value, Unset) or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"result.next_token must be a string or null, got {type(value).__name__}")


def should_refresh(error: YouCamError) -> bool:
    """A 401 saying the access token is invalid or expired (or saying nothing more)."""
    return isinstance(error, AuthenticationError) and error.error_code in _REFRESH_CODES


class TokenSource:
    """The access token: a fixed string, or a callable asked again after a 401."""

    def __init__(self, access_token: object, *, allow_async: bool) -> None:
        self._allow_async = allow_async
        self._provider: Callable[[], object] | None = None
        self._token: str | None = None
        if access_token is None:
            from_env = env_token()
            if from_env is None:
                raise ValueError(
                    "no access token: pass access_token=... (a str, or a callable returning one) "
                    f"or set {ENV_ACCESS_TOKEN}"
                )
            self._token = normalize_token(from_env, source=ENV_ACCESS_TOKEN)
        elif isinstance(access_token, str):
            self._token = normalize_token(access_token, source="the access_token argument")
        elif callable(access_token):
            self._provider = access_token
        else:
            raise TypeError(
                "access_token must be a str or a callable returning one, got "
                f"{type(access_token).__name__}"
            )

    def __repr__(self) -> str:
        return "TokenSource([redacted])"

    @property
    def refreshable(self) -> bool:
        """Whether a new token can be asked for (only a callable can give one)."""
        return self._provider is not None

    @property
    def current(self) -> str | None:
        """The token in use, if one was obtained yet."""
        return self._token

    def get(self) -> str:
        """The token, asking the callable the first time."""
        if self._token is None:
            self._token = self._accept(self._call())
        return self._token

    def refresh(self) -> str:
        """Ask the callable again (after a 401)."""
        self._token = None
        logger.info("access token rejected (401); asking the access_token callable for a new one")
        return self.get()

    async def aget(self) -> str:
        """The token, asking the (possibly async) callable the first time."""
        if self._token is None:
            value = self._call()
            if inspect.isawaitable(value):
                value = await cast("Awaitable[object]", value)
            self._token = self._accept(value)
        return self._token

    async def arefresh(self) -> str:
        """Ask the (possibly async) callable again (after a 401)."""
        self._token = None
        logger.info("access token rejected (401); asking the access_token callable for a new one")
        return await self.aget()

    def _call(self) -> object:
        if self._provider is None:  # pragma: no cover - a fixed token is always set
            raise RuntimeError("no access token provider")
        value = self._provider()
        if inspect.isawaitable(value) and not self._allow_async:
            if inspect.iscoroutine(value):
                value.close()
            raise TypeError(
                "the access_token callable returned an awaitable; Client needs a plain function, "
                "use AsyncClient for an async one"
            )
        return value

    @staticmethod
    def _accept(value: object) -> str:
        return normalize_token(value, source="the access_token callable")


class ClientSettings:
    """Checked settings shared by Client and AsyncClient; all checks happen here, up front."""

    def __init__(
        self,
        *,
        base_url: str | None,
        http_client: httpx.Client | httpx.AsyncClient | None,
        timeout: object,
        max_retries: object,
        rate_limit: object,
        on_retry: Callable[[RetryEvent], None] | None,
    ) -> None:
        self.base_url = resolve_base_url(base_url, http_client)
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float | httpx.Timeout)
        ):
            raise TypeError(
                f"timeout must be seconds, an httpx.Timeout or None, got {type(timeout).__name__}"
            )
        self.timeout: Timeout = timeout
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be an int of 0 or more, got {max_retries!r}")
        self.policy = RetryPolicy(max_retries=max_retries)
        if rate_limit is not None and not isinstance(rate_limit, RateLimit):
            raise TypeError(
                "rate_limit must be a youcam_units.RateLimit(requests, period_seconds) or None, "
                f"got {type(rate_limit).__name__}"
            )
        self.rate_limit = rate_limit
        self.pacer = Pacer(rate_limit) if rate_limit is not None else None
        if on_retry is not None and not callable(on_retry):
            raise TypeError("on_retry must be a callable taking a RetryEvent")
        self.on_retry = on_retry

    def describe(self, name: str) -> str:
        """A repr without secrets."""
        limit = (
            "None"
            if self.rate_limit is None
            else f"RateLimit({self.rate_limit.requests}, {self.rate_limit.period})"
        )
        return (
            f"{name}(base_url={self.base_url!r}, max_retries={self.policy.max_retries}, "
            f"rate_limit={limit})"
        )


class ClientCore:
    """What Client and AsyncClient hold alike: checked settings, the token source, the repr."""

    def __init__(
        self,
        access_token: object,
        *,
        base_url: str | None,
        timeout: object,
        max_retries: object,
        rate_limit: object,
        http_client: httpx.Client | httpx.AsyncClient | None,
        on_retry: Callable[[RetryEvent], None] | None,
        allow_async: bool,
    ) -> None:
        self._settings = ClientSettings(
            base_url=base_url,
            http_client=http_client,
            timeout=timeout,
            max_retries=max_retries,
            rate_limit=rate_limit,
            on_retry=on_retry,
        )
        self._token = TokenSource(access_token, allow_async=allow_async)
        self._owns_http = http_client is None

    def __repr__(self) -> str:
        return self._settings.describe(type(self).__name__)

    @property
    def base_url(self) -> str:
        """The service this client talks to."""
        return self._settings.base_url
