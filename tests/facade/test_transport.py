"""The httpx client under the generated one: each concurrent attempt sends its own credential."""

from __future__ import annotations

import asyncio

import httpx
import youcam_units as yu

BASE = "https://api.test"
EMPTY_HISTORY = {"status": 200, "result": {"history": [], "next_token": None}}
EMPTY_COSTS = {"status": 200, "result": {"skus": [], "next_token": None}}


def test_concurrent_async_requests_never_mix_their_credentials() -> None:
    """History (access token) and feature costs (API key) at once: each with its own bearer."""
    seen: list[tuple[str, str]] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.01)  # both requests are in flight together
        seen.append((request.url.path, request.headers["authorization"]))
        costs = "feature-cost" in request.url.path
        return httpx.Response(200, json=EMPTY_COSTS if costs else EMPTY_HISTORY)

    async def go() -> None:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
            yu.AsyncClient(
                "the-token", api_key="the-key", base_url=BASE, http_client=http, rate_limit=None
            ) as client,
        ):

            async def costs() -> list[yu.FeatureCost]:
                return [cost async for cost in client.feature_costs()]

            await asyncio.gather(*(client.history_page() for _ in range(3)), costs(), costs())

    asyncio.run(go())
    assert len(seen) == 5
    for path, bearer in seen:
        expected = "Bearer the-key" if "feature-cost" in path else "Bearer the-token"
        assert bearer == expected, path


def test_closing_the_client_leaves_the_callers_http_client_open() -> None:
    """The httpx client of ours is closed with the client; the caller's is not."""
    http = httpx.Client(
        transport=httpx.MockTransport(lambda _: httpx.Response(200, json=EMPTY_HISTORY))
    )
    with yu.Client("tok", base_url=BASE, http_client=http, rate_limit=None) as client:
        client.history_page()
    assert not http.is_closed
    assert http.get(BASE + "/anything").status_code == 200
    http.close()
