"""The one-time ledger upgrade, told on stderr: a line when it starts, a progress bar on a terminal.

The library reports (``Ledger(on_upgrade=...)``) and prints nothing; this is what shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from youcam_units._cli._runtime import PROG
from youcam_units._cli._terminal import Offscreen, _stderr_console

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console
    from rich.progress import Progress, TaskID

    from youcam_units.ledger import Ledger, PostgresLedger, UpgradeProgress

__all__ = ["UpgradeDisplay", "open_ledger"]


def open_ledger(target: Path | str, *, read_only: bool = False) -> Ledger | PostgresLedger:
    """The library's ``open_ledger``, showing the upgrade of a file an older version wrote."""
    from youcam_units.ledger import open_ledger as open_any  # noqa: PLC0415 - fast `--help`

    display = UpgradeDisplay(_stderr_console())
    try:
        return open_any(target, read_only=read_only, on_upgrade=display)
    finally:
        display.close()


class UpgradeDisplay:
    """Receives ``UpgradeProgress``: one line on stderr at the start, then a bar on a terminal."""

    def __init__(self, console: Console | Offscreen) -> None:
        self._console = console
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._started = False

    def __call__(self, progress: UpgradeProgress) -> None:
        """Say that the upgrade runs and why, once; then keep the bar on the current step."""
        if not self._started:
            self._started = True
            click.echo(
                f"{PROG}: upgrading the ledger {progress.location} from schema "
                f"v{progress.from_version} to v{progress.to_version} for this version of "
                f"{PROG}, once ({progress.entries:,} entries; this may take a few minutes)",
                err=True,
            )
            self._start()
        if self._progress is None or self._task is None:
            return
        counted = progress.done is not None
        self._progress.update(
            self._task,
            description=progress.step,
            total=progress.entries if counted else None,
            completed=progress.done or 0,
            count=f"{progress.done:,} of {progress.entries:,} entries" if counted else "",
        )

    def _start(self) -> None:
        if isinstance(self._console, Offscreen) or not self._console.is_terminal:
            return
        from rich.progress import (  # noqa: PLC0415 - only an upgrade on a terminal needs it
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("upgrading: {task.description}"),
            BarColumn(),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,
        )
        self._task = self._progress.add_task("starting", total=None, count="")
        self._progress.start()

    def close(self) -> None:
        """Take the bar off the screen (the upgrade ended, or failed)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
