"""The ``summary`` bar chart: per group, units spent, expired and granted, each figure whole."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, NamedTuple

from rich.table import Table
from rich.text import Text

from youcam_units._cli._fit import MIN_GROUP_WIDTH, amounts
from youcam_units._cli._text import literal, printable

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal

    from youcam_units.ledger import SummaryRow

__all__ = ["CHART_WIDTH", "MIN_CHART_WIDTH", "bar", "narrowest_group", "summary_chart"]

_BLOCKS: Final = " ▏▎▍▌▋▊▉█"
CHART_WIDTH: Final = 24
MIN_CHART_WIDTH: Final = 4
_GLYPHS: Final = {"spent": "█", "expired": "░", "granted": "█"}
_ASCII_GLYPHS: Final = {"spent": "#", "expired": "-", "granted": "#"}
_CHART_STYLES: Final = {"spent": "red", "expired": "yellow", "granted": "green"}


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


def narrowest_group(by: str, longest: int) -> int:
    """A day or a month is never split; an action's name (or a raw-ms group) folds."""
    return min(longest, MIN_GROUP_WIDTH if by == "action" else len("YYYY-MM-DD"))


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
    legend. Each figure comes first, aligned on the point, then its bar (``_fit_chart``). Group
    names are shown literally, escaped where ``encoding`` cannot hold them.
    """
    values = {
        "spent": [r.spent for r in rows],
        "expired": [r.expired for r in rows],
        "granted": [r.granted for r in rows],
    }
    figures = _chart_figures(values)
    digits = {kind: max(len(kind), *map(len, column)) for kind, column in figures.items()}
    names = [printable(row.group, encoding) for row in rows]
    longest = max(len(by), *(len(name) for name in names))
    kinds = [kind for kind in ("spent", "expired", "granted") if any(values[kind])] or ["spent"]
    fit = _fit_chart(digits, kinds, width, longest, narrowest_group(by, longest))
    glyphs = _ASCII_GLYPHS if ascii_only else _GLYPHS
    legend = ", ".join(f"{glyphs[kind]} {kind}" for kind in fit.kinds)
    chart = Table(
        box=None,
        title=f"units per {by}: {legend}; each column on its own scale{fit.left_out}",
        title_justify="left",
        pad_edge=False,
    )
    chart.add_column(by, width=fit.group_width, overflow="fold")
    columns = []
    for kind in fit.kinds:
        chart.add_column(kind, width=digits[kind] + 1 + fit.bar_width, no_wrap=True)
        cells = _chart_column(
            kind, values[kind], figures[kind], digits[kind], fit.bar_width, ascii_only=ascii_only
        )
        columns.append(cells)
    for name, *cells in zip(names, *columns, strict=True):
        chart.add_row(literal(name), *cells)
    return chart


def _chart_figures(values: dict[str, list[Decimal]]) -> dict[str, list[str]]:
    """Each column's figures with one number of decimals (``amounts``); a blank for a zero."""
    return {
        kind: [text if value else "" for value, text in zip(column, amounts(column), strict=True)]
        for kind, column in values.items()
    }


class _ChartFit(NamedTuple):
    """How the chart fits its width: the columns it draws and how wide."""

    kinds: list[str]
    group_width: int
    bar_width: int
    left_out: str
    """The title's note on a column left out, or nothing."""


def _fit_chart(
    digits: dict[str, int], kinds: list[str], width: int, longest: int, narrowest: int
) -> _ChartFit:
    """The columns drawn in ``width`` cells, the group names' width and the bars'.

    The bars shrink to fit ``width``, the figures never do: where even the narrowest bars do not
    fit, the expired column goes (the note says so).
    """
    kinds = list(kinds)

    def room_per_bar(group_width: int) -> int:
        used = group_width + sum(digits[k] + 1 for k in kinds) + 2 * len(kinds)
        return (width - used) // len(kinds)

    left_out = ""
    if "expired" in kinds and len(kinds) > 1 and room_per_bar(narrowest) < MIN_CHART_WIDTH:
        kinds.remove("expired")
        left_out = f"; not shown at {width} columns: expired (see --format json)"
    # Whole group names when the bars keep half their width; else names fold at 20 cells.
    roomy = room_per_bar(longest) >= CHART_WIDTH // 2
    most_room = width - sum(digits[k] + 1 + MIN_CHART_WIDTH + 2 for k in kinds)
    group_width = longest if roomy else max(narrowest, min(20, longest, most_room))
    bar_width = max(MIN_CHART_WIDTH, min(CHART_WIDTH, room_per_bar(group_width)))
    return _ChartFit(kinds, group_width, bar_width, left_out)


def _chart_column(
    kind: str,
    values: Sequence[Decimal],
    figures: Sequence[str],
    digits: int,
    bar_width: int,
    *,
    ascii_only: bool,
) -> list[Text]:
    """One column's cells: each figure aligned on the point, then its bar on the column's scale.

    Expired units are whole cells of their own glyph: no eighths to mistake for spent.
    """
    glyph = (_ASCII_GLYPHS if ascii_only else _GLYPHS)[kind]
    most = max(values)
    cells = []
    for value, figure in zip(values, figures, strict=True):
        drawn = bar(value, most, bar_width, ascii_only=ascii_only)
        if kind == "expired":
            drawn = glyph * len(drawn)
        cells.append(Text.assemble(figure.rjust(digits), " ", (drawn, _CHART_STYLES[kind])))
    return cells
