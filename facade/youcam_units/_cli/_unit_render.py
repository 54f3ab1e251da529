"""Tables for ``balance`` and ``costs``, and the few lines and chart of ``status``.

As everywhere in the CLI, a figure is never cut to fit: number columns keep their full width
(``no_wrap``) and only text (a bucket type, a feature's description) folds. Figures that come
from the service are shown exactly, a column's amounts with one number of decimals (two, or
more when a value has more: ``_fit.amounts``); projections (a rate, units expected to expire) are
estimates and are shown to two decimals, exactly in ``--format json``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Final

from rich.table import Table
from rich.text import Text

from youcam_units._amounts import TENTH, about, last_days, rounded
from youcam_units._cli._fit import (
    GAP,
    MIN_GROUP_WIDTH,
    amounts,
    ascii_only,
    print_whole,
    titled_table,
)
from youcam_units._cli._text import literal, printable

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from rich.console import Console

    from youcam_units import Balance, FeatureCost, Forecast
    from youcam_units._cli._budgets import BudgetUse
    from youcam_units._money import UnitPrice

__all__ = ["render_balance", "render_budgets", "render_costs", "render_status", "sparkline"]

_STATUS_LABEL_WIDTH: Final = len("spending")
"""The budget lines line up with the status's own labels (balance, spending, runs out, ...)."""
_SPARKS: Final = "▁▂▃▄▅▆▇█"
_ASCII_SPARKS: Final = ".:-=+*#@"


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def _text_width(console: Console, longest: int, fixed: Sequence[int]) -> int:
    room = console.width - sum(fixed) - GAP * len(fixed)
    return max(MIN_GROUP_WIDTH, min(longest, room))


def render_balance(balance: Balance, console: Console) -> None:
    """Buckets soonest-expiring first (never-expiring last), then the exact total."""
    buckets = balance.by_expiry
    *figures, total = amounts([*(bucket.amount for bucket in buckets), balance.total])
    amount_width = max(len("units"), len(total), *(len(a) for a in figures))
    expiry_width = len("YYYY-MM-DD HH:MM")
    types = [printable(bucket.type or "", console.encoding) for bucket in buckets]
    table = titled_table(
        f"balance: {total} units in {len(buckets)} bucket{'s' * (len(buckets) != 1)}"
    )
    longest = max(len("type"), len("total"), *(len(t) for t in types))
    table.add_column(
        "type", width=_text_width(console, longest, (amount_width, expiry_width)), overflow="fold"
    )
    table.add_column("units", justify="right", no_wrap=True, width=amount_width)
    table.add_column("expires (UTC)", no_wrap=True, width=expiry_width)
    for kind, amount, bucket in zip(types, figures, buckets, strict=True):
        table.add_row(literal(kind), amount, _when(bucket.expires_at))
    table.add_section()
    table.add_row("total", total, "", style="bold")
    print_whole(console, table)


def render_costs(found: Sequence[FeatureCost], console: Console) -> None:
    """One row per SKU: the feature, its units, and per how much of what; blank where unsent."""
    figures = amounts([cost.amount for cost in found])
    pers = [printable(_per(cost), console.encoding) for cost in found]
    amount_width = max(len("units"), *(len(a) for a in figures))
    per_width = max(len("per"), *(len(p) for p in pers))
    descriptions = [printable(cost.description or "", console.encoding) for cost in found]
    longest = max(len("feature"), *(len(text) for text in descriptions))
    table = titled_table(f"feature costs ({len(found)})")
    table.add_column(
        "feature", width=_text_width(console, longest, (amount_width, per_width)), overflow="fold"
    )
    table.add_column("units", justify="right", no_wrap=True, width=amount_width)
    table.add_column("per", no_wrap=True, width=per_width)
    for text, amount, per in zip(descriptions, figures, pers, strict=True):
        table.add_row(literal(text), amount, literal(per))
    print_whole(console, table)


def _per(cost: FeatureCost) -> str:
    """``1 result_image``; the part the service did not send left out."""
    count = None if cost.proc_unit is None else f"{cost.proc_unit:,}"
    return " ".join(part for part in (count, cost.unit) if part is not None)


def sparkline(values: Sequence[Decimal], *, ascii_only: bool = False) -> str:
    """One cell per value, its height scaled to the largest; a blank for zero."""
    marks = _ASCII_SPARKS if ascii_only else _SPARKS
    largest = max(values, default=Decimal(0))
    if largest <= 0:
        return " " * len(values)
    cells = []
    for value in values:
        if value <= 0:
            cells.append(" ")
            continue
        step = int(value / largest * (len(marks) - 1) + Decimal("0.5"))
        cells.append(marks[min(step, len(marks) - 1)])
    return "".join(cells)


def render_status(
    outlook: Forecast,
    daily: Sequence[Decimal],
    console: Console,
    *,
    price: UnitPrice | None = None,
) -> None:
    """Balance, spending, run-out and expiring units in a few lines, and a spending chart.

    With a ``price``, each figure in units is followed by its value, rounded once for display.
    """
    rows: list[tuple[str, str]] = [
        ("balance", f"{outlook.balance:,} units{_worth(outlook.balance, price)}"),
        ("spending", _spending(outlook, price)),
        *_expired(outlook),
        ("runs out", _runs_out(outlook)),
        ("expiring", _expiring(outlook, price)),
    ]
    if price is not None:
        rows.append(("price", price.per_unit()))
    label_width = max(len(label) for label, _ in rows)
    most = max(daily, default=Decimal(0))
    lines = [(label, Text(text)) for label, text in rows]
    lines.append(
        (
            "spent",
            Text.assemble(
                (sparkline(daily, ascii_only=ascii_only(console)), "red"),
                f"  per UTC day, last {len(daily)} days (most {about(most)})",
            ),
        )
    )
    print_whole(console, _labelled(lines, label_width, console.width))


def _worth(units: Decimal, price: UnitPrice | None) -> str:
    """What ``units`` are worth, to follow them, when a price is given."""
    return "" if price is None else f" ({price.display(price.value(units))})"


def _spending(outlook: Forecast, price: UnitPrice | None) -> str:
    return (
        f"about {about(outlook.spend_per_day)} units per day"
        f"{_worth(outlook.spend_per_day, price)} "
        f"({last_days(outlook.rate.days)})"
    )


def _expired(outlook: Forecast) -> list[tuple[str, str]]:
    """A line for the buckets past their expiry that the service still counts, if any."""
    if not outlook.expired:
        return []
    count = len(outlook.expired)
    last = outlook.expired[-1].expires_at
    assert last is not None  # noqa: S101 - expired buckets have an expiry
    return [
        (
            "expired",
            (
                f"{outlook.expired_total:,} units in {count} bucket{'s' * (count != 1)} "
                f"whose expiry passed (last on {last:%Y-%m-%d}): still in the service's "
                "balance, not spendable, left out below"
            ),
        )
    ]


def _runs_out(outlook: Forecast) -> str:
    """Never, already, or the day and the days until it (past year 9999: ``after 9999``)."""
    left = outlook.days_left
    if left is None:
        return "never at this rate"
    if left == 0 and outlook.spendable <= 0:
        return "already: no unexpired units left"
    when = "after 9999" if outlook.runs_out_at is None else f"{outlook.runs_out_at:%Y-%m-%d}"
    return f"{when} (in about {rounded(left, TENTH)} days)"


def _expiring(outlook: Forecast, price: UnitPrice | None) -> str:
    horizon_days = outlook.horizon.days
    if not outlook.expiring:
        return f"none unspent within {horizon_days} days"
    first = outlook.expiring[0].expires_at
    return (
        f"about {about(outlook.expiring_total)} units unspent"
        f"{_worth(outlook.expiring_total, price)}, first on "
        f"{first:%Y-%m-%d} (within {horizon_days} days)"
    )


def _labelled(lines: Sequence[tuple[str, Text]], label_width: int, width: int) -> Table:
    """Label and text side by side in ``width`` cells.

    A long text wraps under itself at spaces (a figure is one word, never split); only a word
    longer than the line (an action's name) folds.
    """
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(width=label_width, no_wrap=True, style="bold")
    grid.add_column(overflow="fold", width=max(MIN_GROUP_WIDTH, width - label_width - 2))
    for label, text in lines:
        grid.add_row(label, text)
    return grid


def render_budgets(uses: Sequence[BudgetUse], console: Console) -> None:
    """One line per budget: units spent this month of the budget (exact), and the share used."""
    lines = []
    for use in uses:
        on = "" if use.action is None else f" on {use.action}"
        share = (use.used * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        text = Text.assemble(
            f"{use.spent:,} of {use.budget:,} units spent{on} in {use.month} ({share}%)",
            ("  over budget" if use.over else "", "bold red"),
        )
        lines.append(("budget", text))
    if lines:
        print_whole(console, _labelled(lines, _STATUS_LABEL_WIDTH, console.width))
