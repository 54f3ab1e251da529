"""The ``youcam-units`` command: a thin layer over ``youcam_units.Client`` and the ledger.

Installed with the ``cli`` extra (click, rich, platformdirs); the library never imports this
package. See ``youcam-units --help``. ``pip install youcam-units`` still installs the command:
without the extra it says, in one line, which extra to install.

click rather than typer: the commands need explicit control over parsing errors and exit codes
(every expected failure is one line, 2 for usage), shared option groups and a test runner that
passes a ``Runtime`` in through ``obj``; click gives all of that directly, typer only through
click underneath, with one more dependency and annotation magic between.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from youcam_units._cli._extra import missing_dependency

if TYPE_CHECKING:
    import click

__all__ = ["cli", "main"]


def main() -> None:
    """The ``youcam-units`` entry point: the commands, or one line naming the missing extra."""
    try:
        from youcam_units._cli._commands import main as run  # noqa: PLC0415

        run()
    except ModuleNotFoundError as exc:
        # Also from a command's body: rich, platformdirs are imported where they are used.
        missing = missing_dependency(exc)
        if missing is None:
            raise
        sys.stderr.write(
            f"youcam-units: error: the command needs the cli extra ({missing} is missing): "
            "pip install 'youcam-units[cli]'\n"
        )
        sys.exit(1)


def __getattr__(name: str) -> click.Group:
    if name == "cli":
        from youcam_units._cli._commands import cli  # noqa: PLC0415

        return cli
    raise AttributeError(name)
