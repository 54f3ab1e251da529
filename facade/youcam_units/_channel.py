"""The bounded channel: one attempt's HTTP exchange, guarded against a server that misbehaves.

The generated functions call ``client.get_httpx_client().request(**kwargs)``; a channel stands in
for that httpx client (see ``_generated``). It makes the generated relative URL absolute, adds
``Authorization: Bearer`` with the credential the operation names, and keeps the raw response,
because the generated parser raises before returning it when a body is malformed.

It follows no redirect (``RedirectError``), reads the body as a stream and stops at
``max_response_bytes`` (``ResponseTooLargeError``), and gives the attempt an overall deadline,
because httpx's timeouts bound each wait, and a server dripping a byte at a time never trips
them (``APITimeoutError``). AsyncChannel enforces the deadline with ``asyncio.timeout`` over the
whole attempt; Channel runs the exchange on a worker thread it stops waiting for at the deadline
(``_deadline``), status line and headers included, and checks the deadline after every chunk of
the body, so an abandoned exchange ends soon after.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx

from . import _defaults
from ._deadline import run_within
from ._errors import APITimeoutError, RedirectError, ResponseTooLargeError
from ._redact import redact

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = ["AsyncChannel", "Channel", "RequestBounds", "Timeout"]

Timeout = float | httpx.Timeout | None

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
        access_token: str,
        bounds: RequestBounds,
        *,
        page_token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._http: _HttpT = http
        self._base_url = base_url
        self._headers = {
            **(headers or {}),
            "Authorization": f"Bearer {access_token}",
            "User-Agent": _defaults.USER_AGENT,
        }
        self._secret = access_token
        self._bounds = bounds
        self._page_token = page_token
        self.response: httpx.Response | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._base_url}>"

    def _build(
        self, method: str, url: str, params: dict[str, Any] | None, sent: dict[str, Any]
    ) -> httpx.Request:
        """The request to send; ``sent`` is what the generated call adds (a body, headers)."""
        target = self._base_url + url
        if params and not self._http.params and "?" not in target:
            # The same query httpx would add, encoded by httpx itself, but in the URL it parses
            # once: given ``params``, httpx parses the URL again to add them (a tenth of a page's
            # cost). A client with default params of its own goes the usual way, merged by httpx.
            target = f"{target}?{httpx.QueryParams(params)}"
            params = None
        headers = {**(sent.pop("headers", None) or {}), **self._headers}
        return self._http.build_request(
            method,
            target,
            **sent,
            headers=headers,
            params=params,
            timeout=self._bounds.timeout,
        )

    def _received(self, response: httpx.Response) -> None:
        """Check a response's head as it arrives: the request id redacted, no redirect.

        The request id is kept (on pages and errors) and printed, so an echo of the credential
        in it is redacted here, once, before anything reads it.
        """
        request_id = response.headers.get("x-request-id")
        if request_id is not None:
            redacted = redact(request_id, self._secret)
            if redacted != request_id:
                response.headers["x-request-id"] = redacted
        self._refuse_redirect(response)

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
        host = redact(host, self._secret) if host else None
        where = f"to host {host}" if host else "with no usable Location"
        raise RedirectError(
            f"the service answered HTTP {status}, redirecting {where}; the client follows no "
            "redirect: check base_url (it must name the API server itself)",
            status_code=status,
            location_host=host,
            request_id=response.headers.get("x-request-id"),
            continuation_token=self._page_token,
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
                continuation_token=self._page_token,
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
            continuation_token=self._page_token,
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
        self,
        *,
        method: str,
        url: str,
        params: dict[str, Any] | None = None,
        **sent: Any,  # noqa: ANN401 - httpx's own keywords (json, content, headers), passed on
    ) -> httpx.Response:
        """What the generated function calls: ``request(method=, url=, params=, json=...)``.

        With a deadline, the exchange runs on a worker (``_deadline``) so that a head dripped
        a byte at a time cannot hold the caller past it either.
        """
        started = time.monotonic()
        request = self._build(method, url, params, sent)
        deadline = self._bounds.deadline
        if deadline is None:
            return self._exchange(request, started)
        try:
            return run_within(lambda: self._exchange(request, started), deadline)
        except TimeoutError:
            raise self._timed_out(request, None) from None

    def _exchange(self, request: httpx.Request, started: float) -> httpx.Response:
        """Send ``request`` and read its body within the bounds."""
        response = self._http.send(request, stream=True, follow_redirects=False)
        body: list[bytes] = []
        try:
            self._received(response)
            if "content-encoding" not in response.headers:
                # The usual page: what arrives is the body itself, so the bounds can watch the
                # stream while httpx reads it into this very response (no second response).
                response.stream = _BoundedStream(self, request, response, started)
                content = response.read()
                # Checked again whole: a response an in-process transport made is read already,
                # and httpx hands its content over without going through the stream.
                self._take(response, [], 0, content)
                self._check_deadline(request, response, started)
                self.response = response
                return response
            size = 0
            for chunk in response.iter_bytes():
                size = self._take(response, body, size, chunk)
                self._check_deadline(request, response, started)
        finally:
            response.close()
        return self._complete(response, body)

    def _check_deadline(
        self, request: httpx.Request, response: httpx.Response, started: float
    ) -> None:
        deadline = self._bounds.deadline
        if deadline is not None and time.monotonic() - started > deadline:
            raise self._timed_out(request, response)


class _BoundedStream(httpx.SyncByteStream):
    """A response's byte stream, refused past ``max_bytes`` or the attempt's deadline."""

    def __init__(
        self, channel: Channel, request: httpx.Request, response: httpx.Response, started: float
    ) -> None:
        self._channel = channel
        self._request = request
        self._response = response
        self._stream = cast("httpx.SyncByteStream", response.stream)
        self._started = started

    def __iter__(self) -> Iterator[bytes]:
        channel, response = self._channel, self._response
        kept: list[bytes] = []  # _take's running list; the chunks themselves go to httpx
        size = 0
        for chunk in self._stream:
            size = channel._take(response, kept, size, chunk)  # noqa: SLF001 - its own helper
            kept.clear()
            channel._check_deadline(self._request, response, self._started)  # noqa: SLF001
            yield chunk

    def close(self) -> None:
        """Close the stream underneath."""
        self._stream.close()


class AsyncChannel(_ChannelBase[httpx.AsyncClient]):
    """Stands in for ``httpx.AsyncClient`` inside the generated call; keeps the raw response."""

    async def request(
        self,
        *,
        method: str,
        url: str,
        params: dict[str, Any] | None = None,
        **sent: Any,  # noqa: ANN401 - httpx's own keywords (json, content, headers), passed on
    ) -> httpx.Response:
        """What the generated function awaits: ``request(method=, url=, params=, json=...)``."""
        import asyncio  # noqa: PLC0415 - only async clients pay for it (start-up of the command)

        request = self._build(method, url, params, sent)
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
            self._received(response)
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
