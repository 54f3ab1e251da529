"""``status`` (balance, spend rate, run-out date, units expiring) and ``export`` (from the ledger).

``status`` syncs the ledger first and exits 3 when a ``--min-balance`` or ``--min-days``
threshold is crossed, for cron and monitoring; ``export`` reads only the ledger.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._commands import _runtime, _source_label, _sync, cli
from youcam_units._cli._inputs import (
    WaitNotice,
    _check_range,
    _db_option,
    _demo_options,
    _progress,
    _since_ms,
    _Source,
    _stderr_console,
    _stdout_console,
    _until_ms,
    _verbose_option,
    default_db_path,
)
from youcam_units._cli._runtime import (
    PROG,
    CliError,
    _configure_logging,
    _reported,
)

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units import Forecast

from youcam_units._cli._unit_client import (
    EXIT_BELOW_THRESHOLD,
    _iso,
    _service_options,
    _unit_client,
)

__all__ = ["export", "status"]

# -- status --------------------------------------------------------------------------------


def _threshold(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0:
        raise click.BadParameter(
            f"{value!r} is not a number of 0 or more (like 500 or 12.5)", param_hint=option
        )
    return number


def _as_of(value: str | None, *, demo: bool) -> datetime:
    """The time the forecast is made at: ``--as-of``, the demo data's own now, or now."""
    if value is not None:
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(
                f"{value!r} is not a time like 2026-11-25 or 2026-11-25T12:00Z",
                param_hint="'--as-of'",
            ) from None
        return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    if demo:
        from youcam_units.mock import MOCK_NOW_MS  # noqa: PLC0415

        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=MOCK_NOW_MS)
    return datetime.now(UTC)


@cli.command()
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
@click.option(
    "--no-sync", is_flag=True, help="Use the ledger as it is (no history requests first)."
)
@click.option(
    "--as-of",
    metavar="TIME",
    help="Forecast as of this UTC time (default: now; with --demo, the demo data's now).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A few lines and a chart, or JSON.",
)
@_db_option
@_service_options
@_verbose_option
@click.pass_context
def status(
    ctx: click.Context,
    *,
    min_balance: str | None,
    min_days: str | None,
    no_sync: bool,
    as_of: str | None,
    fmt: str,
    db: Path | None,
    demo: bool,
    token_file: Path | None,
    api_key_file: Path | None,
    base_url: str | None,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Balance, spending per day, run-out date and units expiring soon.

    Syncs the ledger first (k new entries cost ceil(k/30)+1 requests), then reads the balance
    (one request). With --min-balance and/or --min-days it exits 3 when below, saying why on
    stderr: for cron and monitoring.
    """
    floor = _threshold(min_balance, "'--min-balance'")
    days = _threshold(min_days, "'--min-days'")
    now = _as_of(as_of, demo=demo)
    _configure_logging(ctx, verbose=verbose)
    from youcam_units._cli import _accounts  # noqa: PLC0415

    if _accounts.wants_all_accounts():
        from youcam_units._cli._account_commands import status_all  # noqa: PLC0415

        _accounts.refuse_with_all(
            "--account all",
            db=db,
            demo=demo,
            token_file=token_file,
            api_key_file=api_key_file,
            base_url=base_url,
        )
        below = status_all(
            lambda path: _outlook(
                _Source(False, None, None, seed, entries),  # noqa: FBT003
                path,
                api_key_file=None,
                no_sync=no_sync,
                now=now,
                verbose=verbose,
            ),
            fmt=fmt,
            check=lambda outlook: _below(outlook, floor, days),
        )
        if below:
            ctx.exit(EXIT_BELOW_THRESHOLD)
        return
    path = db or default_db_path(demo=demo, seed=seed, entries=entries)
    source = _Source(demo, token_file, base_url, seed, entries)
    outlook, daily = _outlook(
        source, path, api_key_file=api_key_file, no_sync=no_sync, now=now, verbose=verbose
    )
    if fmt == "json":
        from youcam_units import _json as exact_json  # noqa: PLC0415 - keeps `--help` fast

        click.echo(exact_json.dumps(_status_json(outlook), indent=2))
    else:
        from youcam_units._cli._unit_render import render_status  # noqa: PLC0415

        render_status(outlook, daily, _stdout_console())
    reasons = _below(outlook, floor, days)
    for reason in reasons:
        click.echo(f"{PROG}: below threshold: {reason}", err=True)
    if reasons:
        ctx.exit(EXIT_BELOW_THRESHOLD)


def _outlook(
    source: _Source,
    path: Path,
    *,
    api_key_file: Path | None,
    no_sync: bool,
    now: datetime,
    verbose: bool,
) -> tuple[Forecast, list[Decimal]]:
    """Sync the ledger (unless ``no_sync``), read the balance: the forecast and daily spending."""
    from youcam_units.ledger import Ledger, forecast, sync  # noqa: PLC0415

    runtime = _runtime(click.get_current_context())
    if no_sync and not path.exists():
        raise CliError(f"no ledger at {path}: run `{PROG} sync` first, or drop --no-sync")
    stderr = _stderr_console()
    notice = WaitNotice(stderr)
    with (
        _reported(verbose=verbose, action="run status again"),
        _unit_client(source, runtime, api_key_file, needs_key=False, notice=notice) as client,
        Ledger(path) as ledger,
    ):
        if not no_sync:
            with _progress(stderr, "syncing") as progress:
                ledger.claim_source(_source_label(source, runtime, client.base_url))
                task = progress.add_task("sync", total=None, detail="")
                notice.attach(progress, task)
                sync(ledger, client)
        current = client.balance()
        return forecast(current, ledger, now=now), _daily_spending(ledger, now)


_CHART_DAYS: Final = 30


def _daily_spending(ledger: Any, now: datetime) -> list[Decimal]:  # noqa: ANN401 - a Ledger
    """Units spent on each of the last 30 UTC days up to ``now``, oldest first (expiries aside)."""
    from youcam_units.ledger import daily_spending  # noqa: PLC0415

    return daily_spending(ledger, now, days=_CHART_DAYS)


def _below(outlook: Forecast, floor: Decimal | None, days: Decimal | None) -> list[str]:
    reasons = []
    if floor is not None and outlook.balance < floor:
        reasons.append(f"the balance {outlook.balance:,} is below --min-balance {floor}")
    left = outlook.days_left
    if days is not None and left is not None and left < days:
        reasons.append(
            f"the units run out in {left:.1f} days, fewer than --min-days {days} "
            f"(at {outlook.spend_per_day:,.2f} units per day)"
        )
    return reasons


def _status_json(outlook: Forecast) -> dict[str, Any]:
    left = outlook.days_left
    return {
        "as_of": _iso(outlook.now),
        "balance": outlook.balance,
        "spend_per_day": outlook.spend_per_day,
        "window_days": outlook.rate.days,
        "runs_out_at": None if outlook.runs_out_at is None else _iso(outlook.runs_out_at),
        "days_left": left,
        "expiring_within_days": Decimal(outlook.horizon / timedelta(days=1)),
        "expiring_total": outlook.expiring_total,
        "expiring": [
            {
                "bucket": units.bucket.id,
                "amount": units.amount,
                "expires_at": _iso(units.expires_at),
            }
            for units in outlook.expiring
        ],
    }


# -- export --------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default="jsonl",
    show_default=True,
    help="CSV (one row per entry) or JSON lines (each entry exactly as sent).",
)
@click.option("--since", "since", metavar="DAY", help="Only entries on or after this UTC day.")
@click.option("--until", "until", metavar="DAY", help="Only entries on or before this UTC day.")
@_db_option
@_demo_options
@_verbose_option
@click.pass_context
def export(
    ctx: click.Context,
    *,
    fmt: str,
    since: str | None,
    until: str | None,
    db: Path | None,
    demo: bool,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Write the ledger's entries, newest first, without any request to the service.

    Run `sync` first; with --demo the demo ledger is synced from the in-process mock first.
    """
    from youcam_units._cli._render import make_writer  # noqa: PLC0415
    from youcam_units.ledger import Ledger  # noqa: PLC0415

    since_ms, until_ms = _since_ms(since), _until_ms(until)
    _check_range(since_ms, until_ms)
    _configure_logging(ctx, verbose=verbose)
    path = db or default_db_path(demo=demo, seed=seed, entries=entries)
    if demo:
        _sync(_Source(demo, None, None, seed, entries), path, _runtime(ctx), verbose=verbose)
    elif not path.exists():
        raise CliError(f"no ledger at {path}: run `{PROG} sync` first (or pass --db)")
    writer = make_writer("csv" if fmt == "csv" else "jsonl", sys.stdout)
    batch: list[Any] = []
    with (
        _reported(verbose=verbose, action="check the --db path"),
        Ledger(path, read_only=True) as ledger,
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
