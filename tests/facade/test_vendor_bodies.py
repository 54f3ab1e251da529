"""Bodies the vendor's own contract allows (it requires no field) read as codegen/README.md says.

Each of these was a ResponseValidationError (or a whole listing lost) before the spec and the
readers stopped requiring what the vendor does not.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import stamina
import youcam_units as yu
from facade_support import BIG, entry
from youcam_units._unit_system import FeatureCostPage, parse_exact

if TYPE_CHECKING:
    from collections.abc import Callable

BASE_URL = "http://127.0.0.1"
BALANCE = "/s2s/v1.0/client/credit"
HISTORY = "/s2s/v1.0/client/credit/history"
COSTS = "/s2s/v2.0/credit/feature-cost"


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("YOUCAM_ACCESS_TOKEN", "YOUCAM_API_KEY", "YOUCAM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with stamina.set_testing(True, attempts=1):
        yield


def _client(bodies: dict[str, object]) -> yu.Client:
    """A client whose every request to a path gets that path's body under HTTP 200."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps(bodies[request.url.path]).encode())

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return yu.Client(
        access_token="t",  # noqa: S106 - a fake
        api_key="k",
        base_url=BASE_URL,
        http_client=http,
        rate_limit=None,
    )


def test_a_sku_without_run_task_url_no_longer_fails_the_listing() -> None:
    """A SKU lacking run_task_url, proc_unit or description reads, its fields None."""
    skus = [
        {"description": "AI Photo Enhance", "amount": 1, "unit": "result_image", "proc_unit": 1},
        {"amount": 2, "unit": "second", "run_task_url": "https://x/task"},
        {"description": "only a description"},
    ]
    with _client({COSTS: {"status": 200, "result": {"skus": skus}}}) as client:
        found = list(client.feature_costs())
    assert [cost.run_task_url for cost in found] == [None, "https://x/task", None]
    assert (found[1].description, found[1].proc_unit) == (None, None)
    assert found[2] == yu.FeatureCost("only a description", None, None, None, None)
    assert [cost.to_dict() for cost in found] == skus


def test_a_bucket_without_id_or_type_is_read() -> None:
    """Bucket id and type absent: None; the amount and the total are what a balance is for."""
    body = {"status": 200, "results": [{"amount_dec": 2.5}, {"id": 7, "amount": 3}]}
    with _client({BALANCE: body}) as client:
        balance = client.balance()
    bare, known = balance.buckets
    assert (bare.id, bare.type, bare.amount) == (None, None, Decimal("2.5"))
    assert known.id == 7
    assert known.type is None
    assert balance.total == Decimal("5.5")
    assert balance.by_expiry == (known, bare)  # id-less sorts after, never a TypeError


@pytest.mark.parametrize("path", [BALANCE, HISTORY, COSTS])
def test_a_body_without_status_is_read(path: str) -> None:
    """A `status` is optional on every operation: the HTTP 200 is what counts."""
    bodies: dict[str, object] = {
        BALANCE: {"results": [{"id": 1, "type": "ApiSubsToken", "amount": 4}]},
        HISTORY: {"result": {"next_token": None, "history": [entry(0)]}},
        COSTS: {"result": {"next_token": None, "skus": [{"description": "d", "amount": 1}]}},
    }
    with _client(bodies) as client:
        if path == BALANCE:
            assert client.balance().total == Decimal(4)
        elif path == HISTORY:
            assert [e.id for e in client.history_page().entries] == [BIG]
        else:
            assert [c.description for c in client.feature_costs()] == ["d"]


@pytest.mark.parametrize("path", [BALANCE, HISTORY, COSTS])
@pytest.mark.parametrize("body", [{"status": 200}, {}])
def test_a_200_with_no_payload_at_all_is_refused(path: str, body: dict[str, Any]) -> None:
    """Neither result nor results: nothing to read, so not an empty page or a zero balance."""
    bodies: dict[str, object] = dict.fromkeys((BALANCE, HISTORY, COSTS), body)
    reads: dict[str, Callable[[yu.Client], object]] = {
        BALANCE: lambda client: client.balance(),
        HISTORY: lambda client: client.history_page(),
        COSTS: lambda client: list(client.feature_costs()),
    }
    with _client(bodies) as client, pytest.raises(yu.ResponseValidationError) as caught:
        reads[path](client)
    assert "nothing to read" in str(caught.value)


def test_a_null_payload_is_nothing_to_read_too() -> None:
    """A `result` or `results` sent as null: refused by the readers as absent ones are."""
    for read, key in ((yu.Page.from_dict, "result"), (FeatureCostPage.from_dict, "result")):
        with pytest.raises(ValueError, match="nothing to read"):
            read({"status": 200, key: None})
    with pytest.raises(ValueError, match="nothing to read"):
        yu.Balance.from_dict({"results": None})


def test_a_result_without_its_list_is_an_empty_page() -> None:
    """result.history / result.skus absent: an empty page, its next_token still read."""
    page = yu.Page.from_dict({"result": {}})
    assert (page.entries, page.next_token) == ((), None)
    assert yu.Page.from_dict({"result": {"next_token": "n"}}).next_token == "n"  # noqa: S105 - a page token
    assert FeatureCostPage.from_dict({"result": {}}) == FeatureCostPage((), None)
    with _client({HISTORY: {"status": 200, "result": {}}}) as client:
        assert list(client.history()) == []


@pytest.mark.parametrize("missing", ["id", "timestamp"])
def test_an_entry_without_id_or_timestamp_refuses_the_page_naming_it(missing: str) -> None:
    """The ledger keys by id and orders by time: such an entry cannot be stored exactly once."""
    raw = {k: v for k, v in entry(1).items() if k != missing}
    body = {"status": 200, "result": {"history": [entry(0), raw]}}
    with _client({HISTORY: body}) as client, pytest.raises(yu.ResponseValidationError) as caught:
        client.history_page()
    assert f"has no '{missing}'" in str(caught.value)


def test_an_entry_without_action_reads_as_the_empty_action() -> None:
    """An absent `action` is "", an action this version does not know; to_dict() keeps it absent."""
    raw = {k: v for k, v in entry(0).items() if k != "action"}
    with _client({HISTORY: {"result": {"history": [raw]}}}) as client:
        (got,) = client.history_page().entries
    assert got.action == ""
    assert got.amount == Decimal(-1)
    assert got.to_dict() == raw
    assert "action" not in got.to_dict()


def test_buckets_and_skus_keep_every_field_as_sent_in_order() -> None:
    """A field the vendor adds survives to_dict(), in the order sent, as history entries do."""
    bucket_text = (
        '{"later": {"a": [1, 2.5]}, "id": 7, "type": "ApiPaygToken", "amount": 10,'
        ' "amount_dec": 10.04, "expiry": null, "note": "x"}'
    )
    balance = yu.Balance.from_json('{"status": 200, "results": [' + bucket_text + "]}")
    (bucket,) = balance.buckets
    sent = parse_exact(bucket_text)
    as_sent = bucket.to_dict()
    assert list(as_sent) == ["later", "id", "type", "amount", "amount_dec", "expiry", "note"]
    assert as_sent["later"] == {"a": [1, Decimal("2.5")]}
    assert as_sent == sent
    as_sent["later"]["a"].append(3)
    assert bucket.to_dict()["later"] == {"a": [1, Decimal("2.5")]}  # a copy each time
    sku_text = '{"unit": "second", "amount": 0.35, "tier": "pro", "description": "Video"}'
    cost = yu.FeatureCost.from_dict(parse_exact(sku_text))
    assert list(cost.to_dict()) == ["unit", "amount", "tier", "description"]
    assert cost.to_dict()["tier"] == "pro"
    assert cost.amount == Decimal("0.35")
