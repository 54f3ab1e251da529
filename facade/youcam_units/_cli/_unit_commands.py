"""The unit-system commands ``balance`` and ``costs``: what you have, and what each feature costs.

They share the history commands' options, error lines and exit codes, and add the API key
(``_sources.open_client``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._options import _verbose_option
from youcam_units._cli._output import machine_readable
from youcam_units._cli._runtime import (
    _configure_logging,
    _reported,
)
from youcam_units._cli._sources import _Source
from youcam_units._cli._terminal import _stdout_console

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units import Balance
    from youcam_units._cli._render import Format

from youcam_units._cli._options import _source_options
from youcam_units._cli._runtime import current_runtime
from youcam_units._cli._sources import open_client
from youcam_units._cli._text import iso_utc

__all__ = ["balance", "costs"]

_COST_COLUMNS: Final = ("description", "amount", "unit", "proc_unit", "run_task_url")
_BUCKET_COLUMNS: Final = ("id", "type", "amount", "expiry", "expires_at")

# -- balance -------------------------------------------------------------------------------


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    default="table",
    show_default=True,
    help="A table; JSON: an object with the exact total and the buckets; JSON lines or CSV: "
    "one bucket a row.",
)
@_source_options
@_verbose_option
@click.pass_context
def balance(
    ctx: click.Context,
    *,
    fmt: Format,
    demo: bool,
    token_file: Path | None,
    api_key_file: Path | None,
    base_url: str | None,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Show the units you have now: each bucket's type, amount and expiry, and the total."""
    _configure_logging(ctx, verbose=verbose)
    source = _Source(demo, token_file, base_url, seed, entries, api_key_file)
    with (
        _reported(verbose=verbose, action="run the command again"),
        open_client(source, current_runtime(ctx), wants="any") as client,
    ):
        result = client.balance()
    if fmt == "json":
        from youcam_units import _json as exact_json  # noqa: PLC0415 - keeps `--help` fast

        machine_readable()
        click.echo(exact_json.dumps(_balance_json(result), indent=2))
        return
    if fmt in {"jsonl", "csv"}:
        from youcam_units._cli._rows import write_rows  # noqa: PLC0415

        write_rows(fmt, _balance_json(result)["buckets"], _BUCKET_COLUMNS)
        return
    from youcam_units._cli._unit_render import render_balance  # noqa: PLC0415

    render_balance(result, _stdout_console())


def _balance_json(result: Balance) -> dict[str, Any]:
    """The table's order (soonest-expiring first), so the two views never disagree."""
    body = result.to_dict()
    body["buckets"] = [bucket.to_dict() for bucket in result.by_expiry]
    for bucket, shown in zip(result.by_expiry, body["buckets"], strict=True):
        shown["expires_at"] = None if bucket.expires_at is None else iso_utc(bucket.expires_at)
    return body


# -- costs ---------------------------------------------------------------------------------


@click.command()
@click.option("--search", metavar="TEXT", help="Only features whose description contains TEXT.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    default="table",
    show_default=True,
    help="A table, or the SKUs as JSON, JSON lines or CSV (amounts exact).",
)
@_source_options
@_verbose_option
@click.pass_context
def costs(
    ctx: click.Context,
    *,
    search: str | None,
    fmt: Format,
    demo: bool,
    token_file: Path | None,
    api_key_file: Path | None,
    base_url: str | None,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Show what each feature costs, in units per result image or per second (needs the API key)."""
    _configure_logging(ctx, verbose=verbose)
    source = _Source(demo, token_file, base_url, seed, entries, api_key_file)
    wanted = None if search is None else search.casefold()
    with (
        _reported(verbose=verbose, action="run the command again"),
        open_client(source, current_runtime(ctx), wants="API key") as client,
    ):
        found = [
            cost
            for cost in client.feature_costs()
            if wanted is None or wanted in cost.description.casefold()
        ]
    if fmt in {"json", "csv"}:
        machine_readable()
    if fmt == "json":
        from youcam_units import _json as exact_json  # noqa: PLC0415 - keeps `--help` fast

        click.echo(exact_json.dumps([cost.to_dict() for cost in found], indent=2))
    elif fmt in {"jsonl", "csv"}:
        from youcam_units._cli._rows import write_rows  # noqa: PLC0415

        write_rows(fmt, (cost.to_dict() for cost in found), _COST_COLUMNS)
    elif not found:
        from youcam_units._cli._text import literal  # noqa: PLC0415

        stdout = _stdout_console()
        stdout.print(
            literal(
                "no feature matches" + ("" if search is None else f" --search {search!r}"),
                encoding=stdout.encoding,
            )
        )
    else:
        from youcam_units._cli._unit_render import render_costs  # noqa: PLC0415

        render_costs(found, _stdout_console())
