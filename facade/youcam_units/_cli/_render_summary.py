"""The ``summary`` table and its bar chart: every figure whole, only group names fold.

They show at most ``--rows`` groups (the newest days or months, the actions that moved the most
units) and say how many they left out; the total line always counts every group, and
``--format json`` has every one. Ten years by day would otherwise be 3,650 lines of table and
chart, slow to draw and no use on a terminal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

from rich import box
from rich.table import Table
from rich.text import Text

from youcam_units._cli._fit import GAP, MIN_GROUP_WIDTH, ascii_only, print_whole
from youcam_units._cli._text import literal, printable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from youcam_units._money import UnitPrice
    from youcam_units.ledger import SummaryRow

__all__ = ["bar", "left_out_note", "pick_rows", "render_summary", "summary_chart"]

_BLOCKS: Final = " ▏▎▍▌▋▊▉█"
CHART_WIDTH: Final = 24
MIN_CHART_WIDTH: Final = 4


def bar(
    value: Decimal | int,
    largest: Decimal | int,
    width: int = CHART_WIDTH,
    *,
    ascii_only: bool = False,
) -> str:
    """A horizontal bar of ``value`` scaled so ``largest`` fills ``width`` cells.

    Eighth-cell steps in block characters; whole cells of ``#`` where the output cannot encode
    them (a cp1252 console, a redirected Windows stream).
    """
    if largest <= 0 or value <= 0:
        return ""
    if ascii_only:
        return "#" * max(1, round(value / largest * width))
    eighths = max(1, round(value / largest * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_BLOCKS[rest] if rest else "")


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
    columns = (*_SUMMARY_COLUMNS, (f"spent {price.currency}", "red")) if price else _SUMMARY_COLUMNS
    body = [
        (
            printable(row.group, console.encoding),
            _numbers(row.entries, row.spent, row.granted, row.expired, price),
        )
        for row in rows
    ]
    total = _numbers(
        sum(r.entries for r in everything),
        sum((r.spent for r in everything), Decimal(0)),
        sum((r.granted for r in everything), Decimal(0)),
        sum((r.expired for r in everything), Decimal(0)),
        price,
    )
    with_total = len(everything) > 1
    figures = [numbers for _, numbers in body] + ([total] if with_total else [])
    widths = [
        max(len(name), *(len(numbers[i]) for numbers in figures))
        for i, (name, _) in enumerate(columns)
    ]
    longest = max(len(by), len("total"), *(len(group) for group, _ in body))
    shown = list(range(len(columns)))
    room = console.width - sum(widths) - GAP * len(widths)
    title = f"units per {by} (UTC)"
    if left_out:
        title += (
            f", the newest {len(rows):,} of {len(everything):,}"
            if by != "action"
            else f", the {len(rows):,} of {len(everything):,} that moved the most units"
        )
    if room < min(longest, MIN_GROUP_WIDTH):
        # The entry counts matter least: they go before any unit figure is squeezed.
        shown.remove(0)
        room += widths[0] + GAP
        title += f"; not shown at {console.width} columns: entries (see --format json)"
    table = Table(
        box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False, show_edge=False
    )
    table.add_column(by, width=max(MIN_GROUP_WIDTH, min(longest, room)), overflow="fold")
    for i in shown:
        name, style = columns[i]
        table.add_column(name, justify="right", style=style, no_wrap=True, width=widths[i])
    for group, numbers in body:
        table.add_row(literal(group), *(numbers[i] for i in shown))
    if with_total:
        table.add_section()
        table.add_row("total", *(total[i] for i in shown), style="bold")
    print_whole(console, table)
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
        console.print(left_out_note(left_out, by), highlight=False, markup=False)


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


def _numbers(
    entries: int,
    spent: Decimal,
    granted: Decimal,
    expired: Decimal,
    price: UnitPrice | None = None,
) -> tuple[str, ...]:
    """A row's figures; with a price, what was spent in money, rounded once (the total too)."""
    numbers = (
        f"{entries:,}",
        f"{spent:,}",
        f"{granted:,}",
        f"{expired:,}",
        f"{granted - spent - expired:+,}",
    )
    if price is None:
        return numbers
    return (*numbers, f"{price.rounded(price.value(spent)):,}")


def summary_chart(
    rows: Sequence[SummaryRow],
    by: str,
    *,
    width: int = 80,
    ascii_only: bool = False,
    encoding: str | None = None,
) -> Table:
    """Bars per group: units spent (red, expired in yellow) and granted (green).

    Each column has its own scale (its largest value fills it): grants are rare and large,
    spending frequent and small, and one shared scale would flatten every spending bar. The bars
    shrink to fit ``width``; the figure after each bar never does. Group names are shown
    literally, escaped where ``encoding`` cannot hold them.
    """
    most_out = max((r.spent + r.expired for r in rows), default=Decimal(0))
    most_in = max((r.granted for r in rows), default=Decimal(0))
    # The longest figure, not the largest one's: 1,164.50 is wider than 1,275.
    out_digits = max((len(f"{r.spent + r.expired:,}") for r in rows), default=0) + 1
    in_digits = max((len(f"{r.granted:,}") for r in rows), default=0) + 1
    names = [printable(row.group, encoding) for row in rows]
    longest = max(len(by), *(len(name) for name in names))
    # Whole group names when the bars keep half their width; else names fold at 20 cells.
    roomy = (width - longest - out_digits - in_digits - 2 * GAP) // 2 >= CHART_WIDTH // 2
    group_width = longest if roomy else max(MIN_GROUP_WIDTH, min(20, longest))
    room = width - group_width - out_digits - in_digits - 2 * GAP
    bar_width = max(MIN_CHART_WIDTH, min(CHART_WIDTH, room // 2))
    chart = Table(
        box=None, title="spent (expired) and granted", title_justify="left", pad_edge=False
    )
    chart.add_column(by, width=group_width, overflow="fold")
    chart.add_column("spent", width=bar_width + out_digits, no_wrap=True)
    chart.add_column("granted", width=bar_width + in_digits, no_wrap=True)
    for row, name in zip(rows, names, strict=True):
        out = row.spent + row.expired
        spent_cells = bar(out, most_out, bar_width, ascii_only=ascii_only)
        expired_cells = bar(row.expired, most_out, bar_width, ascii_only=ascii_only)
        expired_len = len(expired_cells) if row.expired else 0
        spent_text = Text.assemble(
            (spent_cells[: len(spent_cells) - expired_len], "red"),
            (spent_cells[len(spent_cells) - expired_len :], "yellow"),
            f" {out:,}" if out else "",
        )
        granted_text = Text.assemble(
            (bar(row.granted, most_in, bar_width, ascii_only=ascii_only), "green"),
            f" {row.granted:,}" if row.granted else "",
        )
        chart.add_row(literal(name), spent_text, granted_text)
    return chart
