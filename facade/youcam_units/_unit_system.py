"""The balance and the feature costs: frozen, exact types for the rest of the unit system.

Amounts are money, so they are ``Decimal`` from the bytes on: the generated models type the spec's
``number`` as ``float`` but pass values through unconverted, so a body parsed with
:func:`parse_exact` (``json.loads`` with ``parse_float=Decimal``) reaches these types without ever
being a float. A float that arrives anyway (a body parsed with plain ``json.loads``) is refused
rather than guessed at.

``Balance.from_dict`` / ``FeatureCost.from_dict`` take one parsed body or SKU; ``from_json`` takes
the response bytes. The client's ``balance()`` and ``feature_costs()`` are built on them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from youcam_units_api.models.credit_balance_response import CreditBalanceResponse
from youcam_units_api.models.feature_cost_result import FeatureCostResult
from youcam_units_api.models.feature_cost_sku import FeatureCostSku
from youcam_units_api.types import Unset

from youcam_units import _json as exact_json
from youcam_units._amounts import exact_amount, exact_sum

if TYPE_CHECKING:
    from collections.abc import Mapping
    from decimal import Decimal

    from youcam_units_api.models.credit_bucket import CreditBucket

__all__ = [
    "Balance",
    "FeatureCost",
    "FeatureCostPage",
    "UnitBucket",
    "UnitType",
    "exact_amount",
    "parse_exact",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_exact(content: bytes | str) -> Any:  # noqa: ANN401 - parsed JSON is Any by nature
    """Parse a JSON body with every non-integer number as a ``Decimal``, never a float."""
    return exact_json.loads(content)


class UnitType(StrEnum):
    """The documented kinds of unit bucket; a kind the service adds later stays a plain str."""

    SUBSCRIPTION = "ApiSubsToken"
    PAY_AS_YOU_GO = "ApiPaygToken"

    def __repr__(self) -> str:
        return f"UnitType.{self.name}"


_UNIT_TYPES = {member.value: member for member in UnitType}


@dataclass(frozen=True, slots=True)
class UnitBucket:
    """One bucket of units: what is left of it and when it expires (``None``: never)."""

    id: int
    type: UnitType | str
    amount: Decimal
    expires_at: datetime | None = None

    @property
    def expiry_ms(self) -> int | None:
        """``expires_at`` as the service sends it: Unix time in milliseconds."""
        if self.expires_at is None:
            return None
        return (self.expires_at - _EPOCH) // timedelta(milliseconds=1)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready but for the amount, which stays a ``Decimal`` (the caller picks its form)."""
        return {
            "id": self.id,
            "type": str(self.type),
            "amount": self.amount,
            "expiry": self.expiry_ms,
        }


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
            sorted(self.buckets, key=lambda b: (b.expires_at is None, b.expiry_ms or 0, b.id))
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"total": ..., "buckets": [...]}`` with ``Decimal`` amounts."""
        return {"total": self.total, "buckets": [b.to_dict() for b in self.buckets]}

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Balance:
        """Read a ``getCreditBalance`` 200 body parsed by :func:`parse_exact`.

        Raises ``ValueError``, ``KeyError`` or ``TypeError`` when the shape is wrong.
        """
        if not isinstance(body.get("results"), list):
            raise TypeError(f"results must be a list, got {type(body.get('results')).__name__}")
        return cls.from_generated(CreditBalanceResponse.from_dict(body))

    @classmethod
    def from_generated(cls, parsed: CreditBalanceResponse) -> Balance:
        """Convert the generated model, as parsed from a :func:`parse_exact` body."""
        if not isinstance(parsed.results, list):
            raise TypeError(f"results must be a list, got {type(parsed.results).__name__}")
        return cls(tuple(_bucket(item) for item in parsed.results))

    @classmethod
    def from_json(cls, content: bytes | str) -> Balance:
        """Read a ``getCreditBalance`` 200 body from its bytes."""
        return cls.from_dict(parse_exact(content))


@dataclass(frozen=True, slots=True)
class FeatureCost:
    """What one feature (SKU) costs: ``amount`` units per ``proc_unit`` ``unit``s.

    ``unit`` is ``"result_image"`` or ``"second"`` as documented, or a unit added later, as sent.
    """

    description: str
    amount: Decimal
    unit: str
    proc_unit: int
    run_task_url: str

    def to_dict(self) -> dict[str, Any]:
        """The SKU in the service's shape, with a ``Decimal`` amount."""
        return {
            "description": self.description,
            "amount": self.amount,
            "unit": self.unit,
            "proc_unit": self.proc_unit,
            "run_task_url": self.run_task_url,
        }

    @classmethod
    def from_dict(cls, sku: Mapping[str, Any]) -> FeatureCost:
        """Read one item of ``result.skus`` parsed by :func:`parse_exact`."""
        return _feature_cost(FeatureCostSku.from_dict(sku))


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
    def from_dict(cls, body: Mapping[str, Any]) -> FeatureCostPage:
        """Read a ``getFeatureCost`` 200 body parsed by :func:`parse_exact`.

        A ``next_token`` that is null, absent or empty all mean "no more pages".
        """
        result = body["result"]
        if not isinstance(result, dict):
            raise TypeError(f"result must be an object, got {type(result).__name__}")
        if not isinstance(result.get("skus"), list):
            raise TypeError(f"result.skus must be a list, got {type(result.get('skus')).__name__}")
        return cls.from_generated(FeatureCostResult.from_dict(result))

    @classmethod
    def from_generated(cls, parsed: FeatureCostResult) -> FeatureCostPage:
        """Convert the generated ``result``, as parsed from a :func:`parse_exact` body."""
        if not isinstance(parsed.skus, list):
            raise TypeError(f"result.skus must be a list, got {type(parsed.skus).__name__}")
        token = parsed.next_token
        if isinstance(token, Unset) or token is None or token == "":
            next_token = None
        else:
            next_token = _str(token, "result.next_token")
        return cls(tuple(_feature_cost(sku) for sku in parsed.skus), next_token)

    @classmethod
    def from_json(cls, content: bytes | str) -> FeatureCostPage:
        """Read a ``getFeatureCost`` 200 body from its bytes."""
        return cls.from_dict(parse_exact(content))


def _bucket(item: CreditBucket) -> UnitBucket:
    """One bucket: the amount from ``amount_dec`` when sent, else the deprecated ``amount``."""
    sent_type: object = item.type_
    if not isinstance(sent_type, str):
        raise TypeError(f"results[].type must be a string, got {type(sent_type).__name__}")
    if not isinstance(item.amount_dec, Unset) and item.amount_dec is not None:
        amount = exact_amount(item.amount_dec, "results[].amount_dec")
    elif not isinstance(item.amount, Unset) and item.amount is not None:
        amount = exact_amount(item.amount, "results[].amount")
    else:
        raise ValueError("results[] has neither amount_dec nor amount")
    expiry: object = item.expiry
    expires_at = None
    if not isinstance(expiry, Unset) and expiry is not None:
        expires_at = _expiry(_int(expiry, "results[].expiry"))
    return UnitBucket(
        id=_int(item.id, "results[].id"),
        type=_UNIT_TYPES.get(sent_type) or str(sent_type),
        amount=amount,
        expires_at=expires_at,
    )


def _expiry(expiry_ms: int) -> datetime:
    """An expiry as a datetime; one a datetime cannot hold (past the year 9999) is refused."""
    try:
        return _EPOCH + timedelta(milliseconds=expiry_ms)
    except OverflowError:
        raise ValueError(
            f"results[].expiry {expiry_ms} ms is not a time (outside the years 1-9999)"
        ) from None


def _feature_cost(sku: FeatureCostSku) -> FeatureCost:
    unit: object = sku.unit
    if not isinstance(unit, str):
        raise TypeError(f"skus[].unit must be a string, got {type(unit).__name__}")
    return FeatureCost(
        description=_str(sku.description, "skus[].description"),
        amount=exact_amount(sku.amount, "skus[].amount"),
        unit=str(unit),  # the generated enum's member becomes its plain value
        proc_unit=_int(sku.proc_unit, "skus[].proc_unit"),
        run_task_url=_str(sku.run_task_url, "skus[].run_task_url"),
    )


def _int(value: object, name: str) -> int:
    """Ids are snowflakes beyond 2**53: accept ints, never floats or bools."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"{name} must be an integer, got {type(value).__name__}")


def _str(value: object, name: str) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"{name} must be a string, got {type(value).__name__}")
