"""The HTTP layer under the generated client, through its documented extension points only.

Each client hands the generated ``Client`` an httpx client of ours (``set_httpx_client``) whose
``auth`` adds the bearer and headers of the attempt under way (held in a ``ContextVar``, so that
concurrent requests with different credentials never mix) and whose transport sends through the
caller's ``http_client``, so its transport, proxies and event hooks apply. That transport never
follows a redirect, refuses a body past ``max_response_bytes`` and, for the blocking client, an
attempt past its deadline: httpx's timeouts bound each wait, and a server dripping a byte at a
time never trips them (the async client bounds the attempt with ``asyncio.timeout``). Its
response's ``json()`` reads fractions as ``Decimal`` for the generated parser.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from youcam_units_api.client import Client as GeneratedClient

from . import _json as exact_json
from ._config import USER_AGENT, RequestBounds
from ._deadline import run_within
from ._errors import APITimeoutError, RedirectError, ResponseTooLargeError
from ._redact import redact

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Generator, Iterator, Mapping

__all__ = [
    "Attempt",
    "ExactJsonResponse",
    "attempt_under_way",
    "generated_api",
    "timed_out",
]

_STRIPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclass(slots=True)
class Attempt:
    """One attempt's credential, headers and bounds, and the response it got (once it has).

    The response is kept here because the generated parser raises, on a malformed body, before
    it returns the response that the error must describe.
    """

    secret: str = field(repr=False)
    headers: Mapping[str, str]
    bounds: RequestBounds
    starting_token: str | None = None
    started: float = field(default_factory=time.monotonic)
    response: httpx.Response | None = None


_CURRENT: ContextVar[Attempt] = ContextVar("youcam_units_attempt")


@contextmanager
def attempt_under_way(attempt: Attempt) -> Iterator[Attempt]:
    """Make ``attempt`` the one the auth and the transport serve while the block runs."""
    token = _CURRENT.set(attempt)
    try:
        yield attempt
    finally:
        _CURRENT.reset(token)


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
        if "_exact_json" not in self.__dict__:
            self.__dict__["_exact_json"] = exact_json.loads(self.content)
        return self.__dict__["_exact_json"]


class _AttemptAuth(httpx.Auth):
    """The bearer and the call's own headers (an idempotency key) of the attempt under way."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the headers; one request, no challenge."""
        attempt = _CURRENT.get()
        request.headers.update(attempt.headers)
        request.headers["Authorization"] = f"Bearer {attempt.secret}"
        yield request

    def __repr__(self) -> str:
        return "<bearer auth [redacted]>"


def generated_api(
    http: httpx.Client | httpx.AsyncClient, base_url: str, bounds: RequestBounds
) -> GeneratedClient:
    """The generated client over an httpx client of ours that sends through ``http``.

    ``http``'s default headers, params and cookies are taken as they are now (httpx merges them
    into each request as before); its transport, proxies, auth and event hooks apply when it
    sends. Closing what this returns never closes ``http``.
    """
    options: dict[str, Any] = {
        "base_url": base_url,
        "headers": {**http.headers, "User-Agent": USER_AGENT},
        "params": http.params,
        "cookies": http.cookies,
        "timeout": bounds.timeout,
        "follow_redirects": False,
        "auth": _AttemptAuth(),
    }
    api = GeneratedClient(base_url=base_url)
    if isinstance(http, httpx.Client):
        return api.set_httpx_client(httpx.Client(transport=BoundedTransport(http), **options))
    return api.set_async_httpx_client(
        httpx.AsyncClient(transport=AsyncBoundedTransport(http), **options)
    )


class BoundedTransport(httpx.BaseTransport):
    """Sends through ``http`` within the attempt's bounds; never follows a redirect."""

    def __init__(self, http: httpx.Client) -> None:
        self._http = http

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send; the head within the deadline; the body streamed through ``_BoundedBody``."""
        attempt = _CURRENT.get()
        deadline = attempt.bounds.deadline

        def send() -> httpx.Response:
            return self._http.send(request, stream=True, follow_redirects=False)

        if deadline is None:
            response = send()
        else:
            try:
                response = run_within(send, deadline - (time.monotonic() - attempt.started))
            except TimeoutError:
                raise timed_out(attempt, request.url.host) from None
        try:
            return _received(attempt, response)
        except RedirectError:
            response.close()
            raise

    def close(self) -> None:
        """Nothing of ours to close: ``http`` belongs to whoever made it."""


class AsyncBoundedTransport(httpx.AsyncBaseTransport):
    """``BoundedTransport`` for asyncio (the deadline is the caller's ``asyncio.timeout``)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send; the body streamed through ``_BoundedBody``."""
        attempt = _CURRENT.get()
        response = await self._http.send(request, stream=True, follow_redirects=False)
        try:
            return _received(attempt, response)
        except RedirectError:
            await response.aclose()
            raise

    async def aclose(self) -> None:
        """Nothing of ours to close: ``http`` belongs to whoever made it."""


def _received(attempt: Attempt, response: httpx.Response) -> httpx.Response:
    """The response to hand on, once its head passes: the request id redacted, no redirect (raises).

    The request id is kept (on pages and errors) and printed, so an echo of the credential in it
    is redacted here, once, before anything reads it. The body is handed on decoded, so the
    headers that describe an encoding are dropped.
    """
    request_id = response.headers.get("x-request-id")
    if request_id is not None:
        response.headers["x-request-id"] = redact(request_id, attempt.secret)
    headers: httpx.Headers | list[tuple[str, str]] = response.headers
    if "content-encoding" in response.headers:
        headers = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in _STRIPPED_HEADERS
        ]
    if 300 <= response.status_code < 400:  # noqa: PLR2004 - the redirect class
        raise _redirect_error(attempt, response)
    handed_on = ExactJsonResponse(
        response.status_code,
        headers=headers,
        stream=_BoundedBody(attempt, response),
        request=response.request,
        extensions=response.extensions,
    )
    attempt.response = handed_on
    return handed_on


def _redirect_error(attempt: Attempt, response: httpx.Response) -> RedirectError:
    """A 3xx is an error: following it would carry the request somewhere unchecked."""
    location = response.headers.get("location")
    host: str | None = None
    if location is not None:
        try:
            host = response.url.join(location).host or None
        except httpx.InvalidURL:
            host = None
    host = redact(host, attempt.secret) if host else None
    where = f"to host {host}" if host else "with no usable Location"
    return RedirectError(
        f"the service answered HTTP {response.status_code}, redirecting {where}; the client "
        "follows no redirect: check base_url (it must name the API server itself)",
        status_code=response.status_code,
        location_host=host,
        request_id=response.headers.get("x-request-id"),
        continuation_token=attempt.starting_token,
    )


def _too_large(attempt: Attempt, response: httpx.Response) -> ResponseTooLargeError:
    limit = attempt.bounds.max_bytes
    return ResponseTooLargeError(
        f"the HTTP {response.status_code} response from {response.url.host} grew past "
        f"{limit:,} bytes (max_response_bytes) and was abandoned; a page is a few kB",
        status_code=response.status_code,
        limit=limit,
        request_id=response.headers.get("x-request-id"),
        continuation_token=attempt.starting_token,
    )


def timed_out(attempt: Attempt, host: str) -> APITimeoutError:
    """The error for an attempt that passed its deadline."""
    response = attempt.response
    return APITimeoutError(
        f"no complete answer from {host} within {attempt.bounds.deadline:g} s, "
        "the deadline for one attempt",
        request_id=None if response is None else response.headers.get("x-request-id"),
        continuation_token=attempt.starting_token,
    )


class _BoundedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """The decoded body, refused past ``max_bytes`` (read blocking, past the deadline too)."""

    def __init__(self, attempt: Attempt, response: httpx.Response) -> None:
        self._attempt = attempt
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        attempt, response = self._attempt, self._response
        deadline, size = attempt.bounds.deadline, 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > attempt.bounds.max_bytes:
                raise _too_large(attempt, response)
            if deadline is not None and time.monotonic() - attempt.started > deadline:
                raise timed_out(attempt, response.url.host)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        size = 0
        async for chunk in self._response.aiter_bytes():
            size += len(chunk)
            if size > self._attempt.bounds.max_bytes:
                raise _too_large(self._attempt, self._response)
            yield chunk

    def close(self) -> None:
        """Close the response underneath (its connection goes back to the pool)."""
        self._response.close()

    async def aclose(self) -> None:
        """Close the response underneath."""
        await self._response.aclose()
