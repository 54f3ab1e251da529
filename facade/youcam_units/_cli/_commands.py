"""The ``youcam-units`` group: every command, registered here by name, loaded when it is used.

Each command lives in its own module and imports nothing from this one: ``COMMANDS`` names
them all, with the line ``--help`` lists each by, and ``LazyGroup`` (click's documented lazily
loading group) imports a command's module only when that command runs. Shared pieces: ``_runtime``
(names, ``Runtime``, one-line failures), ``_options``, ``_days``, ``_sources`` and
``_terminal`` (the inputs, the client, the consoles).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import click

from youcam_units._cli._runtime import (
    DEMO_ENTRIES,
    DEMO_SEED,
    EXIT_BROKEN_PIPE,
    EXIT_CODES,
    PROG,
    Runtime,
    _Group,
    _stop_quietly,
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


class LazyCommand(NamedTuple):
    """Where a command is defined (``module:function``), and the line ``--help`` lists it with.

    The line is kept here so that listing the commands imports none of them.
    """

    target: str
    summary: str


COMMANDS: Final[Mapping[str, LazyCommand]] = {
    "accounts": LazyCommand(
        "youcam_units._cli._account_commands:accounts",
        "The config file's accounts and where each credential is read from",
    ),
    "balance": LazyCommand(
        "youcam_units._cli._unit_commands:balance", "The units you have now, bucket by bucket"
    ),
    "costs": LazyCommand(
        "youcam_units._cli._unit_commands:costs",
        "What each feature costs in units (needs the API key)",
    ),
    "export": LazyCommand(
        "youcam_units._cli._export_command:export",
        "Write the ledger's entries, without any request to the service",
    ),
    "history": LazyCommand(
        "youcam_units._cli._history_command:history", "The unit history, newest first"
    ),
    "metrics": LazyCommand(
        "youcam_units._cli._metrics_command:metrics", "The status as Prometheus metrics"
    ),
    "mock": LazyCommand(
        "youcam_units._cli._mock_command:mock",
        "Serve the mock service over HTTP (needs the mock extra)",
    ),
    "report": LazyCommand(
        "youcam_units._cli._report_command:report",
        "Write one HTML report: spending, the balance and its outlook",
    ),
    "status": LazyCommand(
        "youcam_units._cli._status_commands:status",
        "Balance, spending per day, run-out date, expiring units, budgets",
    ),
    "summary": LazyCommand(
        "youcam_units._cli._summary_command:summary",
        "Units spent, granted and expired per action, day or month",
    ),
    "sync": LazyCommand(
        "youcam_units._cli._sync_command:sync_command",
        "Bring the local ledger up to date, reading only what is new",
    ),
}
"""Every command: its name, where it is defined, and its line in ``--help``."""


class LazyGroup(_Group):
    """A group whose commands are imported by name when first needed.

    click's "Lazily Loading Subcommands": a command's dependencies load only for that command.
    """

    def __init__(
        self,
        *args: Any,  # noqa: ANN401 - click's own
        lazy_commands: Mapping[str, LazyCommand],
        **kwargs: Any,  # noqa: ANN401 - click's own
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        lazy = self.lazy_commands.get(cmd_name)
        if lazy is None:
            return super().get_command(ctx, cmd_name)
        module_name, _, attribute = lazy.target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a registration typo
            msg = f"{lazy.target} is not a click command"
            raise TypeError(msg)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list in ``--help``, from ``COMMANDS`` alone: listing them loads none of them."""
        rows = [(name, self.lazy_commands[name].summary) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:  # noqa: ARG002 - click's own
        """Every exit status, wrapped to the terminal like the commands above it."""
        with formatter.section("Exit status"):
            formatter.write_dl([(f"{code:>3}", meaning) for code, meaning in EXIT_CODES])


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
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
