"""The balance and the feature costs: frozen, exact types for the rest of the unit system.

Amounts are money, so they are ``Decimal`` from the bytes on: a body parsed with
:func:`parse_exact` (``json.loads`` with ``parse_float=Decimal``) is read here directly, and a
float that arrives anyway (a body parsed with plain ``json.loads``) is refused rather than
guessed at. The vendor requires none of the fields: one this version cannot do without (a
bucket's amount) is refused, every other one absent reads as ``None``. Buckets and SKUs keep the
mapping as sent, so ``to_dict()`` gives back every field, those this version does not know too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from youcam_units import _json as exact_json
from youcam_units._amounts import exact_amount, exact_sum
from youcam_units._json import copy_json, copy_object, page_of, read_int, read_str, result_of
from youcam_units._models import EPOCH

if TYPE_CHECKING:
    from collections.abc import Mapping

    from youcam_units_api.models.credit_balance_response import CreditBalanceResponse
    from youcam_units_api.models.feature_cost_result import FeatureCostResult

__all__ = [
    "Balance",
    "FeatureCost",
    "FeatureCostPage",
    "UnitBucket",
    "UnitType",
    "exact_amount",
    "parse_exact",
]


#: Parse a JSON body with every non-integer number as a ``Decimal``, never a float.
parse_exact = exact_json.loads


class UnitType(StrEnum):
    """The documented kinds of unit bucket; a kind the service adds later stays a plain str."""

    SUBSCRIPTION = "ApiSubsToken"
    PAY_AS_YOU_GO = "ApiPaygToken"

    def __repr__(self) -> str:
        return f"UnitType.{self.name}"


_UNIT_TYPES = {member.value: member for member in UnitType}


@dataclass(frozen=True, slots=True)
class UnitBucket:
    """One bucket of units: what is left of it and when it expires (``None``: never).

    ``id`` and ``type`` are ``None`` when the service did not send them. Equality and hashing use
    the typed fields; the bucket as sent (for ``to_dict()``) takes no part.
    """

    id: int | None
    type: UnitType | str | None
    amount: Decimal
    expires_at: datetime | None = None
    _as_sent: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        """A bucket built in code: refused now what the total or the forecast would trip on."""
        amount: object = self.amount  # typed Decimal, but code may pass anything
        if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
            raise TypeError(f"a bucket's amount is an exact Decimal, not {type(amount).__name__}")
        if self.expires_at is not None and self.expires_at.utcoffset() is None:
            raise ValueError("a bucket's expires_at must be timezone-aware (tzinfo=UTC) or None")

    @property
    def expiry_ms(self) -> int | None:
        """``expires_at`` as the service sends it: Unix time in milliseconds."""
        if self.expires_at is None:
            return None
        return (self.expires_at - EPOCH) // timedelta(milliseconds=1)

    def to_dict(self) -> dict[str, Any]:
        """The bucket as the service sent it, every field in its order, amounts ``Decimal``.

        A bucket built in code gives the service's shape: ``id``, ``type``, ``amount_dec``,
        ``expiry``.
        """
        if self._as_sent is not None:
            return cast("dict[str, Any]", copy_json(self._as_sent))
        return {
            "id": self.id,
            "type": None if self.type is None else str(self.type),
            "amount_dec": self.amount,
            "expiry": self.expiry_ms,
        }

    @classmethod
    def from_dict(cls, item: Mapping[str, Any]) -> UnitBucket:
        """Read one item of ``results`` parsed by :func:`parse_exact` (copied)."""
        return _bucket(copy_object(item, "results[]"))


@dataclass(frozen=True, slots=True)
class Balance:
    """The account's units now: every bucket, and their exact total."""

    buckets: tuple[UnitBucket, ...]

    @property
    def total(self) -> Decimal:
        """The sum of the buckets' amounts, exact (every amount is bounded: ``_amounts``)."""
        return exact_sum(bucket.amount for bucket in self.buckets)

    @property
    def by_expiry(self) -> tuple[UnitBucket, ...]:
        """The buckets soonest-expiring first, never-expiring last: the order every view uses."""
        return tuple(
            sorted(
                self.buckets,
                key=lambda b: (b.expires_at is None, b.expiry_ms or 0, b.id is None, b.id or 0),
            )
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"total": ..., "buckets": [...]}``, each bucket as sent, ``Decimal`` amounts."""
        return {"total": self.total, "buckets": [b.to_dict() for b in self.buckets]}

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Balance:
        """Read a ``getCreditBalance`` 200 body parsed by :func:`parse_exact`.

        Raises ``ValueError``, ``KeyError`` or ``TypeError`` when the shape is wrong.
        """
        results = result_of(body, "results")
        if not isinstance(results, list):
            raise TypeError(f"results must be a list, got {type(results).__name__}")
        return cls(tuple(UnitBucket.from_dict(item) for item in results))

    @classmethod
    def from_generated(cls, parsed: CreditBalanceResponse) -> Balance:
        """Read the generated model, as parsed from a :func:`parse_exact` body."""
        return cls.from_dict(parsed.to_dict())

    @classmethod
    def from_json(cls, content: bytes | str) -> Balance:
        """Read a ``getCreditBalance`` 200 body from its bytes."""
        return cls.from_dict(parse_exact(content))


@dataclass(frozen=True, slots=True)
class FeatureCost:
    """What one feature (SKU) costs: ``amount`` units per ``proc_unit`` ``unit``s.

    ``unit`` is ``"result_image"`` or ``"second"`` as documented, or a unit added later, as sent.
    A field the service did not send is ``None``. Equality and hashing use the typed fields; the
    SKU as sent (for ``to_dict()``) takes no part.
    """

    description: str | None
    amount: Decimal | None
    unit: str | None
    proc_unit: int | None
    run_task_url: str | None
    _as_sent: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The SKU as the service sent it, every field in its order, with a ``Decimal`` amount."""
        if self._as_sent is not None:
            return cast("dict[str, Any]", copy_json(self._as_sent))
        shape = {
            "description": self.description,
            "amount": self.amount,
            "unit": self.unit,
            "proc_unit": self.proc_unit,
            "run_task_url": self.run_task_url,
        }
        return {key: value for key, value in shape.items() if value is not None}

    @classmethod
    def from_dict(cls, sku: Mapping[str, Any]) -> FeatureCost:
        """Read one item of ``result.skus`` parsed by :func:`parse_exact` (copied)."""
        return _feature_cost(copy_object(sku, "skus[]"))


@dataclass(frozen=True, slots=True)
class FeatureCostPage:
    """One ``getFeatureCost`` response: its SKUs and the next page's token (``None``: last).

    ``request_id`` is the response's ``x-request-id``; ``starting_token`` the token the request
    was sent with, as on the history's ``Page``.
    """

    costs: tuple[FeatureCost, ...]
    next_token: str | None
    request_id: str | None = None
    starting_token: str | None = None

    @property
    def items(self) -> tuple[FeatureCost, ...]:
        """The SKUs, under the name every listing's page shares."""
        return self.costs

    @property
    def has_more(self) -> bool:
        """Whether another page follows this one."""
        return self.next_token is not None

    def head(self, count: int) -> FeatureCostPage:
        """The page with only its first ``count`` SKUs (``max_items`` reached)."""
        return replace(self, costs=self.costs[:count])

    @classmethod
    def from_dict(
        cls,
        body: Mapping[str, Any],
        *,
        request_id: str | None = None,
        starting_token: str | None = None,
    ) -> FeatureCostPage:
        """Read a ``getFeatureCost`` 200 body parsed by :func:`parse_exact`.

        A ``result`` without ``skus`` is an empty page; a ``next_token`` that is null, absent or
        empty all mean "no more pages". ``request_id`` and ``starting_token`` are the request's.
        """
        skus, token = page_of(body, "skus")
        costs = tuple(FeatureCost.from_dict(sku) for sku in skus)
        return cls(costs, token, request_id, starting_token)

    @classmethod
    def from_generated(cls, parsed: FeatureCostResult) -> FeatureCostPage:
        """Read the generated ``result``, as parsed from a :func:`parse_exact` body."""
        return cls.from_dict({"result": parsed.to_dict()})

    @classmethod
    def from_json(cls, content: bytes | str) -> FeatureCostPage:
        """Read a ``getFeatureCost`` 200 body from its bytes."""
        return cls.from_dict(parse_exact(content))


def _bucket(item: dict[str, Any]) -> UnitBucket:
    """One bucket: the amount from ``amount_dec`` when sent, else the deprecated ``amount``."""
    sent_id, sent_type, expiry = item.get("id"), item.get("type"), item.get("expiry")
    if item.get("amount_dec") is not None:
        amount = exact_amount(item["amount_dec"], "results[].amount_dec")
    elif item.get("amount") is not None:
        amount = exact_amount(item["amount"], "results[].amount")
    else:
        # A bucket without an amount would silently count as zero in the total: refused.
        raise ValueError("results[] has neither amount_dec nor amount")
    if sent_type is not None:
        sent_type = read_str(sent_type, "results[].type")
    return UnitBucket(
        id=None if sent_id is None else read_int(sent_id, "results[].id"),
        type=None if sent_type is None else _UNIT_TYPES.get(sent_type) or sent_type,
        amount=amount,
        expires_at=None if expiry is None else _expiry(read_int(expiry, "results[].expiry")),
        _as_sent=item,
    )


def _expiry(expiry_ms: int) -> datetime:
    """An expiry as a datetime; one a datetime cannot hold (past the year 9999) is refused."""
    try:
        return EPOCH + timedelta(milliseconds=expiry_ms)
    except OverflowError:
        raise ValueError(
            f"results[].expiry {expiry_ms} ms is not a time (outside the years 1-9999)"
        ) from None


def _feature_cost(sku: dict[str, Any]) -> FeatureCost:
    """One SKU; each field the service did not send (or sent as null) is ``None``."""
    description, amount, unit = sku.get("description"), sku.get("amount"), sku.get("unit")
    proc_unit, url = sku.get("proc_unit"), sku.get("run_task_url")
    return FeatureCost(
        description=None if description is None else read_str(description, "skus[].description"),
        amount=None if amount is None else exact_amount(amount, "skus[].amount"),
        unit=None if unit is None else read_str(unit, "skus[].unit"),
        proc_unit=None if proc_unit is None else read_int(proc_unit, "skus[].proc_unit"),
        run_task_url=None if url is None else read_str(url, "skus[].run_task_url"),
        _as_sent=sku,
    )
