"""``--unit-price`` and ``--currency``: the options that add money to summary, status and report.

Ordinary click options; the account in use supplies their defaults (``_accounts``);
``unit_price`` turns them into a ``UnitPrice``, refusing bad input in one line (exit 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._options import stacked

if TYPE_CHECKING:
    from youcam_units._money import UnitPrice
    from youcam_units.ledger import Grouping, SummaryRow

__all__ = ["money_options", "priced_row", "unit_price"]

DEFAULT_CURRENCY: Final = "USD"

money_options: Final = stacked(
    click.option(
        "--unit-price",
        metavar="PRICE",
        help="What one unit costs (like 0.05): adds money to the figures, exact until shown.",
    ),
    click.option(
        "--currency",
        metavar="CODE",
        default=DEFAULT_CURRENCY,
        show_default=True,
        help="With --unit-price: its currency, a three-letter ISO 4217 code.",
    ),
)


def unit_price(price: str | None, currency: str) -> UnitPrice | None:
    """The options as a ``UnitPrice`` (``None`` without a price); bad input: exit 2.

    Without ``--unit-price``, the price of the account in use, if it has one.

    The currency is checked even without a price, so a typo is never silently ignored.
    """
    from decimal import Decimal  # noqa: PLC0415 - keeps `--help` fast

    from youcam_units._cli._accounts import account_price  # noqa: PLC0415
    from youcam_units._money import UnitPrice  # noqa: PLC0415

    price, currency = account_price(price, currency)
    code = currency.strip().upper()
    try:
        UnitPrice(Decimal(0), code)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--currency'") from None
    if price is None:
        return None
    try:
        return UnitPrice.parse(price, code)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--unit-price'") from None


def priced_row(row: SummaryRow, by: Grouping, price: UnitPrice | None) -> dict[str, Any]:
    """A row as ``summary --format json`` gives it: with a price, its money too (exact)."""
    body = row.to_dict(by)
    if price is None:
        return body
    return {
        **body,
        "currency": price.currency,
        "spent_money": price.value(row.spent),
        "granted_money": price.value(row.granted),
        "expired_money": price.value(row.expired),
        "net_money": price.value(row.net),
    }
