"""The unit-system commands ``balance`` and ``costs``: what you have, and what each feature costs.

They share the history commands' options, error lines and exit codes, and add the API key
(``_sources.open_client``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._help import Command
from youcam_units._cli._options import _source_options, _verbose_option, format_option
from youcam_units._cli._runtime import _configure_logging, _reported, current_runtime
from youcam_units._cli._sources import open_client
from youcam_units._cli._terminal import _stdout_console
from youcam_units._cli._text import iso_utc

if TYPE_CHECKING:
    from collections.abc import Sequence

    from youcam_units import Balance, FeatureCost
    from youcam_units._cli._render import Format
    from youcam_units._cli._sources import _Source

__all__ = ["balance", "costs"]

_COST_COLUMNS: Final = ("description", "amount", "unit", "proc_unit", "run_task_url")
_BUCKET_COLUMNS: Final = ("id", "type", "amount", "expiry", "expires_at")


def _columns(known: Sequence[str], rows: Sequence[dict[str, Any]]) -> list[str]:
    """The CSV columns: every field sent, in the order sent (as the JSON has it).

    Then the documented columns no row has, so the header always holds them.
    """
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    columns.update(dict.fromkeys(known))
    return list(columns)


# -- balance -------------------------------------------------------------------------------


@click.command(cls=Command)
@format_option(
    "A table; JSON: an object with the exact total and the buckets (each as sent, amount "
    "exact); JSON lines or CSV: one bucket a row, with every field the service sent."
)
@_source_options
@_verbose_option
@click.pass_context
def balance(
    ctx: click.Context,
    *,
    fmt: Format,
    source: _Source,
    verbose: bool,
) -> None:
    """Show the units you have now: each bucket's type, amount and expiry, and the total."""
    _configure_logging(ctx, verbose=verbose)
    with (
        _reported(action="run the command again"),
        open_client(source, current_runtime(ctx), wants="any") as client,
    ):
        result = client.balance()
    from youcam_units._cli._render import write_json, write_rows  # noqa: PLC0415

    if fmt == "json":
        write_json(_balance_json(result))
        return
    if fmt in {"jsonl", "csv"}:
        buckets = _balance_json(result)["buckets"]
        write_rows(fmt, buckets, _columns(_BUCKET_COLUMNS, buckets))
        return
    from youcam_units._cli._unit_render import render_balance  # noqa: PLC0415

    render_balance(result, _stdout_console())


def _balance_json(result: Balance) -> dict[str, Any]:
    """The table's order (soonest-expiring first), so the two views never disagree.

    Each bucket as sent (every field, in its order), with ``amount`` the exact amount
    (``amount_dec`` when sent, in place of the deprecated integer) and ``expires_at`` added.
    """
    body = result.to_dict()
    body["buckets"] = [
        {
            **bucket.to_dict(),
            "amount": bucket.amount,
            "expires_at": None if bucket.expires_at is None else iso_utc(bucket.expires_at),
        }
        for bucket in result.by_expiry
    ]
    return body


# -- costs ---------------------------------------------------------------------------------


@click.command(cls=Command)
@click.option("--search", metavar="TEXT", help="Only features whose description contains TEXT.")
@format_option(
    "A table, or the SKUs as sent (every field) as JSON, JSON lines or CSV (amounts exact)."
)
@_source_options
@_verbose_option
@click.pass_context
def costs(
    ctx: click.Context,
    *,
    search: str | None,
    fmt: Format,
    source: _Source,
    verbose: bool,
) -> None:
    """Show what each feature costs, in units per result image or per second (needs the API key)."""
    _configure_logging(ctx, verbose=verbose)
    wanted = None if search is None else search.casefold()
    with (
        _reported(action="run the command again"),
        open_client(source, current_runtime(ctx), wants="API key") as client,
    ):
        found = [
            cost
            for cost in client.feature_costs()
            if wanted is None or wanted in (cost.description or "").casefold()
        ]
    _show_costs(found, fmt, search)


def _show_costs(found: list[FeatureCost], fmt: Format, search: str | None) -> None:
    """The SKUs found, as sent (every field) in JSON, JSON lines and CSV, or as a table."""
    from youcam_units._cli._render import write_json, write_rows  # noqa: PLC0415

    if fmt == "json":
        write_json([cost.to_dict() for cost in found])
    elif fmt in {"jsonl", "csv"}:
        skus = [cost.to_dict() for cost in found]
        write_rows(fmt, skus, _columns(_COST_COLUMNS, skus))
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
