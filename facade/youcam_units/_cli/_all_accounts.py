"""The combined views of ``--account all``: every account's summary or status, and their totals."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click

from youcam_units._cli._accounts import (
    every_account,
    report_failure,
    using,
)
from youcam_units._cli._runtime import PROG, CliError, _reported
from youcam_units._cli._terminal import _stdout_console
from youcam_units._config import ALL_ACCOUNTS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from youcam_units import Forecast
    from youcam_units._cli._render import Format, RowFormat
    from youcam_units._cli._status_reading import StatusReading
    from youcam_units._money import UnitPrice
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
    fmt: Format,
    limit: int | None,
    money: tuple[str | None, str] = (None, "USD"),
) -> None:
    """``summary --account all``: each account's summary, then all of them added together.

    ``money`` is ``--unit-price``/``--currency`` as given: each account's rows are priced at
    that, else at the account's own price. The total is in units only (prices may differ).
    """
    from youcam_units._cli._options import priced_row  # noqa: PLC0415

    per_account, prices = _summaries(by, since_ms, until_ms, money=money)
    total = combine_summaries(per_account.values(), by=by)
    if fmt == "json":
        from youcam_units._cli._render import write_json  # noqa: PLC0415

        accounts = {
            name: [priced_row(row, by, prices[name]) for row in rows]
            for name, rows in per_account.items()
        }
        write_json({"total": [row.to_dict(by) for row in total], "accounts": accounts})
        return
    if fmt in {"jsonl", "csv"}:
        _write_summary_rows(fmt, per_account, total, prices, by=by)
        return
    _draw_summaries([*per_account.items(), ("all accounts", total)], prices, by, limit=limit)


def _summaries(
    by: Grouping, since_ms: int | None, until_ms: int | None, *, money: tuple[str | None, str]
) -> tuple[dict[str, list[SummaryRow]], dict[str, UnitPrice | None]]:
    """Each account's summary rows, read from its ledger, and the price its rows are shown at."""
    from youcam_units._cli._options import no_ledger_file, unit_price, where  # noqa: PLC0415
    from youcam_units._cli._upgrade import open_ledger  # noqa: PLC0415
    from youcam_units.ledger import summarize  # noqa: PLC0415

    per_account: dict[str, list[SummaryRow]] = {}
    prices: dict[str, UnitPrice | None] = {}
    for account in every_account("--account all"):
        with using(account):
            prices[account.name] = unit_price(*money)
        path = account.ledger_target
        if no_ledger_file(path):
            raise CliError(
                f"account {account.name}: no ledger at {where(path)}: run `{PROG} sync --all` first"
            )
        try:
            with (
                _reported(action="check the account's db"),
                open_ledger(path, read_only=True) as ledger,
            ):
                per_account[account.name] = summarize(
                    ledger, by=by, since_ms=since_ms, until_ms=until_ms
                )
        except CliError as exc:  # which of the accounts, as "no ledger at" says too
            raise CliError(f"account {account.name}: {exc.message}") from None
    return per_account, prices


def _write_summary_rows(
    fmt: RowFormat,
    per_account: dict[str, list[SummaryRow]],
    total: list[SummaryRow],
    prices: dict[str, UnitPrice | None],
    *,
    by: Grouping,
) -> None:
    """As jsonl or csv: json's rows, each led by its ``account`` (``all``: their sum, in units)."""
    from youcam_units._cli._options import MONEY_COLUMNS, priced_row  # noqa: PLC0415
    from youcam_units._cli._render import write_rows  # noqa: PLC0415
    from youcam_units.ledger._summary import SUMMARY_FIELDS  # noqa: PLC0415

    rows = [
        {"account": name, **priced_row(row, by, prices[name])}
        for name, account_rows in per_account.items()
        for row in account_rows
    ]
    rows += [{"account": ALL_ACCOUNTS, **row.to_dict(by)} for row in total]
    money = MONEY_COLUMNS if any(p is not None for p in prices.values()) else ()
    write_rows(fmt, rows, ("account", by, *SUMMARY_FIELDS, *money))


def _draw_summaries(
    summaries: list[tuple[str, list[SummaryRow]]],
    prices: dict[str, UnitPrice | None],
    by: Grouping,
    *,
    limit: int | None,
) -> None:
    """Each summary under its name, in money at its price (the total has none: prices differ)."""
    from youcam_units._cli._render_summary import render_summary  # noqa: PLC0415

    stdout = _stdout_console()
    for name, rows in summaries:
        stdout.print(f"{name}:", highlight=False, markup=False)
        if rows:
            render_summary(rows, by, stdout, limit=limit, price=prices.get(name))
        else:
            stdout.print("no entries in the ledger for this period", highlight=False)


def status_all(
    reader_of: Callable[[], Callable[[], StatusReading]],
    *,
    fmt: str,
    check: Callable[[Forecast], list[str]],
    price_of: Callable[[], UnitPrice | None],
) -> bool:
    """``status --account all``: each account's status, and their totals; True if any is below.

    ``reader_of`` checks the options for the account in use and gives what reads its status,
    ``price_of`` its price (the option's, else its own; the totals stay in units): both run for
    every account before any request, so a bad option is one usage error, not one per account.
    One account failing to read does not stop the others: the command fails (1) naming it.
    """
    from youcam_units._cli._status_reading import say_crossed, status_json  # noqa: PLC0415

    readings: dict[str, StatusReading] = {}
    prices: dict[str, UnitPrice | None] = {}
    readers: dict[str, Callable[[], StatusReading]] = {}
    failed: list[str] = []
    everyone = every_account("--account all")
    for account in everyone:
        with using(account):
            prices[account.name], readers[account.name] = price_of(), reader_of()
    for account in everyone:
        with using(account):
            try:
                readings[account.name] = readers[account.name]()
            except click.ClickException as exc:
                failed.append(account.name)
                report_failure(account.name, exc)
    total = _combined_status({name: reading.outlook for name, reading in readings.items()})
    if fmt == "json":
        from youcam_units._cli._render import write_json  # noqa: PLC0415

        accounts = {
            name: status_json(reading.outlook, prices[name])
            | {"budgets": [use.to_dict() for use in reading.budget_uses]}
            for name, reading in readings.items()
        }
        write_json({"total": total, "accounts": accounts, "failed": failed})
    elif readings:
        _render_all(readings, prices, total, failed)
    below = False
    for name, reading in readings.items():
        below |= say_crossed(reading, check(reading.outlook), f"account {name}: ")
    if failed:
        raise CliError(f"{len(failed)} of {len(everyone)} accounts failed: {', '.join(failed)}")
    return below


def _combined_status(forecasts: dict[str, Forecast]) -> dict[str, Any]:
    """The accounts' status added up, and which runs out first (``status --account all``)."""
    from youcam_units._amounts import exact_sum  # noqa: PLC0415 - keeps `--help` fast
    from youcam_units._cli._text import iso_utc  # noqa: PLC0415

    first = min(
        (item for item in forecasts.items() if item[1].days_left is not None),
        key=lambda item: item[1].days_left or Decimal(0),
        default=None,
    )
    return {
        "balance": exact_sum(f.balance for f in forecasts.values()),
        "spend_per_day": exact_sum(f.spend_per_day for f in forecasts.values()),
        "expiring_total": exact_sum(f.expiring_total for f in forecasts.values()),
        "first_to_run_out": None
        if first is None
        else {
            "account": first[0],
            "days_left": first[1].days_left,
            "runs_out_at": None if first[1].runs_out_at is None else iso_utc(first[1].runs_out_at),
        },
    }


def _render_all(
    readings: dict[str, StatusReading],
    prices: dict[str, UnitPrice | None],
    total: dict[str, Any],
    failed: list[str],
) -> None:
    """Each account's status (in money at its price) and budgets in turn, then one total line.

    The total line names the accounts that failed: their figures are not in it.
    """
    from rich.text import Text  # noqa: PLC0415

    from youcam_units._amounts import about  # noqa: PLC0415
    from youcam_units._cli._fit import print_whole  # noqa: PLC0415
    from youcam_units._cli._unit_render import render_budgets, render_status  # noqa: PLC0415

    stdout = _stdout_console()
    for name, reading in readings.items():
        stdout.print(f"{name}:", highlight=False, markup=False)
        render_status(reading.outlook, reading.daily, stdout, price=prices[name])
        render_budgets(reading.budget_uses, stdout)
    first = total["first_to_run_out"]
    whose = "all accounts" + (f" but {', '.join(failed)} (failed)" if failed else "")
    line = (
        f"{whose}: {total['balance']:,} units; spending about "
        f"{about(total['spend_per_day'])} units per day; about {about(total['expiring_total'])} "
        "units expiring unspent" + ("" if first is None else f"; {first['account']} runs out first")
    )
    print_whole(stdout, Text(line))  # wrapped lines end in no blank, as the others do
