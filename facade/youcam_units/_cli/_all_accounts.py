"""The combined views of ``--account all``: every account's summary or status, and their totals."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click

from youcam_units._cli._accounts import (
    _ledger_path,
    every_account,
    report_failure,
    using,
)
from youcam_units._cli._runtime import PROG, CliError, _reported
from youcam_units._cli._terminal import _stdout_console

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from youcam_units import Forecast
    from youcam_units._cli._status_reading import StatusReading
    from youcam_units.ledger import Grouping, SummaryRow

__all__ = ["combine_summaries", "status_all", "summary_all"]


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
    from youcam_units._cli._options import no_ledger_file, where  # noqa: PLC0415
    from youcam_units._cli._upgrade import open_ledger  # noqa: PLC0415
    from youcam_units.ledger import summarize  # noqa: PLC0415

    per_account: dict[str, list[SummaryRow]] = {}
    for account in every_account("--account all"):
        path = _ledger_path(account)
        if no_ledger_file(path):
            raise CliError(
                f"account {account.name}: no ledger at {where(path)}: run `{PROG} sync --all` first"
            )
        with (
            _reported(verbose=verbose, action="check the account's db"),
            open_ledger(path, read_only=True) as ledger,
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


def status_all(
    reading_of: Callable[[], StatusReading],
    *,
    fmt: str,
    check: Callable[[Forecast], list[str]],
) -> bool:
    """``status --account all``: each account's status, and their totals; True if any is below.

    One account failing does not stop the others: it is reported, and the command fails (1)
    after showing the rest, naming it.
    """
    from youcam_units._cli._status_reading import status_json  # noqa: PLC0415

    readings: dict[str, StatusReading] = {}
    failed: list[str] = []
    everyone = every_account("--account all")
    for account in everyone:
        with using(account):
            try:
                readings[account.name] = reading_of()
            except click.ClickException as exc:
                failed.append(account.name)
                report_failure(account.name, exc)
    forecasts = {name: reading.outlook for name, reading in readings.items()}
    if fmt == "json":
        from youcam_units import _json as exact_json  # noqa: PLC0415

        payload = {
            "total": _combined_status(forecasts),
            "accounts": {
                name: status_json(reading.outlook)
                | {"budgets": [use.to_dict() for use in reading.budget_uses]}
                for name, reading in readings.items()
            },
            "failed": failed,
        }
        click.echo(exact_json.dumps(payload, indent=2))
    else:
        _render_all(readings, _combined_status(forecasts))
    below = False
    for name, outlook in forecasts.items():
        for reason in check(outlook):
            below = True
            click.echo(f"{PROG}: below threshold: account {name}: {reason}", err=True)
    if failed:
        raise CliError(f"{len(failed)} of {len(everyone)} accounts failed: {', '.join(failed)}")
    return below


def _combined_status(forecasts: dict[str, Forecast]) -> dict[str, Any]:
    """The accounts' status added up, and which runs out first (``status --account all``)."""
    from youcam_units._cli._text import iso_utc  # noqa: PLC0415

    first = min(
        (item for item in forecasts.items() if item[1].days_left is not None),
        key=lambda item: item[1].days_left or Decimal(0),
        default=None,
    )
    return {
        "balance": sum((f.balance for f in forecasts.values()), Decimal(0)),
        "spend_per_day": sum((f.spend_per_day for f in forecasts.values()), Decimal(0)),
        "expiring_total": sum((f.expiring_total for f in forecasts.values()), Decimal(0)),
        "first_to_run_out": None
        if first is None
        else {
            "account": first[0],
            "days_left": first[1].days_left,
            "runs_out_at": None if first[1].runs_out_at is None else iso_utc(first[1].runs_out_at),
        },
    }


def _render_all(readings: dict[str, StatusReading], total: dict[str, Any]) -> None:
    """Each account's status drawn in turn, then one line for all of them."""
    from youcam_units._cli._unit_render import _about, render_status  # noqa: PLC0415

    stdout = _stdout_console()
    for name, reading in readings.items():
        stdout.print(f"{name}:", highlight=False, markup=False)
        render_status(reading.outlook, reading.daily, stdout)
    first = total["first_to_run_out"]
    stdout.print(
        f"all accounts: {total['balance']:,} units; spending about "
        f"{_about(total['spend_per_day'])} units per day; {total['expiring_total']:,} units "
        "expiring unspent" + ("" if first is None else f"; {first['account']} runs out first"),
        highlight=False,
        markup=False,
    )
