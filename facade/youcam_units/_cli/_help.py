"""``--help`` as wide as the terminal, down to 40 columns, through click's documented classes.

click alone formats help at 50 columns at the least and leaves 10 beside options of up to 30,
splitting words (``YO UCAM_ACCESS_TOKE N``); on a 40-column terminal every line wrapped.
``Command`` and the group (``_runtime._Group``) make their contexts with ``Context``, whose
``HelpFormatter`` follows the terminal and, where the help beside the names would be narrower
than ``MIN_TEXT_WIDTH``, writes each name's help under it, in whole words.
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
NARROWEST_TERMINAL: Final = 40
"""The narrowest terminal help is laid out for."""
MIN_TEXT_WIDTH: Final = 24
"""Below this many columns beside its name, an option's or a command's help goes under it."""


class HelpFormatter(click.HelpFormatter):
    """click's formatter, down to 40 columns, with help under its name when that is narrow."""

    def __init__(
        self,
        indent_increment: int = 2,
        width: int | None = None,
        max_width: int | None = None,
    ) -> None:
        if width is None:
            columns = shutil.get_terminal_size().columns
            width = max(min(columns, max_width or MAX_WIDTH), NARROWEST_TERMINAL) - 2
        super().__init__(indent_increment, width, max_width)

    def write_dl(
        self,
        rows: Iterable[tuple[str, str]],
        col_max: int = 30,
        col_spacing: int = 2,
    ) -> None:
        listed = list(rows)
        names = min(max((len(name) for name, _ in listed), default=0), col_max) + col_spacing
        if self.width - names - 2 >= MIN_TEXT_WIDTH:  # what click leaves the help beside them
            super().write_dl(listed, col_max, col_spacing)
            return
        for name, text in listed:
            self.write(f"{'':>{self.current_indent}}{name}\n")
            if text:
                with self.indentation(), self.indentation():
                    self.write_text(text)


class Context(click.Context):
    """A click context that formats help with ``HelpFormatter``."""

    formatter_class = HelpFormatter


class Command(click.Command):
    """A click command whose help fits the terminal (``@click.command(cls=Command)``)."""

    context_class = Context
