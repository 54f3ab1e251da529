"""Helpers for the mock's tests: a settable clock and an in-process client for a service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

import httpx
from youcam_units.mock import DEFAULT_TOKEN, HISTORY_PATH, MockService

#: ``response.json(**EXACT)``: fractions as exact Decimals, as the service means them.
EXACT: Final = {"parse_float": Decimal}


class FakeClock:
    """A monotonic clock the test moves by hand, so windows and expiry need no sleeping."""

    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        """The current fake time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


def client_for(service: MockService, token: str | None = DEFAULT_TOKEN) -> httpx.Client:
    """An httpx client talking to ``service`` in-process, authenticated with ``token``."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return httpx.Client(transport=service.transport(), base_url="https://mock", headers=headers)


def get_page(client: httpx.Client, **params: Any) -> httpx.Response:
    """GET one page of the history with the given query parameters."""
    return client.get(HISTORY_PATH, params=params)


def read_all(client: httpx.Client, page_size: int = 30) -> list[dict[str, Any]]:
    """Follow next_token from the first page to the last; every entry, in order."""
    entries: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {"page_size": page_size}
        if token:
            params["starting_token"] = token
        response = get_page(client, **params)
        assert response.status_code == 200, response.text
        result = response.json(**EXACT)["result"]
        entries.extend(result["history"])
        token = result.get("next_token")
        if not token:
            return entries
