"""Fitting tables to the terminal without ever cutting a figure: what every renderer shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

__all__ = ["GAP", "MIN_GROUP_WIDTH", "ascii_only", "print_whole"]

GAP: Final = 3
"""Cells between two columns: padding on each side and the box's divider."""
MIN_GROUP_WIDTH: Final = 8
"""The narrowest a folding name column (a group, an action) gets before figures give way."""


def print_whole(console: Console, renderable: Table) -> None:
    """Print without cutting: a table wider than the terminal is written whole, not cropped."""
    needed = console.measure(renderable, options=console.options.update_width(10_000)).minimum
    if needed <= console.width:
        console.print(renderable, crop=False)
        return
    # Console.print clamps its width argument to the console's: widen the console itself.
    terminal_width = console.width
    console.width = needed
    try:
        console.print(renderable, crop=False)
    finally:
        console.width = terminal_width


def ascii_only(console: Console) -> bool:
    """Whether the output cannot encode block characters (a cp1252 console, a Windows pipe)."""
    return not console.encoding.lower().replace("-", "").startswith("utf")
