"""The readers compared: raw httpx, the generated client and the facade, each sync and async."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from youcam_units import AsyncClient, Client
from youcam_units.mock import DEFAULT_TOKEN, HISTORY_PATH, MockService
from youcam_units_api.api.credit import get_credit_history
from youcam_units_api.client import AuthenticatedClient
from youcam_units_api.models.credit_history_response import CreditHistoryResponse
from youcam_units_api.types import Response, Unset

from benchmarks._common import BASE_URL, MAX_PAGE

if TYPE_CHECKING:
    from collections.abc import Callable


# -- transports -----------------------------------------------------------------------------------


class RecordingTransport:
    """The mock's transport, keeping each answer so later reads can replay it byte for byte.

    ``live``: every request goes to the mock (which builds each entry on demand) and its answer
    is recorded. ``replay``: answers come from the record, so a timing measures the client alone;
    a request never recorded still goes to the mock, and is counted in ``misses``.
    """

    def __init__(self, service: MockService) -> None:
        self.service = service
        self.live = True
        self.misses = 0
        self._record: dict[tuple[str, str, str], tuple[int, list[tuple[str, str]], bytes]] = {}

    def handle(self, request: httpx.Request) -> httpx.Response:
        """The ``httpx.MockTransport`` handler."""
        key = (request.method, str(request.url), request.headers.get("authorization", ""))
        answer = None if self.live else self._record.get(key)
        if answer is None:
            if not self.live:
                self.misses += 1
            response = self.service.handle_httpx(request)
            answer = (response.status_code, list(response.headers.multi_items()), response.content)
            self._record[key] = answer
        status, headers, body = answer
        return httpx.Response(status, headers=headers, content=body)

    def transport(self) -> httpx.MockTransport:
        """An httpx transport for sync and async clients alike."""
        return httpx.MockTransport(self.handle)


# -- the four readers -----------------------------------------------------------------------------


@dataclass
class Variant:
    """One way of reading the history, with its own clients on the shared transport."""

    key: str
    label: str
    page_size: str
    read: Callable[[int], list[int]]
    close: Callable[[], None]
    informational: bool = False


def raw_httpx(transport: httpx.MockTransport) -> Variant:
    """(1) httpx and ``response.json()``: the floor any client pays."""
    http = httpx.Client(
        transport=transport,
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"},
    )

    def read(limit: int) -> list[int]:
        ids: list[int] = []
        params: dict[str, str | int] = {"page_size": MAX_PAGE}
        while True:
            response = http.get(HISTORY_PATH, params=params)
            response.raise_for_status()
            result = response.json()["result"]
            ids.extend(entry["id"] for entry in result["history"])
            token = result.get("next_token")
            if not token or len(ids) >= limit:
                return ids
            params = {"page_size": MAX_PAGE, "starting_token": token}

    return Variant("raw", "(1) raw httpx + json", "30", read, http.close)


def _take_page(response: Response[Any], ids: list[int], limit: int) -> str | None:
    """Add a generated-client page's ids to ``ids``; the next token, or ``None`` when done."""
    parsed = response.parsed
    if not isinstance(parsed, CreditHistoryResponse):
        raise TypeError(f"HTTP {response.status_code}: {parsed!r}")
    ids.extend(entry.id for entry in parsed.result.history)
    next_token = parsed.result.next_token
    if isinstance(next_token, Unset) or not next_token or len(ids) >= limit:
        return None
    return str(next_token)


def generated(transport: httpx.MockTransport, *, page_size: int | None) -> Variant:
    """(2) ``get_credit_history.sync_detailed`` on a generated ``AuthenticatedClient``."""
    api = AuthenticatedClient(
        base_url=BASE_URL, token=DEFAULT_TOKEN, httpx_args={"transport": transport}
    )

    def read(limit: int) -> list[int]:
        ids: list[int] = []
        token: str | None = None
        while True:
            if page_size is None:
                response = get_credit_history.sync_detailed(client=api, starting_token=token)
            else:
                response = get_credit_history.sync_detailed(
                    client=api, page_size=page_size, starting_token=token
                )
            token = _take_page(response, ids, limit)
            if token is None:
                return ids

    if page_size is None:
        return Variant(
            "gen20",
            "(2b) generated client as it comes",
            "20 (default)",
            read,
            api.get_httpx_client().close,
            informational=True,
        )
    return Variant(
        "gen", "(2) generated client", str(page_size), read, api.get_httpx_client().close
    )


def generated_async(transport: httpx.MockTransport) -> Variant:
    """(2a) ``get_credit_history.asyncio_detailed``: the reference for the facade's AsyncClient."""
    runner = asyncio.Runner()
    api = AuthenticatedClient(
        base_url=BASE_URL, token=DEFAULT_TOKEN, httpx_args={"transport": transport}
    )

    async def collect(limit: int) -> list[int]:
        ids: list[int] = []
        token: str | None = None
        while True:
            response = await get_credit_history.asyncio_detailed(
                client=api, page_size=MAX_PAGE, starting_token=token
            )
            token = _take_page(response, ids, limit)
            if token is None:
                return ids

    def read(limit: int) -> list[int]:
        return runner.run(collect(limit))

    def close() -> None:
        runner.run(api.get_async_httpx_client().aclose())
        runner.close()

    return Variant("gen_async", "(2a) generated client, async", str(MAX_PAGE), read, close)


def facade_sync(transport: httpx.MockTransport) -> Variant:
    """(3) ``youcam_units.Client.history()``, pacing off."""
    http = httpx.Client(transport=transport)
    client = Client(DEFAULT_TOKEN, base_url=BASE_URL, http_client=http, rate_limit=None)

    def read(limit: int) -> list[int]:
        return [entry.id for entry in client.history(max_items=limit)]

    def close() -> None:
        client.close()
        http.close()

    return Variant("sync", "(3) facade Client", "30 (default)", read, close)


def facade_async(transport: httpx.MockTransport) -> Variant:
    """(4) ``youcam_units.AsyncClient.history()``, pacing off, on one event loop."""
    runner = asyncio.Runner()
    http = httpx.AsyncClient(transport=transport)
    client = AsyncClient(DEFAULT_TOKEN, base_url=BASE_URL, http_client=http, rate_limit=None)

    async def collect(limit: int) -> list[int]:
        return [entry.id async for entry in client.history(max_items=limit)]

    def read(limit: int) -> list[int]:
        return runner.run(collect(limit))

    def close() -> None:
        runner.run(client.aclose())
        runner.run(http.aclose())
        runner.close()

    return Variant("async", "(4) facade AsyncClient", "30 (default)", read, close)
