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
from typing import TYPE_CHECKING, Final

from youcam_units._cli._extra import CLI_DEPENDENCIES

if TYPE_CHECKING:
    import click

__all__ = ["cli", "main"]


HTTPX_COMMAND_LINE: Final = "httpx._main"


def main() -> None:
    """The ``youcam-units`` entry point: the commands, or one line naming the missing extra."""
    skip_httpx_command_line()
    try:
        from youcam_units._cli._commands import main as run  # noqa: PLC0415

        run()
    except ModuleNotFoundError as exc:
        # Also from a command's body: rich, platformdirs are imported where they are used.
        missing = (exc.name or "").partition(".")[0]
        if missing not in CLI_DEPENDENCIES:
            raise
        sys.stderr.write(
            f"youcam-units: error: the command needs the cli extra ({missing} is missing): "
            "pip install 'youcam-units[cli]'\n"
        )
        sys.exit(1)


def skip_httpx_command_line() -> None:
    """Keep httpx from importing its own command line into this process.

    ``import httpx`` runs ``from ._main import main`` inside ``try/except ImportError``, and
    ``httpx._main`` imports click, rich, pygments and most of rich's renderers whenever they are
    installed, as our cli extra installs them: 50 to 140 ms of every command that makes a
    request, for a ``main`` this process never calls (httpx 0.28; encode/httpx has no lazy
    import of it). ``None`` in ``sys.modules`` makes that one import raise ``ImportError``, the
    documented way to block an import, so httpx falls back to its stub ``main`` and everything
    else in httpx is untouched. Only the command's own process does this, from its entry
    point: the library never touches httpx's imports for its users.
    """
    sys.modules.setdefault(HTTPX_COMMAND_LINE, None)  # type: ignore[arg-type] # None: blocked


def __getattr__(name: str) -> click.Group:
    if name == "cli":
        from youcam_units._cli._commands import cli  # noqa: PLC0415

        return cli
    raise AttributeError(name)
