"""``report``: one HTML file of a period's spending, the balance and its outlook, to forward.

It reads the ledger and the service as ``status`` does (``ledger_session``: the same options,
sync and forecast) and checks every input, the report extra and the output path before any
request; the file is written whole or not at all.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._commands import _runtime, _source_label, cli
from youcam_units._cli._inputs import FilePath, _parse_day
from youcam_units._cli._money_options import money_options
from youcam_units._cli._money_options import unit_price as parse_unit_price
from youcam_units._cli._runtime import PROG, CliError
from youcam_units._cli._status_commands import (
    current_forecast,
    ledger_session,
    ledger_source_options,
)
from youcam_units._cli._unit_client import _read_api_key

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units._report import Period

__all__ = ["REPORT_DEPENDENCIES", "report"]

REPORT_DEPENDENCIES: Final = frozenset({"pygal", "jinja2", "markupsafe"})
DEFAULT_DAYS: Final = 30
_MONTH: Final = re.compile(r"(\d{4})-(\d{2})")


def _month(value: str) -> tuple[int, int]:
    found = _MONTH.fullmatch(value.strip())
    if found is None or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1:  # noqa: PLR2004
        raise click.BadParameter(f"{value!r} is not a month like 2026-11", param_hint="'--month'")
    return int(found[1]), int(found[2])


def _period(month: str | None, since: str | None, until: str | None, today: date) -> Period:
    """``--month``, or ``--since``/``--until`` (either open side: 30 days), or the last 30 days."""
    from youcam_units._report import Period  # noqa: PLC0415

    if month is not None:
        if since is not None or until is not None:
            raise click.BadParameter(
                "--month is a whole period: drop --since/--until, or --month",
                param_hint="'--month'",
            )
        year, number = _month(month)
        if (year, number) == (9999, 12):
            raise click.BadParameter(f"{month!r} is past the last month", param_hint="'--month'")
        return Period.month(year, number)
    first = None if since is None else _parse_day(since, "'--since'")
    last = None if until is None else _parse_day(until, "'--until'")
    span = timedelta(days=DEFAULT_DAYS - 1)
    if first is None and last is None:
        last = today
    if first is None:
        assert last is not None  # noqa: S101 - set above when both were missing
        first = last - span
    if last is None:
        last = min(first + span, max(today, first))
    if last < first:
        raise click.BadParameter("--since must not be after --until", param_hint="'--since'")
    return Period(first, last)


def _check_output(path: Path) -> None:
    """One line now, before any request, rather than a lost report after the work.

    (A directory given as the file is refused by the option's own type, as a usage error.)
    """
    directory = path.parent
    if not directory.is_dir():
        raise CliError(
            f"cannot write the report to {path}: the directory {directory} does not exist"
        )
    if not os.access(directory, os.W_OK | os.X_OK) or (
        path.exists() and not os.access(path, os.W_OK)
    ):
        raise CliError(f"cannot write the report to {path}: permission denied")


def _check_extra() -> None:
    """The report extra's libraries, or one line naming the extra to install."""
    try:
        import jinja2  # noqa: F401, PLC0415
        import pygal  # noqa: F401, PLC0415
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in REPORT_DEPENDENCIES:
            raise
        raise CliError(
            f"the report needs the report extra ({missing} is missing): "
            "pip install 'youcam-units[report]'"
        ) from None


@cli.command()
@click.option(
    "--output",
    "-o",
    "output",
    type=FilePath(),
    required=True,
    help="The HTML file to write (replaced whole, never half-written).",
)
@click.option("--month", metavar="YYYY-MM", help="Report on this UTC calendar month.")
@click.option("--since", "since", metavar="DAY", help="From this UTC day (default: 30 days).")
@click.option("--until", "until", metavar="DAY", help="To this UTC day, inclusive.")
@money_options
@ledger_source_options
@click.pass_context
def report(
    ctx: click.Context,
    /,
    *,
    output: Path,
    month: str | None,
    since: str | None,
    until: str | None,
    unit_price: str | None,
    currency: str,
    verbose: bool,
    **source: Any,  # noqa: ANN401 - ledger_source_options, for ledger_session
) -> None:
    """Write one HTML file: spending per day and per action, the balance and its outlook.

    The period is --month, or --since/--until, or the last 30 days; each action is compared
    with the period just before. It opens offline (no script, nothing fetched) and prints to PDF.
    Syncs the ledger first, as status does; needs the report extra.
    """
    from youcam_units._cli._status_commands import _as_of  # noqa: PLC0415

    price = parse_unit_price(unit_price, currency)
    now = _as_of(source["as_of"], demo=source["demo"])
    # The last day with any of its time passed: a now at midnight ends the day before.
    period = _period(month, since, until, (now - timedelta(microseconds=1)).astimezone(UTC).date())
    _check_output(output)
    _check_extra()
    from youcam_units._report import gather, render_html, write_atomically  # noqa: PLC0415

    with ledger_session(ctx, verbose=verbose, action="run report again", **source) as session:
        balance, outlook = current_forecast(session)
        has_key = session.source.demo or _read_api_key(session.api_key_file) is not None
        costs = list(session.client.feature_costs()) if has_key else None
        label = _source_label(session.source, _runtime(ctx), session.client.base_url)
        data = gather(
            session.ledger,
            period=period,
            balance=balance,
            outlook=outlook,
            source=label,
            costs=costs,
            price=price,
        )
    page = render_html(data)
    try:
        write_atomically(output, page)
    except OSError as exc:
        raise CliError(f"cannot write the report to {output}: {exc.strerror or exc}") from None
    click.echo(
        f"wrote {output} ({len(page.encode()):,} bytes): {PROG} report of "
        f"{period.first.isoformat()} to {period.last.isoformat()}"
    )
