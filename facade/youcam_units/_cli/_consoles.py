"""The rich consoles and the progress line: imported by commands that print, never by ``--help``."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Final

from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["progress", "stdout_console"]

WIDTH_WHEN_PIPED: Final = 160


class _StdoutConsole(Console):
    """rich's console, but a closed pipe ends the command like any other write to it."""

    def on_broken_pipe(self) -> None:
        """Where rich would exit with status 1, the group stops quietly with 141 instead."""
        self.quiet = True
        raise BrokenPipeError


def stdout_console() -> Console:
    """Rich output on stdout: the terminal's width, or a wide page when piped to a file.

    No markup and no emoji codes are read in plain strings: text from the service is drawn as
    written (renderers hand it over as ``_text.literal`` besides).
    """
    console = _StdoutConsole(highlight=False, markup=False, emoji=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = _StdoutConsole(highlight=False, markup=False, emoji=False, width=WIDTH_WHEN_PIPED)
    return console


def progress(console: Console, label: str) -> Progress:
    """A spinner with a count, on a console that is a terminal."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    return Progress(
        SpinnerColumn(),
        TextColumn(label),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
