"""The forecast over a ledger: the window's spending, the account's start; figures by hand.

``N`` is "now"; a day is 86,400,000 ms.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import youcam_units as yu
from youcam_units.ledger import Per, Totals, daily_spending, ledger_forecast

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

N = datetime(2026, 11, 1, tzinfo=UTC)
N_MS = 1_793_491_200_000
DAY_MS = 86_400_000


def _entry(
    index: int, days_ago: float, amount: str, action: str = "photo_enhance"
) -> yu.HistoryEntry:
    return yu.HistoryEntry.from_dict(
        {
            "id": 1000 + index,
            "timestamp": N_MS - int(days_ago * DAY_MS),
            "action": action,
            "target_id": f"t{index}",
            "info": {"credits": [{"id": 7, "amount": 0, "amount_dec": Decimal(amount)}]},
        }
    )


class FakeLedger:
    """A ledger of hand-made entries, totalling them as ``Ledger`` does; records the range asked."""

    def __init__(self, entries: Sequence[yu.HistoryEntry]) -> None:
        self._entries = list(entries)
        self.asked: list[tuple[int | None, int | None]] = []

    def totals(self, since_ms: int | None, until_ms: int | None, *, per: Per) -> Iterator[Totals]:
        """One total per entry within [since_ms, until_ms) (the protocol lets keys repeat)."""
        self.asked.append((since_ms, until_ms))
        low = -(2**63) if since_ms is None else since_ms
        high = 2**63 if until_ms is None else until_ms
        for e in self._entries:
            if low <= e.timestamp_ms < high:
                out = -sum((c.amount for c in e.changes if c.amount < 0), Decimal(0))
                granted = sum((c.amount for c in e.changes if c.amount > 0), Decimal(0))
                spent, expired = (Decimal(0), out) if e.action == "expire" else (out, Decimal(0))
                day = e.timestamp_ms // DAY_MS
                if per == "day":
                    yield Totals(day, day * DAY_MS, None, 1, spent, granted, expired)
                else:
                    yield Totals(None, None, str(e.action), 1, spent, granted, expired)

    def oldest_timestamp_ms(self) -> int | None:
        """The oldest entry's time."""
        return min((e.timestamp_ms for e in self._entries), default=None)


def _balance(amount: str, expires_in_days: float | None = None) -> yu.Balance:
    expires = None if expires_in_days is None else N + timedelta(days=expires_in_days)
    return yu.Balance((yu.UnitBucket(7, yu.UnitType.PAY_AS_YOU_GO, Decimal(amount), expires),))


def test_spending_in_the_window_sets_the_rate() -> None:
    """30 spends of 1.5 in the last 30 days; 1000 spent 45 days ago (outside); a grant.

    45 units over 30 days is 1.5 a day; 90 units last 60 days: 2026-12-31. Only the window's
    entries are read.
    """
    spends = [_entry(i, i - 0.5, "-1.5") for i in range(1, 31)]
    ledger = FakeLedger([*spends, _entry(99, 45, "-1000"), _entry(98, 3, "+500", "sign_up_gift")])
    result = ledger_forecast(_balance("90"), ledger, now=N)
    assert result.rate.spent == Decimal(45)
    assert result.spend_per_day == Decimal("1.5")
    assert result.runs_out_at == datetime(2026, 12, 31, tzinfo=UTC)
    assert result.days_left == Decimal(60)
    assert ledger.asked == [(N_MS - 30 * DAY_MS, N_MS)]


def test_a_young_account_is_measured_from_its_first_entry() -> None:
    """The ledger starts 10 days ago; 20 units spent: 2 a day, not 20/30; 50 units last 25 days."""
    ledger = FakeLedger([_entry(1, 10, "-10"), _entry(2, 2, "-10")])
    result = ledger_forecast(_balance("50"), ledger, now=N)
    assert result.rate.days == Decimal(10)
    assert result.spend_per_day == Decimal(2)
    assert result.days_left == Decimal(25)


def test_an_empty_ledger_never_runs_out_and_lists_expiring_units() -> None:
    """No history: nothing spent; a bucket expiring in 12 days loses all 40 units."""
    result = ledger_forecast(_balance("40", 12), FakeLedger([]), now=N)
    assert result.spend_per_day == Decimal(0)
    assert result.runs_out_at == N + timedelta(days=12)
    assert result.expiring_total == Decimal(40)


def test_expiries_are_not_spending() -> None:
    """An expire entry of 30 units in the window does not count: the rate stays 0.1 a day."""
    ledger = FakeLedger(
        [_entry(1, 40, "+100", "sign_up_gift"), _entry(2, 5, "-3"), _entry(3, 4, "-30", "expire")]
    )
    result = ledger_forecast(_balance("10"), ledger, now=N)
    assert result.spend_per_day == Decimal("0.1")
    assert result.days_left == Decimal(100)


def test_naive_now_is_refused() -> None:
    """A naive datetime has no time zone to compare entries' UTC times with."""
    with pytest.raises(ValueError, match="timezone-aware"):
        ledger_forecast(_balance("1"), FakeLedger([]), now=datetime(2026, 11, 1))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("now", "days", "match"),
    [
        (datetime(2026, 11, 1), 30, "timezone-aware"),  # noqa: DTZ001 - the naive one refused
        (N, -3, "days"),
        (N, 2.5, "days"),
    ],
)
def test_daily_spending_refuses_a_naive_now_or_a_bad_day_count(
    now: datetime, days: object, match: str
) -> None:
    """As ledger_forecast does: once a TypeError about offsets, or a silent empty list."""
    with pytest.raises((ValueError, TypeError), match=match):
        daily_spending(FakeLedger([_entry(1, 1, "-2")]), now, days=days)  # type: ignore[arg-type]


def test_the_old_name_warns_and_gives_the_same_forecast() -> None:
    """``ledger.forecast`` (before ``ledger_forecast``) still works, with a DeprecationWarning."""
    from youcam_units.ledger import forecast  # noqa: PLC0415 - the deprecated name, on its own

    ledger = FakeLedger([_entry(1, 10, "-10"), _entry(2, 2, "-10")])
    with pytest.warns(DeprecationWarning, match="use youcam_units.ledger.ledger_forecast"):
        old = forecast(_balance("50"), ledger, now=N, window=timedelta(days=20))
    assert old == ledger_forecast(_balance("50"), ledger, now=N, window=timedelta(days=20))
    assert old.days_left == Decimal(25)
