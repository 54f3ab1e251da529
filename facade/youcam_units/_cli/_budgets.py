"""Monthly budgets: units spent this calendar month (UTC) against what may be spent.

``--monthly-budget UNITS`` and ``--budget ACTION=UNITS``, for ``status`` (exit 3 when over) and
``metrics`` (budget used). Spending is counted as ``summary`` counts it: every negative change
but expiry. A month is a UTC calendar month up to the status's "now" (``--as-of``). Over means
spent more than the budget: spending exactly the budget is not over, as a balance equal to
``--min-balance`` is not below it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._options import stacked

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["BudgetUse", "Budgets", "budget_options", "month_bounds_ms"]


@dataclass(frozen=True)
class Budgets:
    """The budgets given: one for the whole month, and per action."""

    monthly: Decimal | None = None
    per_action: Mapping[str, Decimal] = field(default_factory=dict)

    def uses(self, month: str, spent_by_action: Mapping[str, Decimal]) -> list[BudgetUse]:
        """Each budget with this month's spending against it: the whole month first."""
        uses = []
        if self.monthly is not None:
            from youcam_units._amounts import exact_sum  # noqa: PLC0415 - keeps `--help` fast

            spent = exact_sum(spent_by_action.values())
            uses.append(BudgetUse(month, None, self.monthly, spent))
        uses.extend(
            BudgetUse(month, action, budget, Decimal(0) + spent_by_action.get(action, 0))
            for action, budget in self.per_action.items()
        )
        return uses


@dataclass(frozen=True)
class BudgetUse:
    """A budget, and what was spent against it in ``month`` (``YYYY-MM``, UTC)."""

    month: str
    action: str | None
    """``None``: the monthly budget, every action together."""
    budget: Decimal
    spent: Decimal

    @property
    def used(self) -> Decimal:
        """The fraction of the budget spent: 1 is all of it, above 1 is over."""
        return self.spent / self.budget

    @property
    def over(self) -> bool:
        """Spent more than the budget (exactly the budget is not over)."""
        return self.spent > self.budget

    @property
    def option(self) -> str:
        """The option that set it, as the user wrote it."""
        if self.action is None:
            return f"--monthly-budget {self.budget}"
        return f"--budget {self.action}={self.budget}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, amounts exact."""
        return {
            "month": self.month,
            "action": self.action,
            "budget": self.budget,
            "spent": self.spent,
            "used": self.used,
            "over": self.over,
        }

    def reason(self) -> str:
        """Why the status fails, in one line."""
        what = "in all" if self.action is None else f"on {self.action}"
        return f"spent {self.spent:,} units {what} in {self.month}, over {self.option}"


def month_bounds_ms(now: datetime) -> tuple[str, int, int]:
    """``YYYY-MM`` of ``now`` (UTC), and its start and ``now`` as a half-open ms window.

    ``now`` counts up to its last whole millisecond, as the forecast's window does.
    """
    from youcam_units._forecast import ceil_ms  # noqa: PLC0415 - keeps `--help` fast

    utc = now.astimezone(UTC)
    start = datetime(utc.year, utc.month, 1, tzinfo=UTC)  # a whole day: its ceiling is itself
    return f"{start:%Y-%m}", ceil_ms(start), ceil_ms(now)


def _units(value: str, option: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number <= 0:
        raise click.BadParameter(
            f"{value!r} is not a number of units above 0 (like 5000 or 12.5)", param_hint=option
        )
    return number


def _monthly(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Decimal | None:
    return None if value is None else _units(value, "'--monthly-budget'")


def _per_action(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, Decimal]:
    budgets: dict[str, Decimal] = {}
    for value in values:
        action, equals, amount = value.partition("=")
        action = action.strip()
        if not equals or not action:
            raise click.BadParameter(
                f"{value!r} is not ACTION=UNITS (like --budget ai_photo_enhance=2000)",
                param_hint="'--budget'",
            )
        if action in budgets:
            raise click.BadParameter(f"{action} is given twice", param_hint="'--budget'")
        budgets[action] = _units(amount.strip(), "'--budget'")
    return budgets


budget_options: Final = stacked(
    click.option(
        "--monthly-budget",
        metavar="UNITS",
        callback=_monthly,
        help="Units this calendar month (UTC) may spend, every action together.",
    ),
    click.option(
        "--budget",
        "action_budgets",
        multiple=True,
        metavar="ACTION=UNITS",
        callback=_per_action,
        help="A monthly budget for one action (repeatable).",
    ),
)
