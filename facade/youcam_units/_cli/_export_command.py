"""``export``: the ledger's entries, newest first, without any request to the service."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from youcam_units._cli._days import _day_range, _day_range_options
from youcam_units._cli._help import Command
from youcam_units._cli._options import (
    _db_option,
    _demo_options,
    _verbose_option,
    format_option,
)
from youcam_units._cli._output import machine_readable
from youcam_units._cli._runtime import (
    _configure_logging,
    _reported,
)
from youcam_units._cli._sync_command import synced_demo_or_existing
from youcam_units._cli._upgrade import open_ledger

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units._cli._render import Format


# -- export --------------------------------------------------------------------------------


@click.command(cls=Command)
@format_option(
    "CSV (one row per entry), JSON lines or a JSON array (each entry exactly as sent).",
    ("csv", "jsonl", "json"),
    default="jsonl",
)
@_day_range_options
@_db_option
@_demo_options
@_verbose_option
@click.pass_context
def export(
    ctx: click.Context,
    *,
    fmt: Format,
    since: str | None,
    until: str | None,
    db: Path | str | None,
    demo: bool,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Write the ledger's entries, newest first, without any request to the service.

    Run `sync` first; with --demo the demo ledger is synced from the in-process mock first.
    """
    from youcam_units._cli._render import make_writer  # noqa: PLC0415

    since_ms, until_ms = _day_range(since, until)
    _configure_logging(ctx, verbose=verbose)
    path = synced_demo_or_existing(ctx, db, demo=demo, seed=seed, entries=entries)
    machine_readable()
    writer = make_writer(fmt, sys.stdout)
    batch: list[Any] = []
    with (
        _reported(action="check the --db path"),
        open_ledger(path, read_only=True) as ledger,
    ):
        try:
            for entry in ledger.entries(since_ms=since_ms, until_ms=until_ms):
                batch.append(entry)
                if len(batch) == 500:  # noqa: PLR2004 - a write per 500 rows, memory flat
                    writer.write_page(batch)
                    batch = []
            writer.write_page(batch)
        finally:
            writer.close()
