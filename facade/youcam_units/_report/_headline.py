"""The report's headline: its figures, each exact for checks and rounded once for reading.

Spent, granted and expired are the period's totals (as ``summary`` counts them); the balance,
spend rate, run-out and expiring units are the forecast ``status`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from youcam_units._amounts import TENTH, about, last_days, rounded

if TYPE_CHECKING:
    from decimal import Decimal

    from youcam_units._forecast import Forecast
    from youcam_units._money import UnitPrice
    from youcam_units._report._data import ReportData

__all__ = ["Figure", "headline", "iso"]


@dataclass(frozen=True, slots=True)
class Figure:
    """A headline figure: ``exact`` goes in ``data-value`` (for checks), ``shown`` is read."""

    name: str
    label: str
    exact: str
    shown: str
    money: Decimal | None = None
    money_shown: str = ""
    detail: str = ""
    state: str = ""
    """A class for the figure's look: ``over`` marks a budget spent past."""


def iso(when: datetime) -> str:
    """``when`` in UTC to the millisecond, as the page's data attributes carry it."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def headline(data: ReportData) -> list[Figure]:
    """The period's totals, then the outlook now, then the budgets' marker."""
    return [*_total_figures(data), *_outlook_figures(data), *_budget_figure(data)]


def _money(price: UnitPrice | None, units: Decimal) -> tuple[Decimal | None, str]:
    """What ``units`` are worth, exact and shown; nothing without a price."""
    if price is None:
        return None, ""
    exact = price.value(units)
    return exact, price.display(exact)


def _total_figures(data: ReportData) -> list[Figure]:
    totals, price = data.totals, data.price
    return [
        Figure(
            "spent", "spent", str(totals.spent), f"{totals.spent:,}", *_money(price, totals.spent)
        ),
        Figure(
            "granted",
            "granted",
            str(totals.granted),
            f"{totals.granted:,}",
            *_money(price, totals.granted),
        ),
        Figure(
            "expired",
            "expired",
            str(totals.expired),
            f"{totals.expired:,}",
            *_money(price, totals.expired),
        ),
    ]


def _outlook_figures(data: ReportData) -> list[Figure]:
    outlook, price = data.outlook, data.price
    runs_out, in_days = _runs_out(outlook)
    return [
        Figure(
            "balance",
            "balance now",
            str(outlook.balance),
            f"{outlook.balance:,}",
            *_money(price, outlook.balance),
        ),
        Figure(
            "spend_per_day",
            "spend per day",
            str(outlook.spend_per_day),
            about(outlook.spend_per_day),
            *_money(price, outlook.spend_per_day),
            detail=last_days(outlook.rate.days),
        ),
        Figure(
            "runs_out_at",
            "runs out",
            "" if outlook.runs_out_at is None else iso(outlook.runs_out_at),
            runs_out,
            detail=in_days,
        ),
        Figure(
            "expiring_total",
            "expiring unspent",
            str(outlook.expiring_total),
            about(outlook.expiring_total),
            *_money(price, outlook.expiring_total),
            detail=f"within {outlook.horizon.days} days",
        ),
    ]


def _runs_out(outlook: Forecast) -> tuple[str, str]:
    """The run-out day (``never`` at no spending, ``after 9999`` past a date), and when."""
    left = outlook.days_left
    if left is None:
        return "never", "at this rate"
    day = "after 9999" if outlook.runs_out_at is None else f"{outlook.runs_out_at:%Y-%m-%d}"
    return day, f"in about {rounded(left, TENTH)} days"


def _budget_figure(data: ReportData) -> list[Figure]:
    """The headline's budget marker: over or within, and how many budgets are over."""
    if not data.budgets:
        return []
    over = [use for use in data.budgets if use.over]
    return [
        Figure(
            "budget",
            f"budget {data.budgets[0].month}",
            "over" if over else "within",
            "OVER budget" if over else "within budget",
            detail=f"{len(over)} of {len(data.budgets)} budgets over",
            state="over" if over else "",
        )
    ]
