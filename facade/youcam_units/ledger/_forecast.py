"""The forecast and the daily spending from a balance and the local ledger's totals.

Both read the ledger's totals per UTC day and action (``SummaryStorage.totals``), never its
entries one by one, so they cost the same at any ledger size. The ledger's oldest entry says
when the account's history began, so a young account's rate is not spread over days it did not
exist.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from youcam_units import _forecast
from youcam_units._amounts import ZERO, exact_add, exact_subtract, exact_sum
from youcam_units._forecast import DEFAULT_HORIZON, DEFAULT_WINDOW, Forecast, ceil_ms, spend_rate
from youcam_units._models import DAY_MS, EPOCH, MIN_DATETIME_MS
from youcam_units.ledger._storage import SummaryStorage

if TYPE_CHECKING:
    from youcam_units._unit_system import Balance

__all__ = ["DAILY_DAYS", "HistoryStore", "daily_spending", "forecast", "ledger_forecast"]

DAILY_DAYS: Final = 30
"""The days ``daily_spending`` covers by default."""

HistoryStore = SummaryStorage
"""What the forecast reads of a ledger: its totals and its oldest time (``Ledger`` is one)."""


def ledger_forecast(
    balance: Balance,
    ledger: SummaryStorage,
    *,
    now: datetime | None = None,
    window: timedelta = DEFAULT_WINDOW,
    horizon: timedelta = DEFAULT_HORIZON,
) -> Forecast:
    """``youcam_units.forecast`` over the ledger's spending in ``window`` before ``now``.

    ``now`` defaults to the current time.

    Sync the ledger first: spending it does not hold yet is not counted.
    """
    now = datetime.now(UTC) if now is None else now
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(UTC))")
    oldest = ledger.oldest_timestamp_ms()
    # A first entry before the year 1 (no datetime holds it) cuts no window: as if none.
    started_at = (
        None
        if oldest is None or oldest < MIN_DATETIME_MS
        else EPOCH + timedelta(milliseconds=oldest)
    )
    # The window the projection will use (cut at the account's start): its spending, exactly,
    # handed over as one spend at its first millisecond.
    since = spend_rate((), now=now, window=window, started_at=started_at).since
    since_ms, until_ms = ceil_ms(since), ceil_ms(now)
    totals = ledger.totals(since_ms, until_ms, per="action")  # expiries aside, as in summarize
    history = [(since_ms, exact_subtract(ZERO, exact_sum(t.spent for t in totals)))]
    return _forecast.forecast(
        balance, history, now=now, window=window, horizon=horizon, started_at=started_at
    )


def forecast(
    balance: Balance,
    ledger: SummaryStorage,
    *,
    now: datetime | None = None,
    window: timedelta = DEFAULT_WINDOW,
    horizon: timedelta = DEFAULT_HORIZON,
) -> Forecast:
    """Deprecated: ``ledger_forecast`` (``forecast`` names ``youcam_units.forecast`` alone)."""
    warnings.warn(
        "youcam_units.ledger.forecast is deprecated: use youcam_units.ledger.ledger_forecast",
        DeprecationWarning,
        stacklevel=2,
    )
    return ledger_forecast(balance, ledger, now=now, window=window, horizon=horizon)


def daily_spending(
    ledger: SummaryStorage, now: datetime, *, days: int = DAILY_DAYS
) -> list[Decimal]:
    """Units spent on each of the last ``days`` UTC days, oldest first, today up to ``now``.

    Expiries are not spending (as in ``summarize`` and the forecast).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(UTC))")
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, got {type(days).__name__} {days!r}")
    if days < 0:
        raise ValueError(f"days must be 0 or more, got {days}")
    until_ms = ceil_ms(now)
    today = (until_ms - 1) // DAY_MS
    first = today - days + 1
    spent = [Decimal(0)] * days
    for totals in ledger.totals(first * DAY_MS, until_ms, per="day"):
        if totals.day is not None:
            spent[totals.day - first] = exact_add(spent[totals.day - first], totals.spent)
    return spent
