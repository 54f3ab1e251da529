"""Balance, UnitBucket and FeatureCost: exact amounts, open enums, and what they refuse."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import youcam_units as yu
from youcam_units._unit_system import FeatureCostPage, exact_amount, parse_exact
from youcam_units_api.models.credit_balance_response import CreditBalanceResponse
from youcam_units_api.models.feature_cost_response import FeatureCostResponse
from youcam_units_api.models.feature_cost_result import FeatureCostResult
from youcam_units_api.models.known_credit_bucket_type import KnownCreditBucketType

BIG = 13_105_541_279_084_536  # a snowflake id beyond 2**53


def _balance_body(*items: dict[str, Any]) -> bytes:
    return json.dumps({"status": 200, "results": list(items)}).encode()


def test_balance_reads_amount_dec_exactly_and_sums_it() -> None:
    """amount_dec wins over the deprecated integer; 10.04 + 0.1 + 0.2 is exactly 10.34."""
    body = (
        b'{"status": 200, "results": ['
        b'{"id": 13105541279084536, "type": "ApiSubsToken", "amount": 10, "amount_dec": 10.04,'
        b' "expiry": 1704789135000},'
        b'{"id": 13105541279084537, "type": "ApiPaygToken", "amount": 0, "amount_dec": 0.1},'
        b'{"id": 13105541279084538, "type": "ApiPaygToken", "amount_dec": 0.2, "expiry": null}'
        b"]}"
    )
    balance = yu.Balance.from_json(body)
    assert [b.amount for b in balance.buckets] == [
        Decimal("10.04"),
        Decimal("0.1"),
        Decimal("0.2"),
    ]
    assert balance.total == Decimal("10.34")
    assert isinstance(balance.total, Decimal)
    first = balance.buckets[0]
    assert first.id == BIG  # no float on the way: the last digit survives
    assert first.type is yu.UnitType.SUBSCRIPTION
    assert first.expires_at == datetime(2024, 1, 9, 8, 32, 15, tzinfo=UTC)
    assert first.expiry_ms == 1_704_789_135_000
    assert balance.buckets[1].expires_at is None  # absent: never expires
    assert balance.buckets[2].expires_at is None  # null: never expires


def test_balance_falls_back_to_the_integer_amount() -> None:
    """An older server sends only the deprecated integer amount: it is used, exactly."""
    balance = yu.Balance.from_json(_balance_body({"id": 1, "type": "ApiPaygToken", "amount": 7}))
    assert balance.buckets[0].amount == Decimal(7)
    assert balance.total == Decimal(7)


def test_unknown_bucket_type_stays_a_string() -> None:
    """A type the vendor adds later parses, as the plain string sent."""
    balance = yu.Balance.from_json(
        _balance_body({"id": 2, "type": "ApiTrialToken", "amount_dec": 1.5})
    )
    bucket = balance.buckets[0]
    assert bucket.type == "ApiTrialToken"
    assert type(bucket.type) is str
    assert bucket.to_dict() == {"id": 2, "type": "ApiTrialToken", "amount_dec": Decimal("1.5")}


def test_unit_type_matches_the_generated_enum() -> None:
    """UnitType has exactly the spec's values, so spec drift fails here."""
    assert {t.value for t in yu.UnitType} == {k.value for k in KnownCreditBucketType}


def test_empty_balance_totals_zero() -> None:
    """No buckets: a total of exactly 0."""
    balance = yu.Balance.from_json(_balance_body())
    assert balance.buckets == ()
    assert balance.total == Decimal(0)
    assert balance.to_dict() == {"total": Decimal(0), "buckets": []}


def test_a_float_amount_is_refused_with_what_to_do() -> None:
    """A body parsed with plain json.loads has float amounts: refused, naming parse_exact."""
    body = json.loads(_balance_body({"id": 1, "type": "ApiSubsToken", "amount_dec": 10.04}))
    with pytest.raises(TypeError, match="parse_exact"):
        yu.Balance.from_dict(body)


def test_a_bucket_without_any_amount_is_refused() -> None:
    """Neither amount_dec nor amount: nothing to read, so an error, not a zero."""
    with pytest.raises(ValueError, match="neither amount_dec nor amount"):
        yu.Balance.from_json(_balance_body({"id": 1, "type": "ApiSubsToken"}))


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"id": 1.0, "type": "ApiSubsToken", "amount": 1}, r"results\[\]\.id"),
        ({"id": 1, "type": 3, "amount": 1}, "type must be a string"),
        ({"id": 1, "type": "ApiSubsToken", "amount": "1"}, r"results\[\]\.amount"),
        ({"id": 1, "type": "ApiSubsToken", "amount": 1, "expiry": "soon"}, "expiry"),
    ],
)
def test_wrong_shapes_are_refused(item: dict[str, Any], message: str) -> None:
    """Wrong types raise TypeError naming the field."""
    with pytest.raises(TypeError, match=message):
        yu.Balance.from_json(_balance_body(item))


def test_exact_amount_refuses_non_finite_and_bool() -> None:
    """NaN and Infinity are not amounts; neither is True."""
    with pytest.raises(ValueError, match="finite"):
        exact_amount(Decimal("NaN"), "x")
    with pytest.raises(TypeError, match="must be a number"):
        exact_amount(True, "x")  # noqa: FBT003 - the value under test


def test_models_are_frozen_and_hashable() -> None:
    """Equal buckets and costs hash equal; none can be changed."""
    bucket = yu.UnitBucket(1, yu.UnitType.PAY_AS_YOU_GO, Decimal("2.50"))
    assert len({bucket, yu.UnitBucket(1, "ApiPaygToken", Decimal("2.5"))}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        bucket.amount = Decimal(3)  # type: ignore[misc] # the point


SKUS = (
    b'{"status": 200, "result": {"next_token": "MjA", "skus": ['
    b'{"description": "AI Skin Analysis for SD 1~4 concerns", "amount": 9, "unit": "result_image",'
    b' "proc_unit": 1, "run_task_url": "https://yce-api-01.makeupar.com/s2s/v2.0/task/skin-analysis"},'
    b'{"description": "AI Video Enhance", "amount": 0.35, "unit": "second", "proc_unit": 1,'
    b' "run_task_url": "https://yce-api-01.makeupar.com/s2s/v2.0/task/video-enhance"},'
    b'{"description": "AI 3D Try-On", "amount": 12.5, "unit": "model", "proc_unit": 2,'
    b' "run_task_url": "https://yce-api-01.makeupar.com/s2s/v2.0/task/3d-try-on"}'
    b"]}}"
)


def test_feature_costs_are_exact_with_an_open_unit() -> None:
    """Amounts are Decimals as sent; a unit added later stays as sent; units are plain str."""
    page = FeatureCostPage.from_json(SKUS)
    assert page.next_token == "MjA"  # noqa: S105 - a page token, not a secret
    first, video, other = page.costs
    assert first == yu.FeatureCost(
        description="AI Skin Analysis for SD 1~4 concerns",
        amount=Decimal(9),
        unit="result_image",
        proc_unit=1,
        run_task_url="https://yce-api-01.makeupar.com/s2s/v2.0/task/skin-analysis",
    )
    assert type(first.unit) is str
    assert video.amount == Decimal("0.35")
    assert video.unit == "second"
    assert (other.unit, other.amount, other.proc_unit) == ("model", Decimal("12.5"), 2)
    assert other.to_dict()["amount"] == Decimal("12.5")


@pytest.mark.parametrize("last", ['"next_token": null, ', "", '"next_token": "", '])
def test_the_last_feature_cost_page_has_no_next_token(last: str) -> None:
    """A null (documented), absent and empty all mean the last page."""
    body = '{"status": 200, "result": {' + last + '"skus": []}}'
    assert FeatureCostPage.from_json(body) == FeatureCostPage((), None)


def test_feature_cost_from_dict_refuses_floats() -> None:
    """One SKU parsed with plain json.loads: its float amount is refused."""
    sku = json.loads(SKUS)["result"]["skus"][1]
    with pytest.raises(TypeError, match=r"skus\[\]\.amount arrived as a float"):
        yu.FeatureCost.from_dict(sku)
    assert yu.FeatureCost.from_dict(parse_exact(json.dumps(sku))).amount == Decimal("0.35")


def test_generated_models_convert_the_same_way() -> None:
    """from_generated takes what the generated client parsed from an exact body."""
    body = _balance_body({"id": BIG, "type": "ApiPaygToken", "amount_dec": 3.25})
    generated = CreditBalanceResponse.from_dict(parse_exact(body))
    assert yu.Balance.from_generated(generated) == yu.Balance.from_json(body)
    assert yu.Balance.from_generated(generated).total == Decimal("3.25")
    costs = FeatureCostResponse.from_dict(parse_exact(SKUS))
    assert isinstance(costs.result, FeatureCostResult)
    assert FeatureCostPage.from_generated(costs.result) == FeatureCostPage.from_json(SKUS)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"amount": 5.5}, TypeError, "Decimal"),
        ({"amount": "5"}, TypeError, "Decimal"),
        ({"expires_at": datetime(2027, 1, 1)}, ValueError, "timezone-aware"),  # noqa: DTZ001
    ],
)
def test_a_bucket_built_in_code_refuses_a_float_amount_or_a_naive_expiry(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    """Refused when built; once taken, they failed later, far from the mistake.

    The total raised "conversion from float to Decimal is not supported", the forecast "can't
    subtract offset-naive and offset-aware datetimes".
    """
    fields: dict[str, Any] = {"id": 1, "type": "ApiPaygToken", "amount": Decimal(5)}
    with pytest.raises(error, match=match):
        yu.UnitBucket(**{**fields, **kwargs})
    assert yu.UnitBucket(**fields, expires_at=datetime(2027, 1, 1, tzinfo=UTC)).expiry_ms
