"""Units in money: a price per unit and its currency, exact until the one rounding at display.

A value is ``units * unit_price`` as an exact ``Decimal`` (every JSON output carries it so);
only a figure shown to a person is rounded, once, to the currency's minor unit (cents: two
places; every total is rounded after adding, never added from rounded parts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from ._amounts import ZERO, exact_add, exact_product, rounded

__all__ = ["CURRENCY_CODE", "UnitPrice"]

CURRENCY_CODE: Final = re.compile(r"[A-Z]{3}")
"""An ISO 4217 code: three capital letters."""


@dataclass(frozen=True, slots=True)
class UnitPrice:
    """What one unit costs: an exact amount of 0 or more in an ISO 4217 currency (``USD``)."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(
                f"a unit price is an exact Decimal (UnitPrice.parse reads text), not "
                f"{type(self.amount).__name__}"
            )
        if not isinstance(self.currency, str):
            raise TypeError(f"a currency is a str (USD), not {type(self.currency).__name__}")
        if not self.amount.is_finite() or self.amount < 0:
            raise ValueError(f"a unit price must be a number of 0 or more, not {self.amount!r}")
        if not CURRENCY_CODE.fullmatch(self.currency):
            raise ValueError(
                f"a currency is three capital letters (an ISO 4217 code like USD), "
                f"not {self.currency!r}"
            )

    @classmethod
    def parse(cls, amount: str, currency: str) -> UnitPrice:
        """From text, as a user types it (``0.05``, ``usd``); ``ValueError`` says what to fix."""
        try:
            number = Decimal(amount.strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number < 0:
            raise ValueError(f"{amount!r} is not a price of 0 or more (like 0.05)")
        return cls(exact_add(number, ZERO), currency.strip().upper())  # -0 becomes 0, exactly

    def value(self, units: Decimal) -> Decimal:
        """What ``units`` cost, exactly."""
        return exact_product(units, self.amount)

    @staticmethod
    def rounded(money: Decimal) -> Decimal:
        """An exact amount of money rounded to the cent (half up): for display only."""
        return rounded(money)

    def display(self, money: Decimal) -> str:
        """Exact money rounded once to the cent, with the currency: ``1,234.57 USD``."""
        return f"{self.rounded(money):,} {self.currency}"

    def per_unit(self) -> str:
        """The price itself, exact, in plain digits: ``0.05 USD per unit``."""
        return f"{self.amount:f} {self.currency} per unit"  # :f: never 1E-7
