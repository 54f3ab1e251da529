"""print_whole: a table that cannot fit the terminal is written wider, never with a figure cut."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from youcam_units._cli._fit import print_whole


def test_a_table_wider_than_the_terminal_keeps_every_digit() -> None:
    """Console.print clamps width to the terminal's; print_whole still shows all 65 columns."""
    out = io.StringIO()
    console = Console(file=out, width=60, color_system=None)
    table = Table(show_header=False, pad_edge=False, show_edge=False, box=None)
    figures = ["1234567890123", "-9,876,543.21", "+14,874.79", "12,345,678.90", "0.05"]
    for figure in figures:
        table.add_column(justify="right", no_wrap=True, width=len(figure) + 1)
    table.add_row(*figures)
    print_whole(console, table)
    assert out.getvalue().split() == figures
    assert console.width == 60  # the console is given back its own width
