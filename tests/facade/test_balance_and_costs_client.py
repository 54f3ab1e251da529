"""balance() and feature_costs() on both clients, against the mock: credentials, paging, errors."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import stamina
import youcam_units as yu
from facade_support import MODES, Mode
from youcam_units._pagination import NO_PROGRESS_PAGES, NewItems
from youcam_units.mock import (
    DEFAULT_API_KEY,
    DEFAULT_TOKEN,
    SKUS,
    FaultKind,
    FaultPlan,
    MockService,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

modes = pytest.mark.parametrize("mode", MODES)
BASE_URL = "http://127.0.0.1"
API_KEY = "sk-Api-Key-0123456789abcdef"


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("YOUCAM_ACCESS_TOKEN", "YOUCAM_API_KEY", "YOUCAM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


class Recorder:
    """The mock behind a transport that also keeps each request's Authorization header."""

    def __init__(self, service: MockService) -> None:
        self.service = service
        self.sent: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Record, then answer as the mock does."""
        self.sent.append((request.url.path, request.headers.get("authorization", "")))
        return self.service.handle_httpx(request)


def _options(recorder: Recorder | httpx.MockTransport, mode: Mode) -> dict[str, Any]:
    transport = (
        recorder if isinstance(recorder, httpx.MockTransport) else httpx.MockTransport(recorder)
    )
    http: httpx.Client | httpx.AsyncClient = (
        httpx.Client(transport=transport)
        if mode == "sync"
        else httpx.AsyncClient(transport=transport)
    )
    return {"base_url": BASE_URL, "http_client": http, "rate_limit": None}


def _run(
    mode: Mode, recorder: Recorder | httpx.MockTransport, work: str, *args: Any, **kwargs: Any
) -> Any:
    """Construct the client of ``mode`` with ``kwargs`` and run ``work`` on it."""
    options = {**_options(recorder, mode), **kwargs}
    if mode == "sync":
        with yu.Client(*args, **options) as client:
            return _sync_work(client, work)

    async def go() -> Any:
        async with yu.AsyncClient(*args, **options) as client:
            return await _async_work(client, work)

    return asyncio.run(go())


def _sync_work(client: yu.Client, work: str) -> Any:
    if work == "balance":
        return client.balance()
    if work == "costs":
        return list(client.feature_costs())
    if work == "pages7":
        return list(client.feature_costs(page_size=7).pages())
    if work == "first25":
        return list(client.feature_costs(max_items=25))
    if work == "history":
        return client.history_page(page_size=1)
    if work == "repr":
        return repr(client)
    raise AssertionError(work)


async def _async_work(client: yu.AsyncClient, work: str) -> Any:
    if work == "balance":
        return await client.balance()
    if work == "costs":
        return [cost async for cost in client.feature_costs()]
    if work == "pages7":
        return [page async for page in client.feature_costs(page_size=7).pages()]
    if work == "first25":
        return [cost async for cost in client.feature_costs(max_items=25)]
    if work == "history":
        return await client.history_page(page_size=1)
    if work == "repr":
        return repr(client)
    raise AssertionError(work)


def _net_per_bucket(service: MockService) -> dict[int, Decimal]:
    net: dict[int, Decimal] = defaultdict(Decimal)
    for entry in service.iter_entries():
        for change in entry["info"]["credits"]:
            net[change["id"]] += Decimal(str(change.get("amount_dec", change["amount"])))
    return dict(net)


# -- balance ------------------------------------------------------------------------------


@modes
def test_balance_is_the_mock_history_net_exactly(mode: Mode) -> None:
    """One request; every bucket's amount is the history's net for it, as a Decimal."""
    service = MockService(seed=0, entries=1_000)
    recorder = Recorder(service)
    balance = _run(mode, recorder, "balance", DEFAULT_TOKEN)
    assert isinstance(balance, yu.Balance)
    assert len(recorder.sent) == 1
    net = _net_per_bucket(service)
    amounts = {bucket.id: bucket.amount for bucket in balance.buckets}
    assert {bucket_id: amounts[bucket_id] for bucket_id in net} == net
    assert all(type(bucket.amount) is Decimal for bucket in balance.buckets)
    assert balance.total == sum(amounts.values(), Decimal(0))
    assert balance.total == Decimal("16115.10")  # the demo data set's figure, worked in 13a
    assert {bucket.type for bucket in balance.buckets} <= {*yu.UnitType, "ApiSubsToken"}
    assert any(bucket.expires_at is None for bucket in balance.buckets)


@modes
def test_balance_amount_dec_wins_and_stays_exact(mode: Mode) -> None:
    """amount_dec 10.04 is Decimal('10.04'), not the float nearest it; an unknown type stays."""
    body = (
        b'{"status": 200, "results": ['
        b'{"id": 13045969587275114, "type": "ApiPaygToken", "amount": 10, "amount_dec": 10.04,'
        b' "expiry": 1798761600000},'
        b'{"id": 13045969587275115, "type": "ApiNewToken", "amount": 3}]}'
    )

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    balance = _run(mode, httpx.MockTransport(handler), "balance", api_key=API_KEY)
    first, second = balance.buckets
    assert first.id == 13045969587275114
    assert str(first.amount) == "10.04"
    assert first.type is yu.UnitType.PAY_AS_YOU_GO
    assert first.expiry_ms == 1798761600000
    assert second.type == "ApiNewToken"
    assert second.expires_at is None
    assert balance.total == Decimal("13.04")


# -- credentials ----------------------------------------------------------------------------


@modes
def test_api_key_alone_is_sent_for_every_operation(mode: Mode) -> None:
    """With only an API key, history, balance and feature cost all carry it."""
    service = MockService(seed=1, entries=30, api_keys=(API_KEY,))
    recorder = Recorder(service)
    _run(mode, recorder, "balance", api_key=API_KEY)
    _run(mode, recorder, "history", api_key=API_KEY)
    _run(mode, recorder, "costs", api_key=API_KEY)
    assert {auth for _, auth in recorder.sent} == {f"Bearer {API_KEY}"}
    assert len(recorder.sent) == 5  # balance, history, three pages of costs


@modes
def test_access_token_goes_to_v1_and_api_key_to_feature_cost(mode: Mode) -> None:
    """Both given: history and balance send the access token, feature cost the API key."""
    service = MockService(seed=1, entries=30, api_keys=(API_KEY,))
    recorder = Recorder(service)
    _run(mode, recorder, "balance", DEFAULT_TOKEN, api_key=API_KEY)
    _run(mode, recorder, "costs", DEFAULT_TOKEN, api_key=API_KEY)
    by_path = dict(recorder.sent)
    assert by_path["/s2s/v1.0/client/credit"] == f"Bearer {DEFAULT_TOKEN}"
    assert by_path["/s2s/v2.0/credit/feature-cost"] == f"Bearer {API_KEY}"


@modes
def test_credentials_from_the_environment(mode: Mode, monkeypatch: pytest.MonkeyPatch) -> None:
    """YOUCAM_API_KEY and YOUCAM_ACCESS_TOKEN play the arguments' parts."""
    monkeypatch.setenv("YOUCAM_API_KEY", DEFAULT_API_KEY)
    service = MockService(seed=1, entries=5)
    recorder = Recorder(service)
    assert len(_run(mode, recorder, "costs")) == len(SKUS)
    monkeypatch.setenv("YOUCAM_ACCESS_TOKEN", DEFAULT_TOKEN)
    _run(mode, recorder, "balance")
    assert recorder.sent[0][1] == f"Bearer {DEFAULT_API_KEY}"
    assert recorder.sent[-1] == ("/s2s/v1.0/client/credit", f"Bearer {DEFAULT_TOKEN}")


@modes
def test_feature_cost_without_api_key_fails_before_any_request(mode: Mode) -> None:
    """An access token alone cannot read feature costs: the error says so, nothing is sent."""
    service = MockService(seed=1, entries=5)
    recorder = Recorder(service)
    with pytest.raises(yu.YouCamError, match=r"feature cost needs the API key.*YOUCAM_API_KEY"):
        _run(mode, recorder, "costs", DEFAULT_TOKEN)
    assert recorder.sent == []
    assert service.log.count == 0


@modes
def test_neither_credential_is_refused_at_construction(mode: Mode) -> None:
    """No argument, no variable: a ValueError naming both ways to give one."""
    cls = yu.Client if mode == "sync" else yu.AsyncClient
    with pytest.raises(ValueError, match=r"no credential.*api_key.*YOUCAM_API_KEY"):
        cls(rate_limit=None)


@pytest.mark.parametrize("bad", ["", "  ", "Bearer ", "k\u2013ey-123"])
def test_a_bad_api_key_is_refused_without_echoing_it(bad: str) -> None:
    """A pasted-wrong key gets the access token's checks, in the API key's words."""
    with pytest.raises(ValueError, match="API key from the api_key argument") as caught:
        yu.Client("tok", api_key=bad)
    assert "k\u2013ey" not in str(caught.value)


def test_api_key_of_the_wrong_type_is_refused() -> None:
    """api_key is a str: a callable is refused with a TypeError saying so."""
    with pytest.raises(TypeError, match="api_key must be a str"):
        yu.Client("tok", api_key=lambda: "key")  # type: ignore[arg-type] # the point of the test


@modes
def test_api_key_is_redacted_from_errors_logs_and_reprs(
    mode: Mode, caplog: pytest.LogCaptureFixture
) -> None:
    """A 401 echoing the key: neither the error, its body, the log nor any repr holds it."""

    def handler(request: httpx.Request) -> httpx.Response:
        sent = request.headers["authorization"].removeprefix("Bearer ")
        return httpx.Response(
            401,
            json={"status": 401, "error": f"key {sent} is invalid", "error_code": "InvalidApiKey"},
        )

    transport = httpx.MockTransport(handler)
    caplog.set_level(logging.DEBUG, logger="youcam_units")
    assert API_KEY not in _run(mode, transport, "repr", "tok-1234567890", api_key=API_KEY)
    with pytest.raises(yu.AuthenticationError) as caught:
        _run(mode, transport, "costs", api_key=API_KEY)
    error = caught.value
    assert error.error_code == "InvalidApiKey"
    assert "[redacted]" in str(error.body)
    for text in (str(error), repr(error), str(error.body), caplog.text):
        assert API_KEY not in text


# -- feature costs --------------------------------------------------------------------------


@modes
def test_feature_costs_reads_every_sku_exactly_in_three_requests(mode: Mode) -> None:
    """50 SKUs, pages of 20: 3 requests; each SKU as the mock has it, amounts Decimal."""
    service = MockService(seed=1, entries=5)
    recorder = Recorder(service)
    costs = _run(mode, recorder, "costs", api_key=DEFAULT_API_KEY)
    assert len(recorder.sent) == 3
    assert [cost.to_dict() for cost in costs] == [
        {**sku, "amount": Decimal(str(sku["amount"]))} for sku in SKUS
    ]
    assert all(type(cost.amount) is Decimal for cost in costs)


@modes
def test_feature_cost_pages_carry_tokens_and_request_ids(mode: Mode) -> None:
    """page_size=7: ceil(50/7) = 8 pages, each starting where the previous one pointed."""
    service = MockService(seed=1, entries=5)
    recorder = Recorder(service)
    pages = _run(mode, recorder, "pages7", api_key=DEFAULT_API_KEY)
    assert [len(page.costs) for page in pages] == [7] * 7 + [1]
    assert pages[0].starting_token is None
    for before, after in itertools.pairwise(pages):
        assert after.starting_token == before.next_token is not None
    assert pages[-1].next_token is None
    assert all(page.request_id for page in pages)
    assert len(recorder.sent) == 8


@modes
def test_max_items_shrinks_the_last_request(mode: Mode) -> None:
    """max_items=25: a page of 20, then one of 5; no third request."""
    service = MockService(seed=1, entries=5)
    recorder = Recorder(service)
    costs = _run(mode, recorder, "first25", api_key=DEFAULT_API_KEY)
    assert len(costs) == 25
    assert [record.params.get("page_size") for record in service.log.records] == [["20"], ["5"]]


@pytest.mark.parametrize("size", [0, 21, 30])
def test_feature_cost_page_size_outside_1_to_20_is_refused_before_any_request(size: int) -> None:
    """The operation takes 1..20: 21 is refused here, not by the service."""
    service = MockService(seed=1, entries=5)
    recorder = Recorder(service)
    with (
        yu.Client(api_key=DEFAULT_API_KEY, **_options(recorder, "sync")) as client,
        pytest.raises(ValueError, match="page_size must be from 1 to 20"),
    ):
        client.feature_costs(page_size=size)
    assert service.log.count == 0


@modes
def test_feature_costs_retry_like_every_operation(mode: Mode) -> None:
    """A 500 and a 429 on the way are retried; the listing comes out whole."""
    service = MockService(
        seed=1, entries=5, faults=FaultPlan.script([FaultKind.SERVER_ERROR, None, "429"])
    )
    recorder = Recorder(service)
    costs = _run(mode, recorder, "costs", api_key=DEFAULT_API_KEY)
    assert len(costs) == len(SKUS)
    assert service.log.count == 5


@modes
def test_balance_retries_a_dropped_connection(mode: Mode) -> None:
    """A disconnect, then the answer."""
    service = MockService(seed=1, entries=5, faults=FaultPlan.script(["disconnect"]))
    recorder = Recorder(service)
    balance = _run(mode, recorder, "balance", DEFAULT_TOKEN)
    assert balance.buckets
    assert service.log.count == 2


def test_a_failed_feature_cost_page_names_its_token_and_resumes_from_it() -> None:
    """Page 2 fails for good: the error's continuation_token resumes from page 2, nothing lost."""
    service = MockService(seed=1, entries=5, faults=FaultPlan.script([None, "500"]))
    recorder = Recorder(service)
    seen: list[yu.FeatureCost] = []
    with yu.Client(api_key=DEFAULT_API_KEY, max_retries=0, **_options(recorder, "sync")) as client:
        pager = client.feature_costs()
        with pytest.raises(yu.ServerError) as caught:
            seen.extend(pager)
        token = caught.value.continuation_token
        assert token is not None
        assert token == pager.next_token
        seen.extend(client.feature_costs(starting_token=token))
    assert [cost.description for cost in seen] == [sku["description"] for sku in SKUS]


@modes
def test_a_repeated_next_token_stops_the_listing(mode: Mode) -> None:
    """A server handing out the same next_token forever is stopped, in constant memory."""
    sku = {
        "description": "Enhance",
        "amount": 1.5,
        "unit": "result_image",
        "proc_unit": 1,
        "run_task_url": "https://example.invalid/task",
    }
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        calls.append(1)
        body = {"status": 200, "result": {"skus": [sku], "next_token": "MjA"}}
        return httpx.Response(200, json=body)

    transport = httpx.MockTransport(handler)
    with pytest.raises(yu.PaginationError, match="a second time") as caught:
        _run(mode, transport, "costs", api_key=API_KEY)
    assert caught.value.continuation_token == "MjA"  # noqa: S105 - a page token
    assert len(calls) == 2


@modes
@pytest.mark.parametrize("skus", ["none", "the same", "the same two in turn"])
def test_feature_cost_pages_bringing_nothing_new_stop_the_listing(mode: Mode, skus: str) -> None:
    """Ever-new next_tokens over no SKUs, or SKUs already read, end in a few pages, resumable."""
    counter = itertools.count(1)
    calls: list[str | None] = []

    def sku(n: int) -> dict[str, Any]:
        return {
            "description": f"Feature {n}",
            "amount": 2,
            "unit": "second",
            "proc_unit": 1,
            "run_task_url": "https://example.invalid/task",
        }

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.params.get("starting_token"))
        n = next(counter)
        page = {"none": [], "the same": [sku(0)], "the same two in turn": [sku(n % 2)]}[skus]
        body = {"status": 200, "result": {"skus": page, "next_token": str(10**16 + n)}}
        return httpx.Response(200, json=body)

    with pytest.raises(yu.PaginationError, match="no item that was not already read") as caught:
        _run(mode, httpx.MockTransport(handler), "costs", api_key=API_KEY)
    new_pages = {"none": 0, "the same": 1, "the same two in turn": 2}[skus]
    assert len(calls) == NO_PROGRESS_PAGES + new_pages
    assert caught.value.repeated_token is None
    assert caught.value.continuation_token == calls[-1]


def test_new_items_progress_remembers_a_bounded_number_of_fingerprints() -> None:
    """A long read of distinct SKUs keeps at most SEEN_ITEMS fingerprints, never the SKUs."""
    progress = NewItems(capacity=100)
    assert all(progress.advanced([("sku", n)]) for n in range(10_000))
    assert len(progress._seen) == 100
    assert all(type(key) is int for key in progress._seen)
    assert not progress.advanced([("sku", 9_999)])
    assert progress.advanced([("sku", 0)])  # long forgotten: new again


def test_feature_costs_is_lazy() -> None:
    """No request until iterated."""
    service = MockService(seed=1, entries=5)
    recorder = Recorder(service)
    with yu.Client(api_key=DEFAULT_API_KEY, **_options(recorder, "sync")) as client:
        pager = client.feature_costs()
        assert service.log.count == 0
        assert next(iter(pager)).description == SKUS[0]["description"]
    assert service.log.count == 1
