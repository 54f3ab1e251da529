"""What Client and AsyncClient share: settings, the token, the generated client, translation.

Every request goes through the generated ``get_credit_history.sync_detailed`` /
``asyncio_detailed``. They call ``client.get_httpx_client().request(**kwargs)``, so the
generated ``AuthenticatedClient`` is handed a small channel in place of an httpx client: it
makes the generated relative URL absolute, adds ``Authorization: Bearer`` (the generated client
bakes the token into a client it builds itself, which neither a caller's ``http_client`` nor a
refreshed token would get) and keeps the raw response, because the generated parser raises
before returning it when a body is malformed. ``interpret`` then turns the exchange into a
``Page`` or an error, through ``error_from_response``, the one translation function.

The channel also bounds each attempt against a server that misbehaves: it follows no
redirect (``RedirectError``), reads the body as a stream and stops at ``max_response_bytes``
(``ResponseTooLargeError``), and gives the attempt an overall deadline, because httpx's
timeouts bound each wait, and a server dripping a byte at a time never trips them
(``APITimeoutError``). AsyncClient enforces the deadline with ``asyncio.timeout`` over the whole
attempt; Client checks it after every chunk of the body, so a drip inside the status line and
headers is bounded only by the per-phase timeouts.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx
from youcam_units_api.client import AuthenticatedClient
from youcam_units_api.models.credit_history_response import CreditHistoryResponse
from youcam_units_api.types import Unset

from . import _json as exact_json
from ._config import (
    DEFAULT_MAX_RESPONSE_BYTES,
    ENV_ACCESS_TOKEN,
    RateLimit,
    attempt_deadline,
    env_token,
    normalize_token,
    resolve_base_url,
    validate_max_response_bytes,
    validate_timeout,
)
from ._errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    RedirectError,
    ResponseTooLargeError,
    YouCamError,
    error_from_response,
)
from ._models import Page, entries_from_generated
from ._pacing import Pacer, window_ms
from ._retry import RetryPolicy

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from youcam_units_api.types import Response

    from ._retry import RetryEvent

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_RATE_LIMITS",
    "PARSE_ERRORS",
    "AsyncChannel",
    "Channel",
    "ClientCore",
    "ClientSettings",
    "Exchange",
    "RequestBounds",
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
#: What a client paces to by default: the published limit, and the vendor's 5 per second.
DEFAULT_RATE_LIMITS = (RateLimit(5, 1.0), DEFAULT_RATE_LIMIT)
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
_STRIPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclass(frozen=True, slots=True)
class RequestBounds:
    """What one attempt may take: httpx's per-phase timeout, an overall deadline, a body size."""

    timeout: Timeout
    deadline: float | None
    max_bytes: int


class _ChannelBase(Generic[_HttpT]):
    """What both channels hold: the caller's httpx client, the URL base, the headers, bounds."""

    def __init__(
        self,
        http: _HttpT,
        base_url: str,
        token: str,
        bounds: RequestBounds,
        continuation_token: str | None = None,
    ) -> None:
        self._http: _HttpT = http
        self._base_url = base_url
        self._headers = {"Authorization": f"Bearer {token}", "User-Agent": _USER_AGENT}
        self._bounds = bounds
        self._continuation_token = continuation_token
        self.response: httpx.Response | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._base_url}>"

    def _build(self, method: str, url: str, params: dict[str, Any] | None) -> httpx.Request:
        return self._http.build_request(
            method,
            self._base_url + url,
            headers=self._headers,
            params=params,
            timeout=self._bounds.timeout,
        )

    def _refuse_redirect(self, response: httpx.Response) -> None:
        """A 3xx is an error: following it would carry the request somewhere unchecked."""
        status = response.status_code
        if not 300 <= status < 400:  # noqa: PLR2004 - the redirect class
            return
        location = response.headers.get("location")
        host: str | None = None
        if location is not None:
            try:
                host = response.url.join(location).host or None
            except httpx.InvalidURL:
                host = None
        where = f"to host {host}" if host else "with no usable Location"
        raise RedirectError(
            f"the service answered HTTP {status}, redirecting {where}; the client follows no "
            "redirect: check base_url (it must name the API server itself)",
            status_code=status,
            location_host=host,
            request_id=response.headers.get("x-request-id"),
            continuation_token=self._continuation_token,
        )

    def _take(self, response: httpx.Response, body: list[bytes], size: int, chunk: bytes) -> int:
        """Add a chunk, refusing to hold more than ``max_bytes``; the new size."""
        size += len(chunk)
        if size > self._bounds.max_bytes:
            raise ResponseTooLargeError(
                f"the HTTP {response.status_code} response from {response.url.host} grew past "
                f"{self._bounds.max_bytes:,} bytes (max_response_bytes) and was abandoned; a "
                "page is a few kB",
                status_code=response.status_code,
                limit=self._bounds.max_bytes,
                request_id=response.headers.get("x-request-id"),
                continuation_token=self._continuation_token,
            )
        body.append(chunk)
        return size

    def _timed_out(
        self, request: httpx.Request, response: httpx.Response | None
    ) -> APITimeoutError:
        return APITimeoutError(
            f"no complete answer from {request.url.host} within {self._bounds.deadline:g} s, "
            "the deadline for one attempt",
            request_id=None if response is None else response.headers.get("x-request-id"),
            continuation_token=self._continuation_token,
        )

    def _declared_within_cap(self, response: httpx.Response) -> bool:
        """An identity-encoded body whose Content-Length is within ``max_bytes``."""
        headers = response.headers
        length = headers.get("content-length", "")
        return (
            "content-encoding" not in headers
            and length.isdigit()
            and int(length) <= self._bounds.max_bytes
        )

    def _complete(self, response: httpx.Response, body: list[bytes]) -> httpx.Response:
        """The response with its body in memory (already decoded: no Content-Encoding left)."""
        headers: httpx.Headers | list[tuple[str, str]] = response.headers
        if "content-encoding" in response.headers:
            headers = [
                (name, value)
                for name, value in response.headers.multi_items()
                if name.lower() not in _STRIPPED_HEADERS
            ]
        self.response = httpx.Response(
            response.status_code,
            headers=headers,
            content=b"".join(body),
            request=response.request,
            extensions=response.extensions,
        )
        return self.response


class Channel(_ChannelBase[httpx.Client]):
    """Stands in for ``httpx.Client`` inside the generated call; keeps the raw response."""

    def request(
        self, *, method: str, url: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """What the generated function calls: ``request(method=, url=, params=)``."""
        started = time.monotonic()
        deadline = self._bounds.deadline
        request = self._build(method, url, params)
        response = self._http.send(request, stream=True, follow_redirects=False)
        body: list[bytes] = []
        size = 0
        try:
            self._refuse_redirect(response)
            for chunk in response.iter_bytes():
                size = self._take(response, body, size, chunk)
                if deadline is not None and time.monotonic() - started > deadline:
                    raise self._timed_out(request, response)
        finally:
            response.close()
        return self._complete(response, body)


class AsyncChannel(_ChannelBase[httpx.AsyncClient]):
    """Stands in for ``httpx.AsyncClient`` inside the generated call; keeps the raw response."""

    async def request(
        self, *, method: str, url: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """What the generated function awaits: ``request(method=, url=, params=)``."""
        request = self._build(method, url, params)
        try:
            async with asyncio.timeout(self._bounds.deadline):
                return await self._read(request)
        except TimeoutError:
            raise self._timed_out(request, self.response) from None

    async def _read(self, request: httpx.Request) -> httpx.Response:
        response = await self._http.send(request, stream=True, follow_redirects=False)
        body: list[bytes] = []
        size = 0
        try:
            self._refuse_redirect(response)
            if self._declared_within_cap(response):
                # The usual page: HTTP framing stops at Content-Length, and asyncio.timeout
                # bounds the time, so httpx's own read is as safe and cheaper than chunks.
                size = self._take(response, body, size, await response.aread())
                self.response = response
                return response
            async for chunk in response.aiter_bytes():
                size = self._take(response, body, size, chunk)
        finally:
            await response.aclose()
        return self._complete(response, body)


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


def _rate_limits(rate_limit: object) -> tuple[RateLimit, ...] | None:
    if rate_limit is None:
        return None
    if isinstance(rate_limit, RateLimit):
        return (rate_limit,)
    if (
        isinstance(rate_limit, tuple | list)
        and rate_limit
        and all(isinstance(limit, RateLimit) for limit in rate_limit)
    ):
        return _consistent(tuple(rate_limit))
    raise TypeError(
        "rate_limit must be a youcam_units.RateLimit(requests, period_seconds), a sequence of "
        f"them, or None, got {type(rate_limit).__name__}"
    )


def _consistent(limits: tuple[RateLimit, ...]) -> tuple[RateLimit, ...]:
    """Several limits must nest: each longer period allows more requests at a lower rate."""
    ordered = sorted(limits, key=lambda limit: limit.period)
    for short, long in itertools.pairwise(ordered):
        if not (
            long.period > short.period
            and long.requests > short.requests
            and long.requests / window_ms(long.period) <= short.requests / window_ms(short.period)
        ):
            raise ValueError(
                "rate_limit: a longer period must allow more requests at a lower rate than a "
                "shorter one, as RateLimit(5, 1.0) and RateLimit(250, 300.0) do; got "
                f"RateLimit({short.requests}, {short.period}) and "
                f"RateLimit({long.requests}, {long.period})"
            )
    return limits


def _pacing_file(pacing_file: object, limits: tuple[RateLimit, ...] | None) -> Path | None:
    if pacing_file is None:
        return None
    if not isinstance(pacing_file, str | os.PathLike):
        raise TypeError(
            f"pacing_file must be a path (str or os.PathLike) or None, got "
            f"{type(pacing_file).__name__}"
        )
    path = Path(pacing_file)
    if limits is None:
        raise ValueError("pacing_file needs a rate_limit to pace to; rate_limit is None")
    if path.is_dir():
        raise ValueError(f"pacing_file {path} is a directory; name a file inside it")
    return path


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
        max_response_bytes: object = DEFAULT_MAX_RESPONSE_BYTES,
        pacing_file: object = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self.base_url = resolve_base_url(base_url, http_client)
        self.timeout: Timeout = validate_timeout(timeout)
        self.bounds = RequestBounds(
            timeout=self.timeout,
            deadline=attempt_deadline(self.timeout),
            max_bytes=validate_max_response_bytes(max_response_bytes),
        )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be an int of 0 or more, got {max_retries!r}")
        self.policy = RetryPolicy(max_retries=max_retries)
        self.rate_limits = _rate_limits(rate_limit)
        self.pacing_file = _pacing_file(pacing_file, self.rate_limits)
        for name, hook in (("on_retry", on_retry), ("on_wait", on_wait)):
            if hook is not None and not callable(hook):
                raise TypeError(f"{name} must be a callable")
        self.on_retry = on_retry
        self.pacer = None
        if self.rate_limits is not None:
            try:
                self.pacer = Pacer(self.rate_limits, state_file=self.pacing_file, on_wait=on_wait)
            except (OSError, sqlite3.Error) as exc:
                raise ValueError(
                    f"pacing_file {self.pacing_file} cannot be used ({exc}); name a writable "
                    "file, or pass pacing_file=None to pace this process alone"
                ) from None

    @property
    def rate_limit(self) -> RateLimit | tuple[RateLimit, ...] | None:
        """The limits paced to: one ``RateLimit``, several, or ``None``."""
        limits = self.rate_limits
        return limits[0] if limits is not None and len(limits) == 1 else limits

    def describe(self, name: str) -> str:
        """A repr without secrets."""
        limits = (
            "None"
            if self.rate_limits is None
            else " + ".join(f"RateLimit({r.requests}, {r.period})" for r in self.rate_limits)
        )
        shared = f", pacing_file={str(self.pacing_file)!r}" if self.pacing_file else ""
        return (
            f"{name}(base_url={self.base_url!r}, max_retries={self.policy.max_retries}, "
            f"rate_limit={limits}{shared})"
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
        max_response_bytes: object = DEFAULT_MAX_RESPONSE_BYTES,
        pacing_file: object = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self._settings = ClientSettings(
            base_url=base_url,
            http_client=http_client,
            timeout=timeout,
            max_retries=max_retries,
            rate_limit=rate_limit,
            on_retry=on_retry,
            max_response_bytes=max_response_bytes,
            pacing_file=pacing_file,
            on_wait=on_wait,
        )
        try:
            self._token = TokenSource(access_token, allow_async=allow_async)
        except BaseException:
            if self._settings.pacer is not None:
                self._settings.pacer.close()
            raise
        self._owns_http = http_client is None

    def __repr__(self) -> str:
        return self._settings.describe(type(self).__name__)

    @property
    def base_url(self) -> str:
        """The service this client talks to."""
        return self._settings.base_url
