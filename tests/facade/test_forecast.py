"""The forecast on hand-made histories: every expected figure below is worked out by hand.

``N`` is "now" throughout; a day is 86,400,000 ms.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
import youcam_units as yu
from hypothesis import example, given, settings
from hypothesis import strategies as st
from youcam_units._forecast import ExpiringUnits, forecast, spend_rate

N = datetime(2026, 11, 1, tzinfo=UTC)
N_MS = 1_793_491_200_000  # N in ms
DAY_MS = 86_400_000
D = timedelta(days=1)


def _bucket(bucket_id: int, amount: str, expires_in_days: float | None = None) -> yu.UnitBucket:
    expires = None if expires_in_days is None else N + timedelta(days=expires_in_days)
    return yu.UnitBucket(bucket_id, yu.UnitType.SUBSCRIPTION, Decimal(amount), expires)


def _daily(amount: str, days: int) -> list[tuple[int, Decimal]]:
    """One change of ``amount`` at noon of each of the ``days`` days before N."""
    return [(N_MS - d * DAY_MS + DAY_MS // 2, Decimal(amount)) for d in range(1, days + 1)]


def test_n_is_what_the_tests_say() -> None:
    """The hand-written constant N_MS is N."""
    assert N.timestamp() * 1000 == N_MS


def test_no_spending_never_runs_out_but_expiring_units_are_listed() -> None:
    """Only grants: 0 per day; a bucket that never expires keeps the balance above 0 forever.

    Bucket 1 (100 units, expires in 10 days) is lost whole within the 30-day horizon.
    """
    balance = yu.Balance((_bucket(1, "100", 10), _bucket(2, "50")))
    result = forecast(balance, _daily("+5", 20), now=N)
    assert result.balance == Decimal(150)
    assert result.rate.spent == Decimal(0)
    assert result.spend_per_day == Decimal(0)
    assert result.runs_out_at is None
    assert result.days_left is None
    assert result.expiring == (ExpiringUnits(balance.buckets[0], Decimal(100)),)
    assert result.expiring[0].expires_at == datetime(2026, 11, 11, tzinfo=UTC)
    assert result.expiring_total == Decimal(100)


def test_only_grants_and_every_bucket_expires_runs_out_at_the_last_expiry() -> None:
    """Nothing spent, both buckets expire: the balance is 0 when the later one (day 60) expires.

    Only bucket 1 (day 10) falls within the horizon.
    """
    balance = yu.Balance((_bucket(1, "100", 10), _bucket(2, "40", 60)))
    result = forecast(balance, [], now=N)
    assert result.runs_out_at == datetime(2026, 12, 31, tzinfo=UTC)  # N + 60 days
    assert result.days_left == Decimal(60)
    assert [(u.bucket.id, u.amount) for u in result.expiring] == [(1, Decimal(100))]


def test_steady_spending_runs_out_on_the_day_the_rate_says() -> None:
    """2 units a day for 30 days is 60 spent, 2 per day; 20 units last 10 days: 2026-11-11."""
    result = forecast(yu.Balance((_bucket(1, "20"),)), _daily("-2", 30), now=N)
    assert result.rate.spent == Decimal(60)
    assert result.rate.days == Decimal(30)
    assert result.spend_per_day == Decimal(2)
    assert result.runs_out_at == datetime(2026, 11, 11, tzinfo=UTC)
    assert result.days_left == Decimal(10)
    assert result.expiring == ()


def test_fractional_units() -> None:
    """12 spends of 0.25 in the window: 3 units over 30 days, 0.1 a day.

    1.5 units at 0.1 a day last 15 days; a 0.05 bucket expiring in 0.25 days holds more than
    the 0.025 that 0.1 a day spends by then, so 0.025 is lost.
    """
    history = _daily("-0.25", 12)
    balance = yu.Balance((_bucket(1, "1.45"), _bucket(2, "0.05", 0.25)))
    result = forecast(balance, history, now=N)
    assert result.balance == Decimal("1.50")
    assert result.rate.spent == Decimal("3.00")
    assert result.spend_per_day == Decimal("0.1")
    assert result.expiring[0].amount == Decimal("0.025")
    # 0.25 days spending bucket 2, then 1.45 / 0.1 = 14.5 days: 14.75 days from N.
    assert result.runs_out_at == datetime(2026, 11, 15, 18, 0, tzinfo=UTC)
    assert result.days_left == Decimal("14.75")


def test_a_bucket_that_expires_before_it_can_be_spent_loses_the_rest() -> None:
    """2 a day. A: 30 units, expires day 5: 10 spent, 20 lost on day 5.

    B: 10 units, expires day 40: spent days 5-10. C: 4 units, never expires: days 10-12.
    """
    a, b, c = _bucket(1, "30", 5), _bucket(2, "10", 40), _bucket(3, "4")
    result = forecast(yu.Balance((c, b, a)), _daily("-2", 30), now=N)
    assert result.balance == Decimal(44)
    assert result.expiring == (ExpiringUnits(a, Decimal(20)),)
    assert result.expiring_total == Decimal(20)
    assert result.runs_out_at == N + 12 * D


def test_buckets_that_expire_after_the_run_out_lose_nothing() -> None:
    """2 a day. A: 10 units, expires day 20, spent by day 5; B: 6, expires day 25, by day 8."""
    balance = yu.Balance((_bucket(1, "10", 20), _bucket(2, "6", 25)))
    result = forecast(balance, _daily("-2", 30), now=N)
    assert result.expiring == ()
    assert result.runs_out_at == N + 8 * D


def test_losses_beyond_the_horizon_are_not_listed() -> None:
    """1 a day. A: 5, expires day 10, spent by day 5. B: 100, expires day 45.

    From day 5 to day 45, 40 of B are spent and 60 lost on day 45: beyond a 30-day horizon,
    within a 50-day one. The balance reaches 0 on day 45.
    """
    a, b = _bucket(1, "5", 10), _bucket(2, "100", 45)
    history = _daily("-1", 30)
    result = forecast(yu.Balance((a, b)), history, now=N)
    assert result.expiring == ()
    assert result.runs_out_at == N + 45 * D
    wider = forecast(yu.Balance((a, b)), history, now=N, horizon=50 * D)
    assert wider.expiring == (ExpiringUnits(b, Decimal(60)),)


def test_a_bucket_already_past_its_expiry_is_expired_not_expiring() -> None:
    """A bucket listed with units but an expiry in the past: expired, kept out of expiring.

    (It was counted as 7 units "expiring" before issue 20; the run-out never used it.)
    """
    past = _bucket(1, "7", -1)
    result = forecast(yu.Balance((past, _bucket(2, "3"))), _daily("-1", 30), now=N)
    assert result.expiring == ()
    assert result.expired == (past,)
    assert result.runs_out_at == N + 3 * D


def test_an_empty_balance_has_run_out_now() -> None:
    """No units: run out at N, 0 days left; empty buckets are ignored."""
    result = forecast(yu.Balance((_bucket(1, "0", 3),)), _daily("-1", 30), now=N)
    assert result.runs_out_at == N
    assert result.days_left == Decimal(0)
    assert result.expiring == ()


def test_the_window_counts_only_spending_inside_it() -> None:
    """Window [N-30d, N): 2 x 3 units inside; one 100 before it, one grant and one expiry inside.

    Spent is 6. A 7-day window holds only the one 3 at N-2d.
    """
    history: list[Any] = [
        (N_MS - 2 * DAY_MS, Decimal(-3)),
        (N_MS - 20 * DAY_MS, -3),  # an int amount is exact too
        (N_MS - 31 * DAY_MS, Decimal(-100)),  # before the window
        (N_MS - 5 * DAY_MS, Decimal(50)),  # a grant: not spending
        (N_MS, Decimal(-9)),  # at N: the window ends before it
        yu.HistoryEntry.from_dict(
            {
                "id": 1,
                "timestamp": N_MS - 3 * DAY_MS,
                "action": "expire",
                "info": {"credits": [{"id": 9, "amount": -40}]},
            }
        ),
    ]
    assert spend_rate(history, now=N).spent == Decimal(6)
    assert spend_rate(history, now=N, window=7 * D).spent == Decimal(3)


def test_history_entries_count_each_negative_change() -> None:
    """An entry taking 3 from one bucket and giving 1 to another spent 3 (as summaries count)."""
    entry = yu.HistoryEntry.from_dict(
        {
            "id": 2,
            "timestamp": N_MS - DAY_MS,
            "action": "api_photo_enhance",
            "info": {"credits": [{"id": 8, "amount": -3}, {"id": 9, "amount": 1}]},
        }
    )
    assert spend_rate([entry], now=N).spent == Decimal(3)


def test_a_young_account_is_measured_over_its_own_life() -> None:
    """20 spent over an account's 10 days: 2 a day, not 20/30 over a 30-day window."""
    history = _daily("-2", 10)
    diluted = spend_rate(history, now=N)
    assert diluted.per_day == Decimal("0.6666666666666666666666666667")
    young = spend_rate(history, now=N, started_at=N - 10 * D)
    assert (young.since, young.per_day) == (N - 10 * D, Decimal(2))
    # Never below one day, so a first-hour account does not divide by almost nothing.
    newborn = spend_rate([(N_MS - 1000, Decimal(-1))], now=N, started_at=N - timedelta(hours=1))
    assert (newborn.since, newborn.per_day) == (N - D, Decimal(1))


def test_bad_arguments_say_what_to_fix() -> None:
    """Naive datetimes, an empty window and a negative horizon are refused."""
    balance = yu.Balance(())
    with pytest.raises(ValueError, match="timezone-aware"):
        forecast(balance, [], now=datetime(2026, 11, 1))  # noqa: DTZ001 - the point
    with pytest.raises(ValueError, match="window must be positive"):
        forecast(balance, [], now=N, window=timedelta(0))
    with pytest.raises(ValueError, match="horizon must not be negative"):
        forecast(balance, [], now=N, horizon=-D)
    with pytest.raises(TypeError, match="float"):
        spend_rate([(N_MS - DAY_MS, -1.5)], now=N)  # type: ignore[list-item] # the point


def test_now_defaults_to_the_current_time() -> None:
    """Without now, the forecast is as of the moment it runs."""
    before = datetime.now(UTC)
    result = forecast(yu.Balance(()), [])
    assert before <= result.now <= datetime.now(UTC)


@given(
    amounts=st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=10_000, places=2),
            st.one_of(st.none(), st.integers(min_value=-5, max_value=400)),
        ),
        max_size=6,
    ),
    spent=st.decimals(min_value=0, max_value=5_000, places=2),
)
@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@example(amounts=[(Decimal("10000.00"), None)], spent=Decimal("0.01"))  # runs out after 9999
def test_every_unit_is_either_spent_or_lost(
    amounts: list[tuple[Decimal, int | None]], spent: Decimal
) -> None:
    """Conservation: what the buckets hold = spent until run-out + what expires + expired.

    (With a horizon past every expiry, ``expiring`` holds every loss; buckets whose expiry is
    already past are ``expired``.)
    """
    buckets = tuple(
        _bucket(i, str(amount), days) for i, (amount, days) in enumerate(amounts, start=1)
    )
    history = [(N_MS - DAY_MS, -spent)]
    result = forecast(yu.Balance(buckets), history, now=N, horizon=timedelta(days=500))
    lost = result.expiring_total + result.expired_total
    if result.days_left is None:
        assert result.runs_out_at is None
        assert spent == 0
        assert any(b.expires_at is None and b.amount > 0 for b in buckets)
        return
    assert result.days_left is not None
    used = result.spend_per_day * result.days_left
    # runs_out_at is a datetime, exact to the microsecond: allow one microsecond's spending.
    one_microsecond = result.spend_per_day / 86_400_000_000
    assert abs(used + lost - result.balance) <= one_microsecond + Decimal("1e-20")
    assert all(0 < units.amount <= units.bucket.amount for units in result.expiring)


def test_a_run_out_beyond_year_9999_keeps_its_days_and_has_no_date() -> None:
    """0.001 units a day from 10,000 units: ten million days, past what a datetime can hold."""
    history = [(N_MS - DAY_MS, Decimal("-0.001"))]
    result = forecast(
        yu.Balance((_bucket(1, "10000"),)), history, now=N, window=D, started_at=N - D
    )
    assert result.runs_out_at is None
    assert result.days_left == Decimal(10_000_000)


def test_an_expired_bucket_is_neither_expiring_nor_spent_in_the_projection() -> None:
    """A bucket whose expiry passed 5 days ago is listed as expired, apart from the projection.

    Spending 10 a day from bucket 2 (300 units, never expires): 30 days left, as if bucket 1
    were not there; bucket 1's 100 units stay in ``balance`` (the service reports them).
    """
    balance = yu.Balance((_bucket(1, "100", -5), _bucket(2, "300")))
    result = forecast(balance, _daily("-10", 30), now=N)
    assert result.expired == (balance.buckets[0],)
    assert result.expired_total == Decimal(100)
    assert result.expiring == ()
    assert result.balance == Decimal(400)
    assert result.spendable == Decimal(300)
    assert result.days_left == Decimal(30)
    assert result.runs_out_at == N + 30 * D


def test_a_balance_of_only_expired_units_has_nothing_to_spend() -> None:
    """One bucket that expired in 2024: nothing is expiring, nothing spendable, zero days left."""
    bucket = yu.UnitBucket(
        1, yu.UnitType.SUBSCRIPTION, Decimal(500), datetime(2024, 5, 1, tzinfo=UTC)
    )
    result = forecast(yu.Balance((bucket,)), _daily("-10", 30), now=N)
    assert result.expiring == ()
    assert result.expired == (bucket,)
    assert result.spendable == Decimal(0)
    assert result.days_left == Decimal(0)


def test_balance_by_expiry_is_soonest_first_never_last() -> None:
    """One order for every view: soonest expiry first, then never-expiring, ties by id."""
    balance = yu.Balance(
        (_bucket(3, "1"), _bucket(2, "1", 20), _bucket(1, "1", 20), _bucket(4, "1", 5))
    )
    assert [b.id for b in balance.by_expiry] == [4, 1, 2, 3]


def test_totals_of_amounts_wider_than_28_digits_are_exact() -> None:
    """Inside the bounds (40 digits before the point, 20 after) the spend and spendable stay exact.

    They were added in the default decimal context, which rounds past 28 significant digits.
    """
    wide = "1234567890123456789012345678901234567890.12345678901234567891"
    spending = [(N_MS - DAY_MS, Decimal("-" + wide)), (N_MS - DAY_MS, Decimal("-1E-20"))]
    exact = "1234567890123456789012345678901234567890.12345678901234567892"
    assert str(spend_rate(spending, now=N).spent) == exact
    balance = yu.Balance((_bucket(1, wide, -1), _bucket(2, wide[:-1] + "2")))
    assert forecast(balance, spending, now=N).spendable == Decimal(wide[:-1] + "2")


@pytest.mark.parametrize(
    "now",
    [
        datetime.max.replace(tzinfo=UTC),
        datetime.min.replace(tzinfo=UTC) + D,
        datetime(9999, 12, 31, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_a_now_near_the_ends_of_time_gives_a_forecast_not_an_overflow(now: datetime) -> None:
    """The window and horizon stop at the years 1-9999 (they raised OverflowError there)."""
    result = forecast(_balance_of(_bucket(1, "10")), [(N_MS, Decimal(-1))], now=now)
    assert result.now == now
    assert result.rate.since <= now


def _balance_of(*buckets: yu.UnitBucket) -> yu.Balance:
    return yu.Balance(buckets)
