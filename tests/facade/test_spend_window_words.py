"""The window a spend rate was read over, as ``status`` and the report word it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from youcam_units._amounts import last_days


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (Decimal(30), "the last 30 days"),
        (Decimal("12.5"), "the last 12.5 days"),
        (Decimal(1), "the last day"),
        (Decimal("1.004"), "the last day"),  # shown to the cent, as every figure beside it
        (Decimal("1.04"), "the last 1.04 days"),
        (Decimal("0.5"), "the last 0.5 days"),
    ],
)
def test_one_day_is_the_last_day_not_the_last_1_days(days: Decimal, words: str) -> None:
    """As ``status`` and the report word it: "the last day", never "the last 1 days"."""
    assert last_days(days) == words
