"""``report``: one HTML file of a period's spending, the balance and its outlook, to forward.

It reads the ledger and the service as ``status`` does (``_status_options``, ``ledger_session``
and ``status_reading``: the same options, sync, forecast and budgets) and checks every input,
the report extra and the output path before any request; the file is written whole or not at
all.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._credentials import _read_api_key
from youcam_units._cli._days import _day_range_options, _parse_days
from youcam_units._cli._help import Command
from youcam_units._cli._options import FilePath, money_options
from youcam_units._cli._options import unit_price as parse_unit_price
from youcam_units._cli._runtime import PROG, CliError, current_runtime, require_extra
from youcam_units._cli._status_options import StatusQuery, _status_options
from youcam_units._cli._status_reading import ledger_session, status_reading
from youcam_units._cli._sync_command import _source_label

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units import Client, FeatureCost
    from youcam_units._report import Period

__all__ = ["REPORT_DEPENDENCIES", "report"]

REPORT_DEPENDENCIES: Final = {"jinja2": "jinja2", "pygal": "pygal", "markupsafe": "markupsafe"}
"""The report extra's modules, each with the name its missing-extra line shows."""
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
    first = None if since is None else _parse_days(since, "'--since'", today=today)[0]
    last = None if until is None else _parse_days(until, "'--until'", today=today)[1]
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


@click.command(cls=Command)
@click.option(
    "--output",
    "-o",
    "output",
    type=FilePath(),
    required=True,
    help="The HTML file to write (replaced whole, never half-written).",
)
@click.option("--month", metavar="YYYY-MM", help="Report on this UTC calendar month.")
@_day_range_options
@money_options
@_status_options
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
    **options: Any,  # noqa: ANN401 - the shared _status_options, read by StatusQuery
) -> None:
    """Write one HTML file: spending per day and per action, the balance and its outlook.

    The period is --month, or --since/--until (one alone: 30 days), or the last 30 days; each
    action is compared with the period just before. It opens offline (no script, nothing
    fetched) and prints to PDF. Syncs the ledger first, as status does; needs the report extra.
    """
    require_extra("the report", "report", REPORT_DEPENDENCIES)  # _period needs it too
    price = parse_unit_price(unit_price, currency)
    query = StatusQuery.from_options(ctx, options)
    now = query.as_of or datetime.now(UTC)
    # The last day with any of its time passed: a now at midnight ends the day before.
    period = _period(month, since, until, (now - timedelta(microseconds=1)).astimezone(UTC).date())
    _check_output(output)
    from youcam_units._report import gather, render_html, write_atomically  # noqa: PLC0415

    runtime = current_runtime(ctx)
    with ledger_session(query, runtime, action="run report again") as session:
        reading = status_reading(session, query.budgets)
        data = gather(
            session.ledger,
            period=period,
            balance=reading.balance,
            outlook=reading.outlook,
            source=_source_label(query.source, runtime, session.client.base_url),
            costs=_feature_costs(query, session.client),
            price=price,
            budgets=reading.budget_uses,
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


def _feature_costs(query: StatusQuery, client: Client) -> list[FeatureCost] | None:
    """The price list, when the API key is there to read it (the report shows it then)."""
    has_key = query.source.demo or _read_api_key(query.api_key_file) is not None
    return list(client.feature_costs()) if has_key else None
