"""``summary``: units spent, granted and expired per action, day or month, from the ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import click

from youcam_units._cli._days import _day_range, _day_range_options
from youcam_units._cli._help import Command
from youcam_units._cli._options import (
    MONEY_COLUMNS,
    _db_option,
    _demo_options,
    _verbose_option,
    format_option,
    money_options,
    priced_row,
)
from youcam_units._cli._options import unit_price as parse_unit_price
from youcam_units._cli._runtime import (
    _configure_logging,
    _reported,
)
from youcam_units._cli._sync_command import synced_demo_or_existing
from youcam_units._cli._terminal import (
    _stdout_console,
)
from youcam_units._cli._upgrade import open_ledger

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units._cli._render import Format
    from youcam_units._money import UnitPrice
    from youcam_units.ledger import Grouping, SummaryRow


SUMMARY_ROWS: Final = 30
"""``summary --rows``: a month of days, 2.5 years of months (``--all`` for every group)."""
GROUPINGS: Final = ("action", "day", "month")
"""``summary --by``: the ledger's ``GROUPINGS``, spelt out so ``--help`` need not open the ledger
(a test keeps the two the same)."""


@click.command(cls=Command)
@_db_option
@click.option(
    "--by",
    type=click.Choice(GROUPINGS),
    default="action",
    show_default=True,
    help="Group the totals by action, UTC day or UTC month.",
)
@_day_range_options
@format_option("A table and bar chart, or every group as JSON, JSON lines or CSV.")
@click.option(
    "--rows",
    type=click.IntRange(min=1),
    default=SUMMARY_ROWS,
    show_default=True,
    help="Draw at most N groups: the newest days or months, the actions that moved the most units.",
)
@click.option("--all", "all_rows", is_flag=True, help="Draw every group (overrides --rows).")
@money_options
@_demo_options
@_verbose_option
@click.pass_context
def summary(
    ctx: click.Context,
    *,
    db: Path | str | None,
    by: Grouping,
    since: str | None,
    until: str | None,
    fmt: Format,
    rows: int,
    all_rows: bool,
    unit_price: str | None,
    currency: str,
    demo: bool,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Units spent, granted and expired per action, day or month, from the ledger.

    Run `sync` first; with --demo the demo ledger is synced from the mock first. The table and
    chart draw --rows groups and say how many they left out; the total counts every group.
    With --unit-price, money too: what was spent, to the cent, in the table; every figure,
    exactly, in JSON, JSON lines and CSV.
    """
    limit = None if all_rows else rows
    price = parse_unit_price(unit_price, currency)
    from youcam_units._cli import _accounts  # noqa: PLC0415
    from youcam_units.ledger import summarize  # noqa: PLC0415

    since_ms, until_ms = _day_range(since, until)
    _configure_logging(ctx, verbose=verbose)
    if _accounts.wants_all_accounts():
        from youcam_units._cli._all_accounts import summary_all  # noqa: PLC0415

        _accounts.refuse_with_all("--account all")
        money = (unit_price, currency)  # as given: each account's own price fills it in
        summary_all(by, since_ms, until_ms, fmt=fmt, limit=limit, money=money)
        return
    path = synced_demo_or_existing(ctx, db, demo=demo, seed=seed, entries=entries)
    with (
        _reported(action="check the --db path"),
        open_ledger(path, read_only=True) as ledger,
    ):
        groups = summarize(ledger, by=by, since_ms=since_ms, until_ms=until_ms)
    _show(groups, by, fmt, limit=limit, price=price)


def _show(
    groups: list[SummaryRow],
    by: Grouping,
    fmt: Format,
    *,
    limit: int | None,
    price: UnitPrice | None,
) -> None:
    """The summary's rows as ``fmt``: a table and chart, JSON, JSON lines or CSV."""
    from youcam_units._cli._render import write_json, write_rows  # noqa: PLC0415
    from youcam_units.ledger._summary import SUMMARY_FIELDS  # noqa: PLC0415

    if fmt == "json":
        write_json([priced_row(row, by, price) for row in groups])
        return
    if fmt in {"jsonl", "csv"}:
        money = MONEY_COLUMNS if price is not None else ()
        rows = (priced_row(row, by, price) for row in groups)
        write_rows(fmt, rows, (by, *SUMMARY_FIELDS, *money))
        return
    stdout = _stdout_console()
    if not groups:
        stdout.print("no entries in the ledger for this period")
        return
    from youcam_units._cli._render_summary import render_summary  # noqa: PLC0415

    render_summary(groups, by, stdout, limit=limit, price=price)
