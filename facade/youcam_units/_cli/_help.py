"""``--help`` as wide as the terminal, down to 40 columns, through click's documented classes.

click alone formats help at 50 columns at the least and gives an option's name up to 30 of
them, so on a 40-column terminal every line of help wrapped twice. ``Command`` and the group
(``_runtime._Group``) make their contexts with ``Context``, whose ``HelpFormatter`` has neither
limit: the options' column narrows so that their help keeps ``MIN_TEXT_WIDTH`` characters.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Final

import click

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Command", "Context", "HelpFormatter"]

MAX_WIDTH: Final = 80
"""click's own: help is never wider than this, whatever the terminal."""
MIN_TEXT_WIDTH: Final = 24
"""The least an option's or a command's description keeps beside its name."""


class HelpFormatter(click.HelpFormatter):
    """click's formatter, without its floor of 50 columns and its fixed 30-column names."""

    def __init__(
        self,
        indent_increment: int = 2,
        width: int | None = None,
        max_width: int | None = None,
    ) -> None:
        if width is None:
            columns = shutil.get_terminal_size().columns
            width = max(min(columns, max_width or MAX_WIDTH) - 2, MIN_TEXT_WIDTH)
        super().__init__(indent_increment, width, max_width)

    def write_dl(
        self,
        rows: Iterable[tuple[str, str]],
        col_max: int = 30,
        col_spacing: int = 2,
    ) -> None:
        # click wraps the description in (width - names' column - 2) characters
        room = self.width - col_spacing - 2 - MIN_TEXT_WIDTH
        super().write_dl(rows, max(min(col_max, room), 1), col_spacing)


class Context(click.Context):
    """A click context that formats help with ``HelpFormatter``."""

    formatter_class = HelpFormatter


class Command(click.Command):
    """A click command whose help fits the terminal (``@click.command(cls=Command)``)."""

    context_class = Context
