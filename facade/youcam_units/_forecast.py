"""When the units run out, and which expire first: pure functions of a balance and the history.

The spend rate is what was spent (every negative change but expiry, as ``summarize`` counts it)
over a window ending ``now``. The projection spends the balance at that rate, earliest-expiring
bucket first; what a bucket still holds when it expires is lost, and the balance reaches zero when
the last unit is spent or lost. Nothing here reads a clock or the network: ``now`` is an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from youcam_units._amounts import ZERO, exact_add, exact_amount, exact_subtract, exact_sum
from youcam_units._models import DAY_MS, EPOCH, Action, HistoryEntry

if TYPE_CHECKING:
    from collections.abc import Iterable

    from youcam_units._unit_system import Balance, UnitBucket

__all__ = [
    "DEFAULT_HORIZON",
    "DEFAULT_WINDOW",
    "ExpiringUnits",
    "Forecast",
    "SpendRate",
    "ceil_ms",
    "forecast",
    "spend_rate",
]

DEFAULT_WINDOW: Final = timedelta(days=30)
DEFAULT_HORIZON: Final = timedelta(days=30)
_MS_PER_DAY: Final = Decimal(DAY_MS)
_MIN_WINDOW: Final = timedelta(days=1)

Spending = HistoryEntry | tuple[int, Decimal | int]
"""A history entry, or ``(timestamp_ms, amount)`` with negative amounts for spending."""


@dataclass(frozen=True, slots=True)
class SpendRate:
    """Units spent over ``[since, until)``, and per day over that span."""

    spent: Decimal
    """Units spent, as a positive number (expiries and grants excluded)."""
    since: datetime
    until: datetime

    @property
    def days(self) -> Decimal:
        """The length of the window in days (exact to the millisecond)."""
        return _ms(self.until - self.since) / _MS_PER_DAY

    @property
    def per_day(self) -> Decimal:
        """Units spent per day (``Decimal``'s 28 significant digits; 0 for no spending)."""
        return self.spent / self.days


@dataclass(frozen=True, slots=True)
class ExpiringUnits:
    """Units of one bucket that expire before the spend rate can use them."""

    bucket: UnitBucket
    amount: Decimal
    """What the bucket will still hold when it expires."""

    @property
    def expires_at(self) -> datetime:
        """When they are lost."""
        assert self.bucket.expires_at is not None  # noqa: S101 - only expiring buckets get here
        return self.bucket.expires_at


@dataclass(frozen=True, slots=True)
class Forecast:
    """The balance now, the spend rate, the projected run-out, and units expiring soon."""

    now: datetime
    balance: Decimal
    rate: SpendRate
    runs_out_at: datetime | None
    """When the balance reaches zero at this rate (expiries counted); ``None``: it never does,
    or not before the end of year 9999, which a ``datetime`` cannot pass (``days_left`` then
    still says when)."""
    expiring: tuple[ExpiringUnits, ...]
    """Buckets expiring within the horizon with units left, earliest first."""
    horizon: timedelta
    days_left: Decimal | None
    """Days from ``now`` until the balance reaches zero, exact (``None``: never)."""
    expired: tuple[UnitBucket, ...] = ()
    """Buckets the service still reports whose expiry is at or before ``now``: their units cannot
    be spent, so they are neither expiring nor counted in the run-out (``balance`` still
    includes them, as the service does)."""

    @property
    def expired_total(self) -> Decimal:
        """Units the service still reports in buckets whose expiry has passed."""
        return exact_sum(bucket.amount for bucket in self.expired)

    @property
    def spendable(self) -> Decimal:
        """The balance without the units of expired buckets: what can still be spent."""
        return exact_subtract(self.balance, self.expired_total)

    @property
    def spend_per_day(self) -> Decimal:
        """Units spent per day over the window."""
        return self.rate.per_day

    @property
    def expiring_total(self) -> Decimal:
        """Units lost to expiry within the horizon."""
        return exact_sum(units.amount for units in self.expiring)


def spend_rate(
    history: Iterable[Spending],
    *,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    started_at: datetime | None = None,
) -> SpendRate:
    """The units spent in the ``window`` before ``now``.

    ``started_at`` is when the account's history began (its first entry): a window reaching
    further back is cut there, so a young account's rate is not diluted by days it did not exist
    (the window is never cut below one day). Entries outside the window are ignored, so the whole
    ledger may be passed.
    """
    _check_aware(now, "now")
    if window <= timedelta(0):
        raise ValueError(f"window must be positive, got {window}")
    since = _shifted(now, -window)
    if started_at is not None:
        _check_aware(started_at, "started_at")
        since = min(max(since, started_at), _shifted(now, -min(window, _MIN_WINDOW)))
    low, high = _ms(since - EPOCH), _ms(now - EPOCH)
    spent = Decimal(0)
    for item in history:
        timestamp, amount = _spent(item)
        if low <= timestamp < high:
            spent = exact_add(spent, amount)
    return SpendRate(spent=spent, since=since, until=now)


def forecast(
    balance: Balance,
    history: Iterable[Spending],
    *,
    now: datetime | None = None,
    window: timedelta = DEFAULT_WINDOW,
    horizon: timedelta = DEFAULT_HORIZON,
    started_at: datetime | None = None,
) -> Forecast:
    """Project ``balance`` forward at the rate ``history`` shows over ``window``.

    Buckets are spent earliest expiry first (never-expiring ones last), at the rate; a bucket
    that expires before it is spent loses the rest. ``expiring`` lists the losses that fall within
    ``horizon`` of ``now``. ``now`` defaults to the current time; pass it to get a reproducible
    answer.
    """
    now = datetime.now(UTC) if now is None else now
    if horizon < timedelta(0):
        raise ValueError(f"horizon must not be negative, got {horizon}")
    rate = spend_rate(history, now=now, window=window, started_at=started_at)
    expired = tuple(
        b for b in balance.by_expiry if b.expires_at is not None and b.expires_at <= now
    )
    live = [b for b in balance.buckets if b not in expired]
    runs_out_ms, losses = _project(live, rate, now)
    limit = _shifted(now, horizon)
    expiring = tuple(loss for loss in losses if loss.expires_at <= limit)
    return Forecast(
        now=now,
        balance=balance.total,
        rate=rate,
        runs_out_at=None if runs_out_ms is None else _at(now, runs_out_ms),
        expiring=expiring,
        horizon=horizon,
        days_left=None if runs_out_ms is None else runs_out_ms / _MS_PER_DAY,
        expired=expired,
    )


def _project(
    buckets: Iterable[UnitBucket], rate: SpendRate, now: datetime
) -> tuple[Decimal | None, list[ExpiringUnits]]:
    """Spend the buckets in expiry order at ``rate``: (ms from now to zero, losses).

    ``t`` is the time spent so far, in ms from ``now``. A bucket is spent from ``t`` until it is
    empty or expires, whichever comes first; since buckets are taken in expiry order, ``t`` never
    passes the next bucket's expiry before it is reached. The rate stays a fraction (units spent
    over the window's ms) and each step divides once, so round figures come out exact.
    """

    def order(bucket: UnitBucket) -> tuple[bool, datetime]:
        return bucket.expires_at is None, bucket.expires_at or now

    spent, window_ms = rate.spent, _ms(rate.until - rate.since)
    t = Decimal(0)
    losses: list[ExpiringUnits] = []
    never_empty = False
    for bucket in sorted((b for b in buckets if b.amount > 0), key=order):
        if bucket.expires_at is None:
            if spent == 0:
                never_empty = True
            else:
                t += bucket.amount * window_ms / spent
            continue
        expires = max(Decimal(0), _ms(bucket.expires_at - now))
        usable = spent * (expires - t) / window_ms
        if bucket.amount <= usable:
            t += bucket.amount * window_ms / spent
        else:
            losses.append(ExpiringUnits(bucket, bucket.amount - usable))
            t = expires
    return (None if never_empty else t), losses


def _spent(item: Spending) -> tuple[int, Decimal]:
    """(timestamp_ms, units spent) of one history item; spending counts positive."""
    if isinstance(item, HistoryEntry):
        if item.action == Action.EXPIRE:
            return item.timestamp_ms, Decimal(0)
        spent = Decimal(0)
        for change in item.changes:
            change_amount = exact_amount(change.amount, "info.credits[].amount")
            if change_amount < 0:
                spent = exact_subtract(spent, change_amount)
        return item.timestamp_ms, spent
    timestamp, sent = item
    exact = exact_amount(sent, "amount")
    return timestamp, exact_subtract(ZERO, exact) if exact < 0 else ZERO


def ceil_ms(when: datetime) -> int:
    """The first whole millisecond at or after ``when``: the end of a window reaching ``when``."""
    micros = (when - EPOCH) // timedelta(microseconds=1)
    return -(-micros // 1000)


def _ms(delta: timedelta) -> Decimal:
    """A duration in milliseconds, exact (timedelta holds whole microseconds)."""
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return Decimal(micros) / 1000


def _at(now: datetime, ms: Decimal) -> datetime | None:
    """``now`` plus ``ms`` milliseconds, to the microsecond (rounded half even).

    ``None`` past the last moment a ``datetime`` holds (a tiny spend rate on a large balance
    puts the run-out thousands of years ahead).
    """
    try:
        return now + timedelta(microseconds=int((ms * 1000).to_integral_value()))
    except OverflowError:
        return None


def _shifted(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, stopped at the first or last moment a ``datetime`` holds.

    A window or horizon reaching past the years 1-9999 ends there (it would raise OverflowError).
    """
    try:
        return moment + delta
    except OverflowError:
        if delta > timedelta(0):
            return datetime.max.replace(tzinfo=moment.tzinfo)
        return datetime.min.replace(tzinfo=moment.tzinfo)


def _check_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, e.g. datetime.now(UTC)")
