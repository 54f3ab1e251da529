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

from youcam_units._cli._fit import GAP, MIN_GROUP_WIDTH, amounts, ascii_only, print_whole
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
    with_total = len(everything) > 1
    figures = _figures(rows, everything if with_total else None, price)
    body, total = figures[: len(rows)], (figures[-1] if with_total else None)
    groups = [printable(row.group, console.encoding) for row in rows]
    widths = [
        max(len(name), *(len(numbers[i]) for numbers in figures))
        for i, (name, _) in enumerate(columns)
    ]
    longest = max(len(by), len("total"), *(len(group) for group in groups))
    narrowest = _narrowest_group(by, longest)
    shown = list(range(len(columns)))
    dropped: list[str] = []
    # The least important figures go first, whole, before any figure would be cut or split:
    # entries, net (granted less spent and expired), the money, expired, granted.
    for i in _DROP_ORDER[: len(columns)] if price else _DROP_ORDER_NO_PRICE:
        if console.width - sum(widths[j] for j in shown) - GAP * len(shown) >= narrowest:
            break
        shown.remove(i)
        dropped.append(columns[i][0])
    room = console.width - sum(widths[j] for j in shown) - GAP * len(shown)
    title = f"units per {by} (UTC)"
    if left_out:
        title += (
            f", the newest {len(rows):,} of {len(everything):,}"
            if by != "action"
            else f", the {len(rows):,} of {len(everything):,} that moved the most units"
        )
    if dropped:
        title += f"; not shown at {console.width} columns: {', '.join(dropped)} (see --format json)"
    table = Table(
        box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False, show_edge=False
    )
    table.add_column(by, width=max(narrowest, min(longest, room)), overflow="fold")
    for i in shown:
        name, style = columns[i]
        table.add_column(name, justify="right", style=style, no_wrap=True, width=widths[i])
    for group, numbers in zip(groups, body, strict=True):
        table.add_row(literal(group), *(numbers[i] for i in shown))
    if total is not None:
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
        print_whole(console, Text(left_out_note(left_out, by)))


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
        spent.append(sum((r.spent for r in everything), Decimal(0)))
        granted.append(sum((r.granted for r in everything), Decimal(0)))
        expired.append(sum((r.expired for r in everything), Decimal(0)))
        entries.append(sum(r.entries for r in everything))
    net = [g - s - e for s, g, e in zip(spent, granted, expired, strict=True)]
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


def _narrowest_group(by: str, longest: int) -> int:
    """A day or a month is never split; an action's name (or a raw-ms group) folds."""
    return min(longest, MIN_GROUP_WIDTH if by == "action" else len("YYYY-MM-DD"))


_GLYPHS: Final = {"spent": "█", "expired": "░", "granted": "█"}
_ASCII_GLYPHS: Final = {"spent": "#", "expired": "-", "granted": "#"}
_CHART_STYLES: Final = {"spent": "red", "expired": "yellow", "granted": "green"}


def summary_chart(
    rows: Sequence[SummaryRow],
    by: str,
    *,
    width: int = 80,
    ascii_only: bool = False,
    encoding: str | None = None,
) -> Table:
    """Bars per group: units spent, expired and granted, each in a column of its own.

    Each column has its own scale (its largest value fills it): grants are rare and large,
    spending frequent and small, and one expiry can outweigh a month of spending; one shared
    scale would flatten every spending bar. Expired units are drawn in another glyph (``░``, or
    ``-`` where blocks cannot be encoded) so they differ without colour, and the title is the
    legend. Each figure comes first, aligned on the point, then its bar; the bars shrink to fit
    ``width``, the figures never do: where even the narrowest bars do not fit, the expired
    column goes (the title says so). Group names are shown literally, escaped where
    ``encoding`` cannot hold them.
    """
    values = {
        "spent": [r.spent for r in rows],
        "expired": [r.expired for r in rows],
        "granted": [r.granted for r in rows],
    }
    figures = {
        kind: [text if value else "" for value, text in zip(column, amounts(column), strict=True)]
        for kind, column in values.items()
    }
    digits = {kind: max(len(kind), *map(len, column)) for kind, column in figures.items()}
    names = [printable(row.group, encoding) for row in rows]
    longest = max(len(by), *(len(name) for name in names))
    narrowest = _narrowest_group(by, longest)
    kinds = [kind for kind in ("spent", "expired", "granted") if any(values[kind])] or ["spent"]

    def room_per_bar(group_width: int) -> int:
        used = group_width + sum(digits[k] + 1 for k in kinds) + 2 * len(kinds)
        return (width - used) // len(kinds)

    left_out = ""
    if "expired" in kinds and room_per_bar(narrowest) < MIN_CHART_WIDTH:
        kinds.remove("expired")
        left_out = f"; not shown at {width} columns: expired (see --format json)"
    # Whole group names when the bars keep half their width; else names fold at 20 cells.
    roomy = room_per_bar(longest) >= CHART_WIDTH // 2
    most_room = width - sum(digits[k] + 1 + MIN_CHART_WIDTH + 2 for k in kinds)
    group_width = longest if roomy else max(narrowest, min(20, longest, most_room))
    bar_width = max(MIN_CHART_WIDTH, min(CHART_WIDTH, room_per_bar(group_width)))
    glyphs = _ASCII_GLYPHS if ascii_only else _GLYPHS
    legend = ", ".join(f"{glyphs[kind]} {kind}" for kind in kinds)
    chart = Table(
        box=None,
        title=f"units per {by}: {legend}; each column on its own scale{left_out}",
        title_justify="left",
        pad_edge=False,
    )
    chart.add_column(by, width=group_width, overflow="fold")
    for kind in kinds:
        chart.add_column(kind, width=digits[kind] + 1 + bar_width, no_wrap=True)
    for i, name in enumerate(names):
        cells = [literal(name)]
        for kind in kinds:
            most = max(values[kind])
            drawn = bar(values[kind][i], most, bar_width, ascii_only=ascii_only)
            if kind == "expired":  # whole cells of its own glyph: no eighths to mistake for spent
                drawn = glyphs["expired"] * len(drawn)
            cells.append(
                Text.assemble(
                    figures[kind][i].rjust(digits[kind]), " ", (drawn, _CHART_STYLES[kind])
                )
            )
        chart.add_row(*cells)
    return chart
