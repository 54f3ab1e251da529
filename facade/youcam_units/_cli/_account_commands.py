"""``accounts`` (what the config file defines) and the combined views of ``--account all``."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click

from youcam_units._cli._accounts import (
    _ledger_path,
    every_account,
    render_accounts,
)
from youcam_units._cli._commands import cli
from youcam_units._cli._inputs import _stdout_console
from youcam_units._cli._runtime import PROG, CliError, _reported

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from youcam_units.ledger import Grouping, SummaryRow

__all__ = ["accounts", "combine_summaries", "summary_all"]


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table, or JSON (with prices and budgets).",
)
def accounts(fmt: str) -> None:
    """List the accounts of the config file: where each credential is read from, never its value.

    The file is config.toml in the user config dir, or the one YOUCAM_UNITS_CONFIG names.
    """
    from youcam_units._cli._accounts import accounts_config  # noqa: PLC0415

    render_accounts(accounts_config(), fmt)


def combine_summaries(parts: Iterable[Sequence[SummaryRow]], *, by: Grouping) -> list[SummaryRow]:
    """The groups of several ledgers added together, ordered as ``summarize`` orders them."""
    from youcam_units.ledger import SummaryRow  # noqa: PLC0415

    totals: dict[str, list[Any]] = {}
    for rows in parts:
        for row in rows:
            total = totals.setdefault(row.group, [0, Decimal(0), Decimal(0), Decimal(0)])
            total[0] += row.entries
            total[1] += row.spent
            total[2] += row.granted
            total[3] += row.expired
    if by == "action":
        order = sorted(totals, key=lambda n: (-totals[n][1], -totals[n][2], n))
    else:
        order = sorted(totals)  # YYYY-MM-DD and YYYY-MM sort as time does
    return [SummaryRow(name, *totals[name]) for name in order]


def summary_all(
    by: Grouping,
    since_ms: int | None,
    until_ms: int | None,
    *,
    fmt: str,
    limit: int | None,
    verbose: bool,
) -> None:
    """``summary --account all``: each account's summary, then all of them added together."""
    from youcam_units.ledger import Ledger, summarize  # noqa: PLC0415

    per_account: dict[str, list[SummaryRow]] = {}
    for account in every_account("--account all"):
        path = _ledger_path(account)
        if not path.exists():
            raise CliError(
                f"account {account.name}: no ledger at {path}: run `{PROG} sync --all` first"
            )
        with (
            _reported(verbose=verbose, action="check the account's db"),
            Ledger(path, read_only=True) as ledger,
        ):
            per_account[account.name] = summarize(
                ledger, by=by, since_ms=since_ms, until_ms=until_ms
            )
    total = combine_summaries(per_account.values(), by=by)
    if fmt == "json":
        from youcam_units import _json as exact_json  # noqa: PLC0415

        payload = {
            "total": [row.to_dict(by) for row in total],
            "accounts": {
                name: [row.to_dict(by) for row in rows] for name, rows in per_account.items()
            },
        }
        click.echo(exact_json.dumps(payload, indent=2))
        return
    from youcam_units._cli._render_summary import render_summary  # noqa: PLC0415

    stdout = _stdout_console()
    for name, rows in [*per_account.items(), ("all accounts", total)]:
        stdout.print(f"{name}:", highlight=False, markup=False)
        if rows:
            render_summary(rows, by, stdout, limit=limit)
        else:
            stdout.print("no entries in the ledger for this period", highlight=False)
