"""The adapter to the generated client: its calls go through a channel and read JSON exactly.

The generated ``AuthenticatedClient`` bakes the access token into an httpx client it builds
itself, which neither a caller's ``http_client`` nor a refreshed access token would get; so each
attempt hands it a channel in place of that httpx client, and the channel carries the credential.
"""

from __future__ import annotations

from typing import Any, cast

import httpx
from youcam_units_api.client import AuthenticatedClient

from . import _json as exact_json
from ._channel import AsyncChannel, Channel

__all__ = ["ExactJsonResponse", "generated_client"]


class _GeneratedClient(AuthenticatedClient):
    """The generated client, with a repr that cannot show the access token."""

    def __repr__(self) -> str:
        return f"<generated AuthenticatedClient base_url={self._base_url!r} token=[redacted]>"


def generated_client(base_url: str, channel: Channel | AsyncChannel) -> AuthenticatedClient:
    """A generated client whose requests go through ``channel``."""
    # The channel carries the access token; the generated client's own copy stays empty.
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

    def request(self, **kwargs: Any) -> httpx.Response:  # noqa: ANN401 - httpx's keywords
        """The channel's ``request``."""
        return _exact(self._channel.request(**kwargs))


class _AsyncExactRequests:
    """The async twin of ``_ExactRequests``."""

    def __init__(self, channel: AsyncChannel) -> None:
        self._channel = channel

    async def request(self, **kwargs: Any) -> httpx.Response:  # noqa: ANN401 - httpx's keywords
        """The channel's ``request``."""
        return _exact(await self._channel.request(**kwargs))
