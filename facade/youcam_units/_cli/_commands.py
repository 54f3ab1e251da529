"""The ``youcam-units`` group: every command, registered here by name, loaded when it is used.

Each command lives in its own module and imports nothing from this one: ``COMMANDS`` names
them all, and ``LazyGroup`` (click's documented lazily loading group) imports a command's
module only when that command runs, or when ``--help`` lists it. Shared pieces: ``_runtime``
(names, ``Runtime``, one-line failures), ``_options``, ``_days``, ``_sources`` and
``_terminal`` (the inputs, the client, the consoles).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._runtime import (
    DEMO_ENTRIES,
    DEMO_SEED,
    EXIT_BROKEN_PIPE,
    PROG,
    Runtime,
    _Group,
    _stop_quietly,
    exit_codes_epilog,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "COMMANDS",
    "DEMO_ENTRIES",
    "DEMO_SEED",
    "EXIT_BROKEN_PIPE",
    "PROG",
    "Runtime",
    "cli",
    "main",
]

COMMANDS: Final[Mapping[str, str]] = {
    "accounts": "youcam_units._cli._account_commands:accounts",
    "balance": "youcam_units._cli._unit_commands:balance",
    "costs": "youcam_units._cli._unit_commands:costs",
    "export": "youcam_units._cli._export_command:export",
    "history": "youcam_units._cli._history_command:history",
    "metrics": "youcam_units._cli._metrics_command:metrics",
    "mock": "youcam_units._cli._mock_command:mock",
    "report": "youcam_units._cli._report_command:report",
    "status": "youcam_units._cli._status_commands:status",
    "summary": "youcam_units._cli._summary_command:summary",
    "sync": "youcam_units._cli._sync_command:sync_command",
}
"""Every command: its name, and the ``module:function`` that defines it."""


class LazyGroup(_Group):
    """A group whose commands are imported by name when first needed.

    click's "Lazily Loading Subcommands": a command's dependencies load only for that command.
    """

    def __init__(self, *args: Any, lazy_commands: Mapping[str, str], **kwargs: Any) -> None:  # noqa: ANN401 - click's own
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a registration typo
            msg = f"{target} is not a click command"
            raise TypeError(msg)
        return command


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=exit_codes_epilog(),
)
@click.version_option(package_name="youcam-units", prog_name=PROG)
def cli() -> None:
    """Read, export and keep a local ledger of your YouCam API unit (credit) history.

    The access token comes from YOUCAM_ACCESS_TOKEN or --token-file; --demo needs none.
    """


def main() -> None:
    """The ``youcam-units`` entry point."""
    try:
        cli.main(prog_name=PROG)
    except BrokenPipeError:  # raised while flushing, outside the group's own handling
        sys.exit(_stop_quietly())
