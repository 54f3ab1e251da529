"""The mock's balance and feature costs: consistent with its history, paged, authenticated."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import pytest
from mock_support import FakeClock, client_for, read_all
from youcam_units.mock import (
    BALANCE_PATH,
    DEFAULT_API_KEY,
    DEFAULT_TOKEN,
    FEATURE_COST_PATH,
    MOCK_NOW_MS,
    SKUS,
    FaultKind,
    FaultPlan,
    MockService,
    RateLimit,
)
from youcam_units.mock._history import HISTORY_PATH
from youcam_units.mock._unit_system import make_token, read_token
from youcam_units.mock._wire import dumps

if TYPE_CHECKING:
    import httpx


def _exact(response: httpx.Response) -> Any:
    """The body with non-integer numbers as Decimals (what the facade does)."""
    return json.loads(response.content, parse_float=Decimal)


def _history_net(entries: list[dict[str, Any]]) -> dict[int, Decimal]:
    """Per bucket, the sum of every change the history names (amount_dec when sent)."""
    net: dict[int, Decimal] = defaultdict(Decimal)
    for entry in entries:
        for change in entry.get("info", {}).get("credits", []):
            net[change["id"]] += Decimal(change.get("amount_dec", change["amount"]))
    return dict(net)


def _balance(client: httpx.Client) -> dict[int, dict[str, Any]]:
    response = client.get(BALANCE_PATH)
    assert response.status_code == 200, response.text
    body = _exact(response)
    assert body["status"] == 200
    return {item["id"]: item for item in body["results"]}


@pytest.mark.parametrize(("seed", "entries"), [(0, 1_000), (3, 250), (7, 1), (11, 0)])
def test_balance_is_the_net_of_the_whole_history_bucket_by_bucket(seed: int, entries: int) -> None:
    """Each bucket's amount_dec is the sum of the changes the history names for it."""
    service = MockService(seed=seed, entries=entries)
    client = client_for(service)
    net = _history_net(read_all(client))
    balance = _balance(client)
    assert set(net) <= set(balance)
    for bucket_id, item in balance.items():
        assert item["amount_dec"] == net.get(bucket_id, Decimal(0)), bucket_id
        # The deprecated integer: amount_dec rounded half up, as the history's integer amount.
        assert item["amount"] == int(
            Decimal(item["amount_dec"]).quantize(Decimal(1), ROUND_HALF_UP)
        )
    total = sum((item["amount_dec"] for item in balance.values()), Decimal(0))
    assert total == sum(net.values(), Decimal(0))


def test_balance_follows_entries_as_they_arrive() -> None:
    """New entries (added or arriving with the clock) change the balance by their net."""
    clock = FakeClock()
    service = MockService(seed=5, entries=300, clock=clock, arrival_interval=10.0)
    client = client_for(service)
    before = _balance(client)
    service.add_entries(40)
    clock.advance(100.0)  # ten more arrive
    after = _balance(client)
    entries = read_all(client)
    assert len(entries) == 350
    net = _history_net(entries)
    assert {k: v["amount_dec"] for k, v in after.items()} == {
        k: net.get(k, Decimal(0)) for k in after
    }
    assert after != before


def test_buckets_expire_in_the_future_with_documented_types() -> None:
    """Every expiry lies after MOCK_NOW_MS (and after every entry); one bucket never expires."""
    service = MockService(seed=2, entries=500)
    client = client_for(service)
    newest = read_all(client)[0]["timestamp"]
    balance = _balance(client)
    expiries = [item["expiry"] for item in balance.values()]
    assert expiries.count(None) == 1
    assert all(e > MOCK_NOW_MS > newest for e in expiries if e is not None)
    assert any(e <= MOCK_NOW_MS + 30 * 86_400_000 for e in expiries if e is not None)
    assert {item["type"] for item in balance.values()} <= {"ApiSubsToken", "ApiPaygToken"}
    assert all(item["id"] > 2**53 for item in balance.values())


def test_buckets_is_what_a_balance_read_returns() -> None:
    """MockService.buckets() gives tests the expected answer without a request."""
    service = MockService(seed=6, entries=120)
    response = client_for(service).get(BALANCE_PATH)
    assert _exact(response)["results"] == service.buckets()
    assert len(service.log.records) == 1  # buckets() is not a request


def test_balance_is_the_same_for_the_same_seed() -> None:
    """Pure in the seed: two services, one answer."""
    first = client_for(MockService(seed=9, entries=200)).get(BALANCE_PATH).content
    second = client_for(MockService(seed=9, entries=200)).get(BALANCE_PATH).content
    assert first == second


def _read_costs(client: httpx.Client, page_size: int | None = None) -> list[httpx.Response]:
    pages: list[httpx.Response] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {} if page_size is None else {"page_size": page_size}
        if token is not None:
            params["starting_token"] = token
        response = client.get(FEATURE_COST_PATH, params=params)
        assert response.status_code == 200, response.text
        pages.append(response)
        token = response.json()["result"]["next_token"]
        if token is None:
            return pages


def test_feature_costs_page_by_twenty_and_end_with_a_null_token() -> None:
    """50 SKUs at the default 20 a page: 20, 20, 10, the last with next_token null."""
    client = client_for(MockService(), token=DEFAULT_API_KEY)
    pages = _read_costs(client)
    sizes = [len(page.json()["result"]["skus"]) for page in pages]
    assert sizes == [20, 20, 10]
    assert len(SKUS) == 50
    assert pages[0].json()["result"]["next_token"] == "MjA"  # noqa: S105 - base64 of 20, as the vendor's
    assert "next_token" in pages[-1].json()["result"]
    skus = [sku for page in pages for sku in _exact(page)["result"]["skus"]]
    assert skus == list(SKUS)


@pytest.mark.parametrize("page_size", [1, 7, 20])
def test_every_page_size_reads_the_same_skus(page_size: int) -> None:
    """Whatever the page size, following next_token reads every SKU once, in order."""
    client = client_for(MockService(), token=DEFAULT_API_KEY)
    pages = _read_costs(client, page_size)
    skus = [sku for page in pages for sku in _exact(page)["result"]["skus"]]
    assert skus == list(SKUS)
    assert len(pages) == -(-len(SKUS) // page_size)


def test_skus_look_like_the_vendors() -> None:
    """Units result_image or second, task endpoints on the API host, positive exact costs."""
    assert {sku["unit"] for sku in SKUS} == {"result_image", "second"}
    for sku in SKUS:
        assert sku["run_task_url"].startswith("https://yce-api-01.makeupar.com/s2s/v2.0/task/")
        assert isinstance(sku["amount"], Decimal)
        assert sku["amount"] > 0
        assert sku["proc_unit"] >= 1
        assert sku["description"].startswith("AI ")
    assert len({sku["description"] for sku in SKUS}) == len(SKUS)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "API key is not given"),
        ("demo-api-key", "API key is malformed: expected 'Bearer <api_key>'"),
        (f"Bearer {DEFAULT_TOKEN}", "API key is not valid"),  # an access token is not a key
        ("Bearer wrong-key", "API key is not valid"),
    ],
)
def test_feature_cost_needs_an_api_key(header: str | None, message: str) -> None:
    """Anything but an API key gets 401 InvalidApiKey, saying what was wrong."""
    client = client_for(MockService(), token=None)
    headers = {} if header is None else {"Authorization": header}
    response = client.get(FEATURE_COST_PATH, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"status": 401, "error": message, "error_code": "InvalidApiKey"}
    assert response.headers["x-request-id"].isdigit()


@pytest.mark.parametrize("path", [BALANCE_PATH, HISTORY_PATH])
def test_v1_operations_take_an_access_token_or_an_api_key(path: str) -> None:
    """The v1.0 operations accept both credentials; anything else is 401 InvalidAccessToken."""
    token, key, other = "tok", "key", "other"
    service = MockService(tokens=(token,), api_keys=(key,))
    assert client_for(service, token=token).get(path).status_code == 200
    assert client_for(service, token=key).get(path).status_code == 200
    response = client_for(service, token=other).get(path)
    assert response.status_code == 401
    assert response.json()["error_code"] == "InvalidAccessToken"


def test_auth_comes_before_the_rate_limit_and_the_rate_limit_before_parameters() -> None:
    """As for the history: 401 before 429 before 400; the limit is per credential."""
    clock = FakeClock()
    service = MockService(rate_limit=RateLimit(requests=2, window=10.0), clock=clock)
    client = client_for(service, token=DEFAULT_API_KEY)
    anonymous = client_for(service, token=None)
    assert anonymous.get(FEATURE_COST_PATH, params={"page_size": 0}).status_code == 401
    assert client.get(FEATURE_COST_PATH, params={"page_size": 0}).status_code == 400
    assert client.get(BALANCE_PATH).status_code == 200
    limited = client.get(FEATURE_COST_PATH, params={"page_size": 0})
    assert limited.status_code == 429
    assert limited.json()["error_code"] == "RateLimitExceeded"
    assert client_for(service).get(BALANCE_PATH).status_code == 200  # another credential
    clock.advance(10.0)
    assert client.get(FEATURE_COST_PATH).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "0"},
        {"page_size": "21"},
        {"page_size": "ten"},
        {"page_size": ["5", "6"]},
        {"starting_token": "garbage!"},
        {"starting_token": "MjA="},  # padded: not the form this service issues
        {"starting_token": "MA"},  # offset 0 is never issued
        {"starting_token": make_token(50)},  # past the end
        {"starting_token": ["MjA", "NDA"]},
        {"starting_token": "13045969587275114"},  # a history-shaped token
    ],
)
def test_feature_cost_rejects_bad_parameters(params: dict[str, Any]) -> None:
    """400 InvalidParameters for a page size out of 1..20 or a token it did not issue."""
    response = client_for(MockService(), token=DEFAULT_API_KEY).get(
        FEATURE_COST_PATH, params=params
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "InvalidParameters"


def test_an_empty_starting_token_is_the_first_page() -> None:
    """How a form encodes null: the first page, as for the history."""
    client = client_for(MockService(), token=DEFAULT_API_KEY)
    response = client.get(FEATURE_COST_PATH, params={"starting_token": ""})
    assert response.json()["result"]["skus"][0] == json.loads(dumps(SKUS[0]))


def test_tokens_round_trip() -> None:
    """Every offset inside the list reads back; nothing else does."""
    assert [read_token(make_token(n)) for n in range(1, len(SKUS))] == list(range(1, len(SKUS)))
    assert make_token(20) == "MjA"
    assert read_token("") is None


def test_the_log_counts_items_and_followed_tokens() -> None:
    """Balance and cost 200s count their items; following next_token is recorded."""
    service = MockService(entries=10)
    client_for(service).get(BALANCE_PATH)
    _read_costs(client_for(service, token=DEFAULT_API_KEY))
    balance, first, second, third = service.log.records
    assert (balance.path, balance.items, balance.entries) == (BALANCE_PATH, 6, 0)
    assert [r.items for r in (first, second, third)] == [20, 20, 10]
    assert [r.followed_token for r in (first, second, third)] == [False, True, True]
    assert service.log.entries_served == 0  # history entries only


def test_faults_and_methods_apply_to_the_new_operations() -> None:
    """A scripted 500 hits a balance request; other methods get 405; unknown paths 404."""
    service = MockService(faults=FaultPlan.script([FaultKind.SERVER_ERROR]))
    client = client_for(service)
    assert client.get(BALANCE_PATH).status_code == 500
    assert client.post(BALANCE_PATH).status_code == 405
    assert client.get("/s2s/v1.0/client/credits").status_code == 404


def test_decimal_amounts_are_written_exactly() -> None:
    """Two-decimal amounts and their sums come out as the same numbers, never as float noise."""
    assert dumps({"a": Decimal("10.04"), "b": Decimal("0.1") + Decimal("0.2")}) == (
        b'{"a":10.04,"b":0.3}'
    )
    assert dumps([Decimal("12.00"), Decimal(-3)]) == b"[12.00,-3]"
    assert dumps(Decimal("0.12345678901234567890")) == b"0.12345678901234567890"


def test_the_demo_data_set_holds_units_in_every_bucket() -> None:
    """The CLI's demo (seed 0, 1,000 entries) shows a realistic balance: no bucket below zero.

    The history generator draws spending without regard to what a bucket holds, so small data
    sets can net a bucket below zero; the balance reports the net as it is, and this pins that the
    data set users see first is not one of those.
    """
    balance = _balance(client_for(MockService(seed=0, entries=1_000)))
    assert all(item["amount_dec"] > 0 for item in balance.values())
