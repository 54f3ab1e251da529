"""Amounts as exact ``Decimal``: the one check every parsed amount goes through.

Apart from ``_unit_system`` so that the forecast (and the ledger, which imports it) can use it
without importing the generated client, and httpx with it.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["exact_amount"]


def exact_amount(value: object, name: str) -> Decimal:
    """An amount as an exact ``Decimal``: from an int or a ``Decimal``; a float is refused.

    A float here means the body was parsed with plain ``json.loads``, which may already have
    changed the amount; parse it with :func:`parse_exact` instead.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name} must be a finite number, got {value}")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        raise TypeError(
            f"{name} arrived as a float, which may not be exact: "
            "parse the body with youcam_units parse_exact (json.loads(parse_float=Decimal))"
        )
    raise TypeError(f"{name} must be a number, got {type(value).__name__}")
