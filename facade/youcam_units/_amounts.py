"""Amounts as exact ``Decimal``: the one check every parsed amount goes through, and exact sums.

An amount is bounded (``MAX_INTEGER_DIGITS`` before the point, ``MAX_FRACTION_DIGITS`` after
it): units are counted to two decimal places, so a value past these is not an amount but a
hostile or broken body, and refusing it keeps every sum exact and cheap. Python's default
decimal context rounds at 28 digits and overflows past 1E+999999; ``exact_sum`` adds in a
context of its own, wide enough for any sum of bounded amounts, that raises rather than rounds.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, Overflow, Rounded
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "CENT",
    "MAX_FRACTION_DIGITS",
    "MAX_INTEGER_DIGITS",
    "TENTH",
    "ZERO",
    "about",
    "amount_in_bounds",
    "exact_add",
    "exact_amount",
    "exact_product",
    "exact_subtract",
    "exact_sum",
    "last_days",
    "out_of_bounds",
    "read_amount",
]

#: The start of every exact sum of amounts.
ZERO: Final = Decimal(0)
#: Display steps: money and projections to the cent, days and percentages to the tenth.
CENT: Final = Decimal("0.01")
TENTH: Final = Decimal("0.1")
#: An amount is below 10**40 in magnitude ...
MAX_INTEGER_DIGITS: Final = 40
#: ... and has at most 20 digits after the point (the service sends two).
MAX_FRACTION_DIGITS: Final = 20
_INTEGER_LIMIT: Final = 10**MAX_INTEGER_DIGITS
#: Digits a sum may hold: any sum of bounded amounts, and of the history's integer amounts,
#: which JSON parsing already limits to 4,300 digits (Python's int limit); a sum past it
#: raises ``Inexact`` rather than be rounded.
_SUM_DIGITS: Final = 10_000
_SUM_CONTEXT: Final = Context(
    prec=_SUM_DIGITS, traps=[Inexact, Rounded, Overflow, InvalidOperation]
)


def amount_in_bounds(value: Decimal) -> bool:
    """Whether a finite ``value`` is within the bounds every amount must keep."""
    exponent = value.as_tuple().exponent
    return (
        isinstance(exponent, int)
        and exponent >= -MAX_FRACTION_DIGITS
        and (not value or value.adjusted() < MAX_INTEGER_DIGITS)
    )


def out_of_bounds(name: str, value: Decimal) -> ValueError:
    """The error for an amount past the bounds, short whatever the value's length."""
    shown = str(value)
    if len(shown) > 60:  # noqa: PLR2004 - enough to recognise the value
        shown = f"{shown[:30]}...{shown[-20:]}"
    return ValueError(
        f"{name} {shown} is out of range: an amount has at most {MAX_INTEGER_DIGITS} digits "
        f"before the point and {MAX_FRACTION_DIGITS} after it"
    )


def exact_amount(value: object, name: str) -> Decimal:
    """An amount as an exact ``Decimal``: from an int or a ``Decimal``; a float is refused.

    A float here means the body was parsed with plain ``json.loads``, which may already have
    changed the amount; parse it with :func:`parse_exact` instead. A value past the bounds is a
    ``ValueError``.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name} must be a finite number, got {value}")
        result = value
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= _INTEGER_LIMIT:
            raise out_of_bounds(name, Decimal(value))
        return Decimal(value)
    elif isinstance(value, float):
        raise TypeError(
            f"{name} arrived as a float, which may not be exact: "
            "parse the body with youcam_units parse_exact (json.loads(parse_float=Decimal))"
        )
    else:
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not amount_in_bounds(result):
        raise out_of_bounds(name, result)
    return result


def exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of bounded amounts, exact: never rounded at the default context's 28 digits."""
    total = Decimal(0)
    add = _SUM_CONTEXT.add
    for amount in amounts:
        total = add(total, amount)
    return total


def exact_add(total: Decimal, amount: Decimal) -> Decimal:
    """``total + amount``, exact: ``+`` would round past the default context's 28 digits."""
    return _SUM_CONTEXT.add(total, amount)


def exact_subtract(total: Decimal, amount: Decimal) -> Decimal:
    """``total - amount``, exact (``-amount`` alone rounds too: ``exact_subtract(ZERO, a)``)."""
    return _SUM_CONTEXT.subtract(total, amount)


def exact_product(units: Decimal, price: Decimal) -> Decimal:
    """``units`` times ``price``, exact: money is never rounded before it is shown."""
    return _SUM_CONTEXT.multiply(units, price)


def read_amount(value: object, name: str) -> Decimal:
    """A history amount, leniently read: a numeric string exactly, a float via its repr.

    A ``Decimal`` or int is taken as is; a float through its shortest repr, the JSON text it came
    from for up to 15 digits. Past the bounds, a ``ValueError``.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    try:
        result = Decimal(repr(value) if isinstance(value, float) else value)
    except InvalidOperation:
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if not amount_in_bounds(result):
        raise out_of_bounds(name, result)
    return result


def rounded(value: Decimal, step: Decimal = CENT) -> Decimal:
    """``value`` to ``step``, half up, for display only, however many digits it has.

    The default context's 28 digits would make ``quantize`` raise on 1e30 units.
    """
    digits = max(value.adjusted(), 0) - step.as_tuple().exponent + 2  # type: ignore[operator]
    return value.quantize(step, rounding=ROUND_HALF_UP, context=Context(prec=max(28, digits)))


def about(value: Decimal) -> str:
    """A projection as ``status`` and the report show it: to the cent, with separators."""
    return f"{rounded(value):,}"


def last_days(days: Decimal) -> str:
    """The window a spend rate was read over, in words: ``the last 30 days``, ``the last day``."""
    shown = about(days).rstrip("0").rstrip(".")  # as few digits as it needs: 30, 12.5
    return "the last day" if shown == "1" else f"the last {shown} days"
