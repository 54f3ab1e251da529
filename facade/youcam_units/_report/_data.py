"""What the report shows, read from the ledger's totals: never its entries one by one.

Every figure is exact (``Decimal``): the headline's spent, granted and expired are
``summarize``'s totals over the period (as ``summary --format json`` gives them), and its
balance, spend rate, run-out and expiring units are the ``Forecast`` ``status`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING

from youcam_units._amounts import ZERO, exact_subtract, exact_sum
from youcam_units._models import DAY_MS, EPOCH
from youcam_units.ledger._summary import SummaryRow, summarize

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal

    from youcam_units._cli._budgets import BudgetUse
    from youcam_units._forecast import Forecast
    from youcam_units._money import UnitPrice
    from youcam_units._unit_system import Balance, FeatureCost
    from youcam_units.ledger._storage import SummaryStorage

__all__ = ["DailySpend", "Period", "ReportData", "gather"]


def _day_ms(day: date) -> int:
    return (day - EPOCH.date()).days * DAY_MS


@dataclass(frozen=True, slots=True)
class Period:
    """Whole UTC days, ``first`` to ``last`` inclusive."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"a period ends on or after its first day, not {self.last}")

    @property
    def days(self) -> int:
        """How many days it spans."""
        return (self.last - self.first).days + 1

    @property
    def since_ms(self) -> int:
        """Its first millisecond."""
        return _day_ms(self.first)

    @property
    def until_ms(self) -> int:
        """The first millisecond after it."""
        return _day_ms(self.last) + DAY_MS

    def previous(self) -> Period:
        """What the change in % compares with.

        The month before a calendar month, else the period of the same length just before.
        """
        before = self.first - timedelta(days=1)
        if self.is_month:
            return Period.month(before.year, before.month)
        return Period(self.first - timedelta(days=self.days), before)

    @property
    def is_month(self) -> bool:
        """Whether it is one calendar month."""
        return self == Period.month(self.first.year, self.first.month)

    def each_day(self) -> list[date]:
        """Its days, oldest first."""
        return [self.first + timedelta(days=n) for n in range(self.days)]

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """A calendar month."""
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def ending(cls, last: date, days: int) -> Period:
        """The ``days`` days up to ``last``."""
        return cls(last - timedelta(days=days - 1), last)


@dataclass(frozen=True, slots=True)
class DailySpend:
    """Units spent on one UTC day, per action (expiries aside, as everywhere)."""

    day: date
    by_action: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the page shows, exact."""

    period: Period
    source: str
    balance: Balance
    outlook: Forecast
    totals: SummaryRow
    """The period's entries, spent, granted and expired (``summarize``'s, added)."""
    by_action: Sequence[SummaryRow]
    """The period's totals per action, most spent first."""
    previous_by_action: dict[str, SummaryRow]
    """The previous period's, by action name."""
    daily: Sequence[DailySpend]
    """The period's days up to now."""
    balance_by_day: Sequence[tuple[date, Decimal]]
    """The balance at the end of each of the period's days up to now (today: now)."""
    costs: Sequence[FeatureCost] | None
    """The feature costs, when an API key could read them."""
    price: UnitPrice | None
    budgets: Sequence[BudgetUse] = ()
    """Each budget and this month's spending against it (the month of ``outlook.now``), as
    ``status --format json`` gives them."""

    @property
    def spend_per_day_in_period(self) -> Decimal:
        """The period's spending over its days up to now."""
        return self.totals.spent / max(1, len(self.daily))


def _total(rows: Sequence[SummaryRow], name: str) -> SummaryRow:
    return SummaryRow(
        name,
        sum(row.entries for row in rows),
        exact_sum(row.spent for row in rows),
        exact_sum(row.granted for row in rows),
        exact_sum(row.expired for row in rows),
    )


def gather(
    ledger: SummaryStorage,
    *,
    period: Period,
    balance: Balance,
    outlook: Forecast,
    source: str,
    costs: Sequence[FeatureCost] | None = None,
    price: UnitPrice | None = None,
    budgets: Sequence[BudgetUse] = (),
) -> ReportData:
    """Read the period's totals, the previous period's, and the balance day by day.

    The balance of a past day is the balance now less every change since that day ended (the
    ledger's net per day, exact), so the line ends on the balance ``status`` shows.
    """
    by_action = summarize(ledger, by="action", since_ms=period.since_ms, until_ms=period.until_ms)
    today = outlook.now.astimezone(UTC).date()
    days = [day for day in period.each_day() if day <= today]
    return ReportData(
        period=period,
        source=source,
        balance=balance,
        outlook=outlook,
        totals=_total(by_action, "total"),
        by_action=by_action,
        previous_by_action=_by_action_name(ledger, period.previous()),
        daily=[_daily_spend(ledger, day) for day in days],
        balance_by_day=_balance_by_day(ledger, days, outlook),
        costs=costs,
        price=price,
        budgets=budgets,
    )


def _by_action_name(ledger: SummaryStorage, period: Period) -> dict[str, SummaryRow]:
    """``period``'s totals per action, by the action's name."""
    return {
        row.group: row
        for row in summarize(
            ledger, by="action", since_ms=period.since_ms, until_ms=period.until_ms
        )
    }


def _daily_spend(ledger: SummaryStorage, day: date) -> DailySpend:
    """What each action spent on ``day`` (actions that spent nothing left out)."""
    rows = summarize(ledger, by="action", since_ms=_day_ms(day), until_ms=_day_ms(day) + DAY_MS)
    return DailySpend(day, {row.group: row.spent for row in rows if row.spent})


def _balance_by_day(
    ledger: SummaryStorage, days: Sequence[date], outlook: Forecast
) -> list[tuple[date, Decimal]]:
    """The balance at each day's end (the last day: now), walking back from the balance now."""
    if not days:
        return []
    now_ms = (outlook.now - EPOCH) // timedelta(milliseconds=1)
    rows = summarize(ledger, by="day", since_ms=_day_ms(days[0]), until_ms=now_ms + 1)
    net = {row.group: row.net for row in rows}
    last = days[-1].isoformat()
    # A past period: the changes after it, up to now, come off first.
    after = exact_sum(change for day, change in net.items() if day > last)
    balance = exact_subtract(outlook.balance, after)
    points: list[tuple[date, Decimal]] = []
    for day in reversed(days):
        points.append((day, balance))
        balance = exact_subtract(balance, net.get(day.isoformat(), ZERO))
    points.reverse()
    return points
