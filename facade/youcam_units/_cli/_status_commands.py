"""``status``: balance, spend rate, run-out date, units expiring, budgets.

It syncs the ledger first and exits 3 when a ``--min-balance`` or ``--min-days`` threshold is
crossed or a budget is over, for cron and monitoring. Its inputs (``_status_options``,
``StatusQuery``) and its reading (``read_status``, ``ledger_session``) are shared with every
command that shows it (``metrics``, ``report``, ``status --account all``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from youcam_units._cli._help import Command
from youcam_units._cli._options import format_option, money_options
from youcam_units._cli._options import unit_price as parse_unit_price
from youcam_units._cli._runtime import (
    EXIT_BELOW_THRESHOLD,
    current_runtime,
)
from youcam_units._cli._status_options import StatusQuery, _status_options, _threshold
from youcam_units._cli._status_reading import (
    _below,
    read_status,
    say_crossed,
    status_json,
)
from youcam_units._cli._terminal import _stdout_console

if TYPE_CHECKING:
    from collections.abc import Callable

    from youcam_units import Forecast
    from youcam_units._cli._status_reading import StatusReading


@click.command(cls=Command)
@click.option(
    "--min-balance",
    metavar="UNITS",
    help=f"Exit {EXIT_BELOW_THRESHOLD} if the balance is below UNITS.",
)
@click.option(
    "--min-days",
    metavar="DAYS",
    help=f"Exit {EXIT_BELOW_THRESHOLD} if the units run out in fewer than DAYS days.",
)
@format_option("A few lines and a chart, or JSON.", ("table", "json"))
@money_options
@_status_options
@click.pass_context
def status(
    ctx: click.Context,
    /,
    *,
    min_balance: str | None,
    min_days: str | None,
    fmt: str,
    unit_price: str | None,
    currency: str,
    **options: Any,  # noqa: ANN401 - the shared _status_options, read by StatusQuery
) -> None:
    """Balance, spending per day, run-out date, units expiring soon, and budgets.

    Syncs the ledger first (k new entries cost ceil(k/30)+1 requests), then reads the balance
    (one request). With --min-balance, --min-days or a budget it exits 3 when one is crossed
    (below the balance or days, over a budget this UTC calendar month), saying why on stderr:
    for cron and monitoring. With --unit-price, the figures in money too.
    """
    floor = _threshold(min_balance, "'--min-balance'")
    days = _threshold(min_days, "'--min-days'")
    price = parse_unit_price(unit_price, currency)
    from youcam_units._cli import _accounts  # noqa: PLC0415

    if _accounts.wants_all_accounts():
        _status_of_all_accounts(
            ctx,
            options,
            fmt,
            lambda outlook: _below(outlook, floor, days),
            money=(unit_price, currency),
        )
        return
    query = StatusQuery.from_options(ctx, options)
    reading = read_status(query, current_runtime(ctx))
    outlook = reading.outlook
    if fmt == "json":
        from youcam_units._cli._render import write_json  # noqa: PLC0415

        budgets = [use.to_dict() for use in reading.budget_uses]
        write_json(status_json(outlook, price) | {"budgets": budgets})
    else:
        from youcam_units._cli._unit_render import render_budgets, render_status  # noqa: PLC0415

        console = _stdout_console()
        render_status(outlook, reading.daily, console, price=price)
        render_budgets(reading.budget_uses, console)
    if say_crossed(reading, _below(outlook, floor, days)):
        ctx.exit(EXIT_BELOW_THRESHOLD)


def _status_of_all_accounts(
    ctx: click.Context,
    options: dict[str, Any],
    fmt: str,
    check: Callable[[Forecast], list[str]],
    *,
    money: tuple[str | None, str],
) -> None:
    """``status --account all``: each configured account's reading, then their totals.

    Each account's query is read from the same options while that account is in use, so its
    credentials, base URL and ledger are its own.
    """
    from youcam_units._cli import _accounts  # noqa: PLC0415
    from youcam_units._cli._all_accounts import status_all  # noqa: PLC0415

    _accounts.refuse_with_all("--account all")
    options = _accounts.each_accounts_own(options)
    runtime = current_runtime(ctx)

    def reader_of() -> Callable[[], StatusReading]:
        query = StatusQuery.from_options(ctx, options)  # checked now, before any request
        return lambda: read_status(query, runtime)

    if status_all(
        reader_of,
        fmt=fmt,
        check=check,
        price_of=lambda: parse_unit_price(*money),
    ):
        ctx.exit(EXIT_BELOW_THRESHOLD)
