"""balance and costs show every field the service sent, and a field it did not send as blank."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx
import pytest
from click.testing import CliRunner
from youcam_units import _json as exact_json
from youcam_units._cli import cli
from youcam_units._cli._commands import Runtime
from youcam_units.mock import BALANCE_PATH, DEFAULT_API_KEY, FEATURE_COST_PATH, MockService

if TYPE_CHECKING:
    from click.testing import Result

BUCKET_EXTRA = {"region": "eu", "later": {"a": [1, 2]}}


def _hostile(request: httpx.Request, service: MockService) -> httpx.Response:
    """The mock's answer, with a field added to every bucket and SKU, and one SKU cut short."""
    response = service.handle_httpx(request)
    if request.url.path not in {BALANCE_PATH, FEATURE_COST_PATH}:
        return response
    body = exact_json.loads(response.content)
    if request.url.path == BALANCE_PATH:
        body["results"] = [{**bucket, **BUCKET_EXTRA} for bucket in body["results"]]
    else:
        skus = [{**sku, "tier": "pro"} for sku in body["result"]["skus"]]
        skus[0] = {"description": skus[0]["description"], "tier": "pro"}  # only a description
        body["result"]["skus"] = skus
    return httpx.Response(200, content=exact_json.dumps(body).encode())


def _run(*args: str) -> Result:
    service = MockService(seed=5, entries=60)
    transport = httpx.MockTransport(lambda request: _hostile(request, service))
    runtime = Runtime(transport=transport, client_options={"rate_limit": None})
    result = CliRunner().invoke(cli, list(args), obj=runtime, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Costs needs the API key."""
    monkeypatch.setenv("YOUCAM_API_KEY", DEFAULT_API_KEY)


def test_balance_json_and_csv_keep_fields_the_service_adds() -> None:
    """Each bucket as sent (added fields too), amount exact; CSV has a column for each."""
    buckets = exact_json.loads(_run("balance", "--format", "json").stdout)["buckets"]
    for bucket in buckets:
        assert bucket["region"] == "eu"
        assert bucket["later"] == {"a": [1, 2]}
        assert bucket["amount"] == bucket["amount_dec"]  # the exact amount, not the integer
        assert "expires_at" in bucket
    rows = list(csv.DictReader(io.StringIO(_run("balance", "--format", "csv").stdout)))
    assert list(rows[0]) == list(buckets[0])  # the JSON's fields, in its order
    assert [row["region"] for row in rows] == ["eu"] * len(buckets)
    assert [Decimal(row["amount"]) for row in rows] == [b["amount"] for b in buckets]


def test_costs_json_and_csv_keep_fields_the_service_adds_and_leave_absent_ones_out() -> None:
    """A SKU as sent: the added field kept, the fields it lacks absent (JSON) or blank (CSV)."""
    skus = exact_json.loads(_run("costs", "--format", "json").stdout)
    assert skus[0] == {"description": "AI Skin Analysis for SD 1~4 concerns", "tier": "pro"}
    assert all(sku["tier"] == "pro" for sku in skus)
    rows = list(csv.DictReader(io.StringIO(_run("costs", "--format", "csv").stdout)))
    assert set(rows[0]) == {"description", "amount", "unit", "proc_unit", "run_task_url", "tier"}
    assert (rows[0]["amount"], rows[0]["run_task_url"], rows[0]["tier"]) == ("", "", "pro")
    assert Decimal(rows[1]["amount"]) == skus[1]["amount"]


def test_the_costs_table_shows_a_sku_without_amount_blank() -> None:
    """The whole listing is shown; the cut-short SKU's units and per cells are empty."""
    table = _run("costs").stdout
    line = next(text for text in table.splitlines() if "SD 1~4" in text)
    assert line.split("SD 1~4 concerns")[1].strip() == ""
    assert "AI Video Generator" in table  # the last SKU: nothing lost after it
