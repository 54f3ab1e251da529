"""``status`` (balance, spend rate, run-out date, units expiring) and ``export`` (from the ledger).

``status`` syncs the ledger first and exits 3 when a ``--min-balance`` or ``--min-days``
threshold is crossed or a budget is over, for cron and monitoring; ``export`` reads only the
ledger. ``_status_options``, ``StatusQuery`` and ``read_status`` are the status's inputs and its
reading, shared with every command that shows it (``metrics``, ``report``); ``ledger_session`` is
the synced ledger and the client those readings are made from.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._account_defaults import account_budgets
from youcam_units._cli._budgets import Budgets, BudgetUse, budget_options, month_bounds_ms
from youcam_units._cli._commands import _runtime, _source_label, _sync, _sync_detail, cli
from youcam_units._cli._inputs import (
    WaitNotice,
    _check_range,
    _day_range_options,
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
    no_ledger_file,
)
from youcam_units._cli._money_options import money_options
from youcam_units._cli._money_options import unit_price as parse_unit_price
from youcam_units._cli._output import machine_readable
from youcam_units._cli._runtime import (
    PROG,
    CliError,
    Runtime,
    _configure_logging,
    _reported,
)
from youcam_units._cli._upgrade import open_ledger

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

    from youcam_units import Balance, Client, Forecast
    from youcam_units._cli._render import Format
    from youcam_units._money import UnitPrice
    from youcam_units.ledger import Ledger, PostgresLedger, Totals

from youcam_units._cli._unit_client import (
    EXIT_BELOW_THRESHOLD,
    _iso,
    _service_options,
    _unit_client,
)

__all__ = [
    "LedgerSession",
    "StatusQuery",
    "StatusReading",
    "export",
    "ledger_session",
    "read_status",
    "status",
    "status_json",
    "status_reading",
]

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


AS_OF_RANGE: Final = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC))
"""``--as-of``: history is in Unix milliseconds (from 1970), and forecasts reach past ``now``."""


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
        when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        if not AS_OF_RANGE[0] <= when < AS_OF_RANGE[1]:
            # The forecast looks 30 days back and ahead: near year 1 or 9999 that overflows.
            raise click.BadParameter(
                f"{value!r} is out of range: pick a time from {AS_OF_RANGE[0]:%Y-%m-%d} to "
                f"{AS_OF_RANGE[1] - timedelta(days=1):%Y-%m-%d}",
                param_hint="'--as-of'",
            )
        return when
    if demo:
        from youcam_units.mock import MOCK_NOW_MS  # noqa: PLC0415

        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=MOCK_NOW_MS)
    return datetime.now(UTC)


def _status_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """What ``status`` reads and how; every command that shows the status takes the same.

    ``--no-sync``, ``--as-of``, the budgets, the ledger and the service.
    """
    for option in (
        _verbose_option,
        _service_options,
        _db_option,
        budget_options,
        click.option("--as-of", metavar="TIME", help=_AS_OF_HELP),
        click.option("--no-sync", is_flag=True, help=_NO_SYNC_HELP),
    ):
        func = option(func)
    return func


_AS_OF_HELP: Final = (
    "Forecast as of this UTC time (default: now; with --demo, the demo data's now)."
)
_NO_SYNC_HELP: Final = "Use the ledger as it is (no history requests first)."


@dataclass(frozen=True)
class StatusQuery:
    """The status options, checked: what to read, from where, and the budgets to hold it to."""

    source: _Source
    path: Path | str
    """The ledger: a file, or a ``postgresql://`` URL."""
    api_key_file: Path | None
    no_sync: bool
    as_of: datetime | None
    """``--as-of``, or the demo's now; ``None``: the time of each reading."""
    budgets: Budgets
    verbose: bool

    @classmethod
    def from_options(cls, ctx: click.Context, options: dict[str, Any]) -> StatusQuery:
        """Checks the options before any request (a missing ledger with --no-sync too)."""
        demo, seed, entries = options["demo"], options["seed"], options["entries"]
        as_of = options["as_of"]
        query = cls(
            source=_Source(demo, options["token_file"], options["base_url"], seed, entries),
            path=options["db"] or default_db_path(demo=demo, seed=seed, entries=entries),
            api_key_file=options["api_key_file"],
            no_sync=options["no_sync"],
            as_of=_as_of(as_of, demo=demo) if as_of is not None or demo else None,
            budgets=Budgets(*account_budgets(options["monthly_budget"], options["action_budgets"])),
            verbose=options["verbose"],
        )
        _configure_logging(ctx, verbose=query.verbose)
        return query


_STATUS_OPTION_NAMES: Final = (
    "no_sync",
    "as_of",
    "monthly_budget",
    "action_budgets",
    "db",
    "demo",
    "token_file",
    "api_key_file",
    "base_url",
    "seed",
    "entries",
    "verbose",
)


def _pop_status_options(options: dict[str, Any]) -> dict[str, Any]:
    """The options ``_status_options`` added, taken out of a command's keyword arguments."""
    return {name: options.pop(name) for name in _STATUS_OPTION_NAMES}


@dataclass(frozen=True)
class StatusReading:
    """One reading of the status: the balance, its forecast, and the ledger's spending."""

    balance: Balance
    outlook: Forecast
    daily: list[Decimal]
    """Units spent per UTC day, the last 30 days up to now, oldest first."""
    month: str
    """``YYYY-MM``: the UTC calendar month of now."""
    month_spent: dict[str, Decimal]
    """Units spent this month per action (expiries aside)."""
    lifetime: dict[str, tuple[Decimal, Decimal]]
    """(spent, expired) per action over the whole ledger: units only ever add up."""
    synced_at: datetime | None
    """When this reading's sync finished (wall clock); ``None`` with ``--no-sync``."""
    budget_uses: list[BudgetUse]


@dataclass(frozen=True, slots=True)
class LedgerSession:
    """A synced ledger and a client open on the same service, at the reading's ``now``."""

    client: Client
    ledger: Ledger | PostgresLedger
    now: datetime
    synced_at: datetime | None
    """When this session's sync finished (wall clock); ``None`` with ``--no-sync``."""


@contextmanager
def ledger_session(
    query: StatusQuery, runtime: Runtime, *, action: str, notice: WaitNotice | None = None
) -> Iterator[LedgerSession]:
    """Open the client and the ledger and sync it (unless ``--no-sync``).

    Costs ceil(k/30)+1 history requests for k new entries. Every failure inside, the caller's
    own reading included, is one line saying to ``action``.
    """
    from youcam_units.ledger import sync  # noqa: PLC0415

    if query.no_sync and no_ledger_file(query.path):
        raise CliError(f"no ledger at {query.path}: run `{PROG} sync` first, or drop --no-sync")
    stderr = _stderr_console()
    notice = notice or WaitNotice(stderr)
    synced_at = None
    with (
        _reported(verbose=query.verbose, action=action),
        _unit_client(
            query.source, runtime, query.api_key_file, needs_key=False, notice=notice
        ) as client,
        open_ledger(query.path) as ledger,
    ):
        if not query.no_sync:
            with _progress(stderr, "syncing") as progress:
                ledger.claim_source(_source_label(query.source, runtime, client.base_url))
                task = progress.add_task("sync", total=None, detail="")
                notice.attach(progress, task)
                sync(
                    ledger, client, on_page=lambda r: progress.update(task, detail=_sync_detail(r))
                )
            synced_at = datetime.now(UTC)
        yield LedgerSession(client, ledger, query.as_of or datetime.now(UTC), synced_at)


def status_reading(session: LedgerSession, budgets: Budgets) -> StatusReading:
    """The balance (one request), the forecast from it and the ledger, and the month's spending."""
    from youcam_units.ledger import forecast  # noqa: PLC0415

    ledger, now = session.ledger, session.now
    current = session.client.balance()
    outlook = forecast(current, ledger, now=now)
    daily = _daily_spending(ledger, now)
    month, since_ms, until_ms = month_bounds_ms(now)
    month_spent = _spent_per_action(ledger.totals(since_ms, until_ms, per="action"))
    lifetime: dict[str, tuple[Decimal, Decimal]] = {}
    for totals in ledger.totals(None, None, per="action"):
        spent, expired = lifetime.get(totals.action or "", (Decimal(0), Decimal(0)))
        lifetime[totals.action or ""] = (spent + totals.spent, expired + totals.expired)
    return StatusReading(
        current,
        outlook,
        daily,
        month,
        month_spent,
        lifetime,
        session.synced_at,
        budgets.uses(month, month_spent),
    )


def read_status(
    query: StatusQuery, runtime: Runtime, *, notice: WaitNotice | None = None
) -> StatusReading:
    """Sync the ledger (unless ``--no-sync``), read the balance, and forecast from the two."""
    with ledger_session(query, runtime, action="run status again", notice=notice) as session:
        return status_reading(session, query.budgets)


def _spent_per_action(totals: Iterable[Totals]) -> dict[str, Decimal]:
    spent: dict[str, Decimal] = {}
    for part in totals:
        action = part.action or ""
        spent[action] = spent.get(action, Decimal(0)) + part.spent
    return spent


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
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A few lines and a chart, or JSON.",
)
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
            ctx, _pop_status_options(options), floor, days, fmt, money=(unit_price, currency)
        )
        return
    query = StatusQuery.from_options(ctx, _pop_status_options(options))
    reading = read_status(query, _runtime(ctx))
    outlook = reading.outlook
    if fmt == "json":
        from youcam_units import _json as exact_json  # noqa: PLC0415 - keeps `--help` fast

        machine_readable()
        body = status_json(outlook, price)
        body["budgets"] = [use.to_dict() for use in reading.budget_uses]
        click.echo(exact_json.dumps(body, indent=2))
    else:
        from youcam_units._cli._unit_render import render_budgets, render_status  # noqa: PLC0415

        console = _stdout_console()
        render_status(outlook, reading.daily, console, price=price)
        render_budgets(reading.budget_uses, console)
    reasons = _below(outlook, floor, days)
    for reason in reasons:
        click.echo(f"{PROG}: below threshold: {reason}", err=True)
    over = [use.reason() for use in reading.budget_uses if use.over]
    for reason in over:
        click.echo(f"{PROG}: over budget: {reason}", err=True)
    if reasons or over:
        ctx.exit(EXIT_BELOW_THRESHOLD)


def _status_of_all_accounts(
    ctx: click.Context,
    options: dict[str, Any],
    floor: Decimal | None,
    days: Decimal | None,
    fmt: str,
    *,
    money: tuple[str | None, str],
) -> None:
    """``status --account all``: each configured account's reading, then their totals.

    Each account's query is read from the same options while that account is in use, so its
    credentials, base URL and ledger are its own.
    """
    from youcam_units._cli import _accounts  # noqa: PLC0415
    from youcam_units._cli._account_commands import status_all  # noqa: PLC0415

    _accounts.refuse_with_all(
        "--account all",
        **{name: options[name] for name in _REFUSED_WITH_ALL},
    )
    runtime = _runtime(ctx)

    def reading_of() -> StatusReading:
        return read_status(StatusQuery.from_options(ctx, dict(options)), runtime)

    def price_of() -> UnitPrice | None:
        return parse_unit_price(*money)

    if status_all(
        reading_of, fmt=fmt, check=lambda outlook: _below(outlook, floor, days), price_of=price_of
    ):
        ctx.exit(EXIT_BELOW_THRESHOLD)


_REFUSED_WITH_ALL: Final = ("db", "demo", "token_file", "api_key_file", "base_url")
"""Each account has its own: with --account all these would name one for all."""


_CHART_DAYS: Final = 30


def _daily_spending(ledger: Any, now: datetime) -> list[Decimal]:  # noqa: ANN401 - a Ledger
    """Units spent on each of the last 30 UTC days up to ``now``, oldest first (expiries aside)."""
    from youcam_units.ledger import daily_spending  # noqa: PLC0415

    return daily_spending(ledger, now, days=_CHART_DAYS)


def _below(outlook: Forecast, floor: Decimal | None, days: Decimal | None) -> list[str]:
    reasons = []
    if floor is not None and outlook.spendable < floor:
        expired = f" (without {outlook.expired_total:,} expired)" if outlook.expired else ""
        reasons.append(f"the balance {outlook.spendable:,}{expired} is below --min-balance {floor}")
    left = outlook.days_left
    if days is not None and left is not None and left < days:
        reasons.append(
            f"the units run out in {left:.1f} days, fewer than --min-days {days} "
            f"(at {outlook.spend_per_day:,.2f} units per day)"
        )
    return reasons


def status_json(outlook: Forecast, price: UnitPrice | None = None) -> dict[str, Any]:
    """``status --format json``: exact figures; with a price, their exact value in money."""
    left = outlook.days_left
    body: dict[str, Any] = {
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
        "spendable": outlook.spendable,
        "expired_total": outlook.expired_total,
        "expired": [
            {"bucket": bucket.id, "amount": bucket.amount, "expired_at": _iso(bucket.expires_at)}
            for bucket in outlook.expired
            if bucket.expires_at is not None
        ],
    }
    if price is not None:
        body["money"] = {
            "currency": price.currency,
            "unit_price": price.amount,
            "balance": price.value(outlook.balance),
            "spend_per_day": price.value(outlook.spend_per_day),
            "expiring_total": price.value(outlook.expiring_total),
        }
    return body


# -- export --------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "json"]),
    default="jsonl",
    show_default=True,
    help="CSV (one row per entry), JSON lines or a JSON array (each entry exactly as sent).",
)
@_day_range_options
@_db_option
@_demo_options
@_verbose_option
@click.pass_context
def export(
    ctx: click.Context,
    *,
    fmt: Format,
    since: str | None,
    until: str | None,
    db: Path | str | None,
    demo: bool,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Write the ledger's entries, newest first, without any request to the service.

    Run `sync` first; with --demo the demo ledger is synced from the in-process mock first.
    """
    from youcam_units._cli._render import make_writer  # noqa: PLC0415

    since_ms, until_ms = _since_ms(since), _until_ms(until)
    _check_range(since_ms, until_ms)
    _configure_logging(ctx, verbose=verbose)
    path = db or default_db_path(demo=demo, seed=seed, entries=entries)
    if demo:
        _sync(_Source(demo, None, None, seed, entries), path, _runtime(ctx), verbose=verbose)
    elif no_ledger_file(path):
        raise CliError(f"no ledger at {path}: run `{PROG} sync` first (or pass --db)")
    machine_readable()
    writer = make_writer(fmt, sys.stdout)
    batch: list[Any] = []
    with (
        _reported(verbose=verbose, action="check the --db path"),
        open_ledger(path, read_only=True) as ledger,
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
