"""The request URL: its query is written into the URL once, exactly as httpx would add it."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import youcam_units as yu
from facade_support import MODES, TOKEN, Mode, run_page

BASE = "https://api.example.test"
PATH = "/s2s/v1.0/client/credit/history"
TOKENS = ["13045969587275114", "a+b/c=d", "sp ace", "%20x", "&page_size=1", "#x", "?", "~!*()"]


def _empty_page(seen: list[httpx.Request]) -> object:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": 200, "result": {"history": []}})

    return handler


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("token", TOKENS)
def test_the_query_is_what_httpx_builds_from_the_params(mode: Mode, token: str) -> None:
    """Whatever the page token holds, the URL sent is httpx's own for these params."""
    seen: list[httpx.Request] = []
    page = run_page(
        mode, _empty_page(seen), client={"base_url": BASE}, page_size=7, starting_token=token
    )
    assert isinstance(page, yu.Page)
    expected = httpx.Client().build_request(
        "GET", BASE + PATH, params={"page_size": 7, "starting_token": token}
    )
    (request,) = seen
    assert request.url == expected.url
    assert request.url.raw_path == expected.url.raw_path
    assert request.url.params["starting_token"] == token


@pytest.mark.parametrize("mode", MODES)
def test_a_clients_default_params_are_merged_as_httpx_merges_them(mode: Mode) -> None:
    """An httpx client with params of its own: httpx merges them, ours come after, as before."""
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(_empty_page(seen))  # type: ignore[arg-type]
    if mode == "sync":
        with (
            httpx.Client(transport=transport, params={"tenant": "t1"}) as http,
            yu.Client(TOKEN, base_url=BASE, http_client=http, rate_limit=None) as client,
        ):
            client.history_page(starting_token="42")  # noqa: S106 - a page token
    else:

        async def go() -> None:
            async with (
                httpx.AsyncClient(transport=transport, params={"tenant": "t1"}) as http,
                yu.AsyncClient(TOKEN, base_url=BASE, http_client=http, rate_limit=None) as client,
            ):
                await client.history_page(starting_token="42")  # noqa: S106 - a page token

        asyncio.run(go())
    (request,) = seen
    assert list(request.url.params.multi_items()) == [
        ("tenant", "t1"),
        ("page_size", "30"),
        ("starting_token", "42"),
    ]
