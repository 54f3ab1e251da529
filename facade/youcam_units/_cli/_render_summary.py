"""The ``summary`` output: its table, then its chart (``_summary_chart``); only group names fold.

They show at most ``--rows`` groups (the newest days or months, the actions that moved the most
units) and say how many they left out; the total line always counts every group, and
``--format json`` has every one. Ten years by day would otherwise be 3,650 lines of table and
chart, slow to draw and no use on a terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from rich.text import Text

from youcam_units._amounts import exact_subtract, exact_sum
from youcam_units._cli._fit import GAP, amounts, ascii_only, print_whole, titled_table
from youcam_units._cli._summary_chart import narrowest_group, summary_chart
from youcam_units._cli._text import literal, printable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console
    from rich.table import Table

    from youcam_units._money import UnitPrice
    from youcam_units.ledger import SummaryRow

__all__ = ["left_out_note", "pick_rows", "render_summary"]


def pick_rows(rows: Sequence[SummaryRow], by: str, limit: int | None) -> list[SummaryRow]:
    """The groups to draw: all of them, or at most ``limit``, in the order ``rows`` has them.

    Days and months: the newest (``rows`` is a time line, oldest first). Actions: those that
    moved the most units (spent, granted and expired together), so a rare but large grant is
    not pushed out by many small spenders.
    """
    if limit is None or len(rows) <= limit:
        return list(rows)
    if by != "action":
        return list(rows[-limit:])
    moved = sorted(
        range(len(rows)), key=lambda i: -(rows[i].spent + rows[i].granted + rows[i].expired)
    )
    kept = set(moved[:limit])
    return [row for i, row in enumerate(rows) if i in kept]


def render_summary(
    rows: Sequence[SummaryRow],
    by: str,
    console: Console,
    *,
    limit: int | None = None,
    price: UnitPrice | None = None,
) -> None:
    """Print the totals table, then a bar chart of units spent and granted per group.

    Every figure keeps its full width; only the group names fold to fit the terminal. With
    ``limit``, at most that many groups are drawn (``pick_rows``) and a last line says how many
    were left out; the total still counts every group.
    """
    everything = rows
    rows = pick_rows(everything, by, limit)
    left_out = len(everything) - len(rows)
    print_whole(console, _summary_table(rows, everything, by, console, price))
    print_whole(
        console,
        summary_chart(
            rows,
            by,
            width=console.width,
            ascii_only=ascii_only(console),
            encoding=console.encoding,
        ),
    )
    if left_out:
        print_whole(console, Text(left_out_note(left_out, by)))


def _summary_table(
    rows: Sequence[SummaryRow],
    everything: Sequence[SummaryRow],
    by: str,
    console: Console,
    price: UnitPrice | None,
) -> Table:
    """The totals of ``rows``, then (of two groups or more) of ``everything``, to fit the width."""
    columns = (*_SUMMARY_COLUMNS, (f"spent {price.currency}", "red")) if price else _SUMMARY_COLUMNS
    with_total = len(everything) > 1
    figures = _figures(rows, everything if with_total else None, price)
    body, total = figures[: len(rows)], (figures[-1] if with_total else None)
    groups = [printable(row.group, console.encoding) for row in rows]
    widths = [
        max(len(name), *(len(numbers[i]) for numbers in figures))
        for i, (name, _) in enumerate(columns)
    ]
    longest = max(len(by), len("total"), *(len(group) for group in groups))
    narrowest = narrowest_group(by, longest)
    shown, dropped = _fitting_columns(columns, widths, console.width, narrowest, priced=bool(price))
    room = _room(console.width, widths, shown)
    table = titled_table(_summary_title(by, len(rows), len(everything), dropped, console.width))
    table.add_column(by, width=max(narrowest, min(longest, room)), overflow="fold")
    for i in shown:
        name, style = columns[i]
        table.add_column(name, justify="right", style=style, no_wrap=True, width=widths[i])
    for group, numbers in zip(groups, body, strict=True):
        table.add_row(literal(group), *(numbers[i] for i in shown))
    if total is not None:
        table.add_section()
        table.add_row("total", *(total[i] for i in shown), style="bold")
    return table


def _room(width: int, widths: Sequence[int], shown: Sequence[int]) -> int:
    """What ``width`` leaves the group names beside the ``shown`` figure columns."""
    return width - sum(widths[j] for j in shown) - GAP * len(shown)


def _fitting_columns(
    columns: Sequence[tuple[str, str]],
    widths: Sequence[int],
    width: int,
    narrowest: int,
    *,
    priced: bool,
) -> tuple[list[int], list[str]]:
    """The figure columns shown (their indexes) and the names of those dropped to fit ``width``.

    The least important figures go first, whole, before any figure would be cut or split:
    entries, net (granted less spent and expired), the money, expired, granted.
    """
    shown = list(range(len(columns)))
    dropped: list[str] = []
    for i in _DROP_ORDER[: len(columns)] if priced else _DROP_ORDER_NO_PRICE:
        if _room(width, widths, shown) >= narrowest:
            break
        shown.remove(i)
        dropped.append(columns[i][0])
    return shown, dropped


def _summary_title(by: str, drawn: int, groups: int, dropped: Sequence[str], width: int) -> str:
    """What the table shows: of how many groups, and which columns ``width`` left out."""
    title = f"units per {by} (UTC)"
    if drawn < groups:
        title += (
            f", the newest {drawn:,} of {groups:,}"
            if by != "action"
            else f", the {drawn:,} of {groups:,} that moved the most units"
        )
    if dropped:
        title += f"; not shown at {width} columns: {', '.join(dropped)} (see --format json)"
    return title


def left_out_note(left_out: int, by: str) -> str:
    """The line under a capped chart: how many groups it left out, and how to see them."""
    kind = f"{by}{'s' if left_out != 1 else ''}"
    which = f"older {kind}" if by != "action" else f"{kind} that moved fewer units"
    return (
        f"{left_out:,} {which} not shown (the total includes them): see every {by} with "
        "--all, or --format json"
    )


_SUMMARY_COLUMNS: Final = (
    ("entries", ""),
    ("spent", "red"),
    ("granted", "green"),
    ("expired", "yellow"),
    ("net", ""),
)


_DROP_ORDER: Final = (0, 4, 5, 3, 2)
_DROP_ORDER_NO_PRICE: Final = (0, 4, 3, 2)


def _figures(
    rows: Sequence[SummaryRow],
    everything: Sequence[SummaryRow] | None,
    price: UnitPrice | None,
) -> list[tuple[str, ...]]:
    """Each row's figures, then (given ``everything``) the total's.

    A column's amounts share one number of decimals (``amounts``); money is rounded once.
    """
    spent = [r.spent for r in rows]
    granted = [r.granted for r in rows]
    expired = [r.expired for r in rows]
    entries = [r.entries for r in rows]
    if everything is not None:
        spent.append(exact_sum(r.spent for r in everything))
        granted.append(exact_sum(r.granted for r in everything))
        expired.append(exact_sum(r.expired for r in everything))
        entries.append(sum(r.entries for r in everything))
    net = [
        exact_subtract(exact_subtract(g, s), e)
        for s, g, e in zip(spent, granted, expired, strict=True)
    ]
    columns = [
        [f"{count:,}" for count in entries],
        amounts(spent),
        amounts(granted),
        amounts(expired),
        amounts(net, sign=True),
    ]
    if price is not None:
        columns.append([f"{price.rounded(price.value(value)):,}" for value in spent])
    return list(zip(*columns, strict=True))
