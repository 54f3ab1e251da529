"""Fitting tables to the terminal without ever cutting a figure: what every renderer shares.

Unit amounts in a table column all show the same number of decimals, so they line up on the
point and ``1,020.00`` is not misread beside ``729.16``: two, or more when a value needs more
(``0.125`` stays ``0.125`` and the others gain a ``0``). A digit is never rounded away; JSON and
CSV keep every amount exactly as the service sent it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from rich import box
from rich.segment import Segment, Segments
from rich.table import Table

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from decimal import Decimal

    from rich.console import Console, ConsoleRenderable

__all__ = [
    "GAP",
    "MIN_GROUP_WIDTH",
    "UNIT_DECIMALS",
    "amounts",
    "ascii_only",
    "decimals_needed",
    "print_whole",
    "titled_table",
]

GAP: Final = 3
"""Cells between two columns: padding on each side and the box's divider."""
MIN_GROUP_WIDTH: Final = 8
"""The narrowest a folding name column (a group, an action) gets before figures give way."""
UNIT_DECIMALS: Final = 2
"""Unit amounts in tables: at least this many decimals (the service prices to the cent)."""


def decimals_needed(values: Iterable[Decimal | None]) -> int:
    """The decimals a column needs to show every value exactly: at least ``UNIT_DECIMALS``."""
    most = UNIT_DECIMALS
    for value in values:
        if value is not None:
            most = max(most, -_exponent(value))
    return most


def amounts(
    values: Sequence[Decimal | None], *, sign: bool = False, decimals: int | None = None
) -> list[str]:
    """``values`` with thousands separators and one number of decimals, exact.

    ``decimals`` defaults to what the column needs (``decimals_needed``); right-justified, the
    strings line up on the point. ``sign`` writes ``+`` before a positive value. A value the
    service did not send (``None``) is a blank cell.
    """
    places = decimals_needed(values) if decimals is None else decimals
    return ["" if value is None else _amount(value, places, sign=sign) for value in values]


def _amount(value: Decimal, places: int, *, sign: bool) -> str:
    if not value.is_finite():
        return str(value)
    # Never fewer decimals than the value has: a digit is never rounded away.
    return f"{value:{'+' if sign else ''},.{max(places, -_exponent(value))}f}"


def _exponent(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def titled_table(title: str | None, *, show_header: bool = True) -> Table:
    """The look every table shares: a rule under the header, no outer edge, the title left."""
    return Table(
        box=box.SIMPLE_HEAD,
        show_header=show_header,
        pad_edge=False,
        show_edge=False,
        title=title,
        title_justify="left",
    )


def print_whole(console: Console, renderable: ConsoleRenderable) -> None:
    """Print without cutting, and without padding lines with trailing spaces.

    A table wider than the terminal is written whole, not cropped; each line ends at its last
    visible cell, so a table sent to a pipe or a file carries no trailing blanks.
    """
    needed = console.measure(renderable, options=console.options.update_width(10_000)).minimum
    width = max(needed, console.width)
    lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
    segments: list[Segment] = []
    for line in lines:
        segments.extend(_without_trailing_blanks(line))
        segments.append(Segment.line())
    console.print(Segments(segments), crop=False)


def _without_trailing_blanks(line: list[Segment]) -> list[Segment]:
    """``line`` minus the blanks at its end (those with no background to show)."""
    kept = list(line)
    while kept:
        last = kept[-1]
        if last.control or (last.style is not None and last.style.bgcolor is not None):
            break
        text = last.text.rstrip(" ")
        if text:
            kept[-1] = Segment(text, last.style, last.control)
            break
        kept.pop()
    return kept


def ascii_only(console: Console) -> bool:
    """Whether the output cannot encode block characters (a cp1252 console, a Windows pipe)."""
    return not console.encoding.lower().replace("-", "").startswith("utf")
