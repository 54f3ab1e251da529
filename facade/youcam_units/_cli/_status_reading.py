"""The status's reading: the synced ledger and client (``ledger_session``), forecast, budgets.

``read_status`` is shared by ``status``, ``metrics``, ``report`` and ``status --account all``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._budgets import Budgets, BudgetUse, month_bounds_ms
from youcam_units._cli._options import no_ledger_file
from youcam_units._cli._runtime import PROG, CliError, Runtime, _reported
from youcam_units._cli._sources import open_client
from youcam_units._cli._sync_command import synced
from youcam_units._cli._terminal import WaitNotice, _stderr_console
from youcam_units._cli._text import iso_utc
from youcam_units._cli._upgrade import open_ledger

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from youcam_units import Balance, Client, Forecast
    from youcam_units._cli._status_options import StatusQuery
    from youcam_units._money import UnitPrice
    from youcam_units.ledger import Ledger, PostgresLedger, Totals

_CHART_DAYS: Final = 30


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
def ledger_session(query: StatusQuery, runtime: Runtime, *, action: str) -> Iterator[LedgerSession]:
    """Open the client and the ledger and sync it (unless ``--no-sync``).

    Costs ceil(k/30)+1 history requests for k new entries. Every failure inside, the caller's
    own reading included, is one line saying to ``action``.
    """
    if query.no_sync and no_ledger_file(query.path):
        raise CliError(f"no ledger at {query.path}: run `{PROG} sync` first, or drop --no-sync")
    notice = WaitNotice(_stderr_console())
    synced_at = None
    with (
        _reported(action=action),
        open_client(query.source, runtime, wants="any", notice=notice) as client,
        open_ledger(query.path) as ledger,
    ):
        if not query.no_sync:
            synced(ledger, client, query.source, runtime, notice)
            synced_at = datetime.now(UTC)
        yield LedgerSession(client, ledger, query.as_of or datetime.now(UTC), synced_at)


def status_reading(session: LedgerSession, budgets: Budgets) -> StatusReading:
    """The balance (one request), the forecast from it and the ledger, and the month's spending."""
    from youcam_units.ledger import daily_spending, ledger_forecast  # noqa: PLC0415

    ledger, now = session.ledger, session.now
    current = session.client.balance()
    outlook = ledger_forecast(current, ledger, now=now)
    daily = daily_spending(ledger, now, days=_CHART_DAYS)
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


def read_status(query: StatusQuery, runtime: Runtime) -> StatusReading:
    """Sync the ledger (unless ``--no-sync``), read the balance, and forecast from the two."""
    with ledger_session(query, runtime, action="run status again") as session:
        return status_reading(session, query.budgets)


def _spent_per_action(totals: Iterable[Totals]) -> dict[str, Decimal]:
    spent: dict[str, Decimal] = {}
    for part in totals:
        action = part.action or ""
        spent[action] = spent.get(action, Decimal(0)) + part.spent
    return spent


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


def say_crossed(reading: StatusReading, below: list[str], whose: str = "") -> bool:
    """Each threshold crossed and budget over, one stderr line each; whether there was any."""
    over = [use.reason() for use in reading.budget_uses if use.over]
    for kind, reasons in (("below threshold", below), ("over budget", over)):
        for reason in reasons:
            click.echo(f"{PROG}: {kind}: {whose}{reason}", err=True)
    return bool(below or over)


def status_json(outlook: Forecast, price: UnitPrice | None = None) -> dict[str, Any]:
    """``status --format json``: exact figures; with a price, their exact value in money."""
    left = outlook.days_left
    body: dict[str, Any] = {
        "as_of": iso_utc(outlook.now),
        "balance": outlook.balance,
        "spend_per_day": outlook.spend_per_day,
        "window_days": outlook.rate.days,
        "runs_out_at": None if outlook.runs_out_at is None else iso_utc(outlook.runs_out_at),
        "days_left": left,
        "expiring_within_days": Decimal(outlook.horizon / timedelta(days=1)),
        "expiring_total": outlook.expiring_total,
        "expiring": [
            {
                "bucket": units.bucket.id,
                "amount": units.amount,
                "expires_at": iso_utc(units.expires_at),
            }
            for units in outlook.expiring
        ],
        "spendable": outlook.spendable,
        "expired_total": outlook.expired_total,
        "expired": [
            {"bucket": bucket.id, "amount": bucket.amount, "expired_at": iso_utc(bucket.expires_at)}
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
