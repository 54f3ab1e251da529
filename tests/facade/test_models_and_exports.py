"""The public surface: exported names, domain models, the retry policy and the pacer."""

from __future__ import annotations

import dataclasses
import email.utils
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import youcam_units as yu
from facade_support import BIG, entry
from youcam_units import _errors, _pacing, _retry
from youcam_units_api.models.known_credit_action import KnownCreditAction

EXPECTED_ALL = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_RATE_LIMITS",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Action",
    "AsyncClient",
    "AsyncHistoryPager",
    "AuthenticationError",
    "Balance",
    "Client",
    "ExpiringUnits",
    "FeatureCost",
    "Forecast",
    "HistoryEntry",
    "HistoryPager",
    "InvalidParametersError",
    "Page",
    "PaginationError",
    "RateLimit",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryEvent",
    "ServerError",
    "SpendRate",
    "UnitBucket",
    "UnitChange",
    "UnitType",
    "YouCamError",
    "__version__",
    "forecast",
    "set_testing",
    "spend_rate",
]


def test_all_is_pinned() -> None:
    """youcam_units.__all__ is exactly the public API; changing it is a deliberate act."""
    assert yu.__all__ == EXPECTED_ALL
    for name in EXPECTED_ALL:
        assert hasattr(yu, name)


def test_error_tree() -> None:
    """The error hierarchy is the one issue 3 fixes."""
    assert issubclass(yu.APITimeoutError, yu.APIConnectionError)
    assert issubclass(yu.APIConnectionError, yu.YouCamError)
    for cls in (
        yu.InvalidParametersError,
        yu.AuthenticationError,
        yu.RateLimitError,
        yu.ServerError,
    ):
        assert issubclass(cls, yu.APIStatusError)
    for other in (yu.APIStatusError, yu.ResponseValidationError, yu.PaginationError):
        assert issubclass(other, yu.YouCamError)


def test_action_matches_the_generated_enum() -> None:
    """Action has exactly the generated KnownCreditAction's values, so spec drift fails here."""
    assert {a.value for a in yu.Action} == {k.value for k in KnownCreditAction}
    assert len(yu.Action) == 23


def test_history_entry_is_frozen_hashable_and_exact() -> None:
    """Entries are immutable, hash equal when equal, and keep ms timestamps in UTC."""
    first = yu.HistoryEntry.from_dict(entry(1))
    again = yu.HistoryEntry.from_dict(entry(1))
    assert first == again
    assert len({first, again}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.id = 3  # type: ignore[misc] # the point
    assert first.timestamp == datetime(2023, 12, 21, 8, 7, 46, 999000, tzinfo=UTC)
    assert first.timestamp.tzinfo is UTC
    assert first.timestamp_ms == 1_703_146_066_999
    assert first.amount == -1
    assert first.action is yu.Action.API_PHOTO_ENHANCE
    assert first.changes == (
        yu.UnitChange(BIG + 1001, Decimal(-2)),
        yu.UnitChange(BIG + 2000, Decimal(1)),
    )


def test_to_dict_round_trips_with_extras() -> None:
    """to_dict() is the service's JSON shape, extras included, and from_dict rebuilds the entry."""
    raw = entry(2, action="skin_analysis", later_field={"a": [1, 2]})
    raw["info"]["credits"][0]["amount_dec"] = "-2.0"
    parsed = yu.HistoryEntry.from_dict(raw)
    assert parsed.to_dict() == raw
    assert yu.HistoryEntry.from_dict(parsed.to_dict()) == parsed
    exported = parsed.to_dict()
    exported["id"] = 0
    assert parsed.id == BIG + 2  # the dict is a copy


def _shapes() -> dict[str, dict[str, object]]:
    plain = entry(1)
    no_info = {k: v for k, v in entry(2).items() if k != "info"}
    return {
        "plain": plain,
        "no-info": no_info,
        "only-dst-actions": entry(3, action="skin_analysis", info={"dst_actions": ["hd_pore"]}),
        "null-target": entry(4, target_id=None),
        "empty-info": entry(5, info={}),
        "empty-credits": entry(6, info={"credits": []}),
        "empty-dst-actions": entry(
            7, info={"credits": [{"id": 1, "amount": -1}], "dst_actions": []}
        ),
        "info-extra": entry(8, info={"credits": [{"id": 1, "amount": -1}], "new": True}),
        "credit-extra": entry(9, info={"credits": [{"id": 1, "amount": -1, "amount_dec": "-1"}]}),
        "string-id": entry(10, id=str(BIG + 10)),
    }


@pytest.mark.parametrize("name", list(_shapes()))
def test_to_dict_gives_back_exactly_what_was_sent(name: str) -> None:
    """Whatever the shape (nulls, empty lists, extras at any depth), to_dict() is the input."""
    raw = _shapes()[name]
    parsed = yu.HistoryEntry.from_dict(raw)
    assert parsed.to_dict() == raw
    assert yu.HistoryEntry.from_dict(parsed.to_dict()) == parsed


def test_entries_do_not_share_nested_data_with_callers() -> None:
    """Editing the input dict or a to_dict() result, however deep, never changes the entry."""
    raw = entry(1, later_field={"a": [1, 2]})
    raw["info"]["credits"][0]["amount_dec"] = "-2.0"
    expected = yu.HistoryEntry.from_dict(raw).to_dict()
    parsed = yu.HistoryEntry.from_dict(raw)
    raw["later_field"]["a"].append(3)
    raw["info"]["credits"][0]["amount_dec"] = "changed"
    parsed.to_dict()["later_field"]["a"].append(4)
    assert parsed.to_dict() == expected


@pytest.mark.parametrize(
    ("name", "keeps_raw"),
    [
        ("plain", False),
        ("no-info", False),
        ("only-dst-actions", False),
        ("credit-extra", True),
        ("null-target", True),
    ],
)
def test_the_entry_as_sent_is_kept_only_when_the_fields_cannot_rebuild_it(
    name: str,
    keeps_raw: bool,  # noqa: FBT001 - a pytest parameter
) -> None:
    """Entries the typed fields rebuild hold nothing more (no per-entry copy while iterating)."""
    parsed = yu.HistoryEntry.from_dict(_shapes()[name])
    assert (parsed._as_sent is not None) is keeps_raw


def test_hand_built_entry_to_dict() -> None:
    """An entry built in code (no raw JSON) still exports the service's shape."""
    built = yu.HistoryEntry(
        id=BIG, timestamp_ms=5, action=yu.Action.RENEW, changes=(yu.UnitChange(7, Decimal(30)),)
    )
    assert built.to_dict() == {
        "id": BIG,
        "timestamp": 5,
        "action": "renew",
        "info": {"credits": [{"id": 7, "amount": 30}]},
    }


def test_history_entry_repr_is_readable() -> None:
    """The repr shows id, ISO time, action and amount, not the raw JSON."""
    text = repr(yu.HistoryEntry.from_dict(entry(0, extra_thing=1)))
    assert text.startswith(f"HistoryEntry(id={BIG}, timestamp=2023-12-21T08:07:47.000+00:00")
    assert "action=Action.API_PHOTO_ENHANCE" in text
    assert "amount=-1" in text
    assert "extra=['extra_thing']" in text
    assert "_as_sent" not in text


@pytest.mark.parametrize(
    "bad",
    [
        {"timestamp": 1, "action": "wig"},
        {"id": 1.0, "timestamp": 1, "action": "wig"},
        {"id": 1, "timestamp": 1, "action": 5},
        {"id": 1, "timestamp": 1, "action": "wig", "info": {"credits": [{"id": 1}]}},
    ],
)
def test_malformed_entry_raises(bad: dict[str, object]) -> None:
    """from_dict raises on missing fields, float ids or wrong types, never guesses."""
    with pytest.raises((KeyError, TypeError, ValueError)):
        yu.HistoryEntry.from_dict(bad)


# -- retry policy --------------------------------------------------------------------------

POLICY = _retry.RetryPolicy()


def _status(
    cls: type[_errors.APIStatusError], status: int, retry_after: float | None = None
) -> _errors.APIStatusError:
    return cls("x", status_code=status, retry_after=retry_after)


@pytest.mark.parametrize(("attempt", "ceiling"), [(1, 0.5), (2, 1.0), (4, 4.0), (20, 30.0)])
def test_backoff_is_capped_exponential_with_full_jitter(attempt: int, ceiling: float) -> None:
    """5xx and connection waits are uniform in [0, min(cap, initial * 2**(n-1))]."""
    error = _status(_errors.ServerError, 500)
    assert _retry.compute_wait(error, attempt, POLICY, rand=lambda: 0.0) == 0.0
    assert _retry.compute_wait(error, attempt, POLICY, rand=lambda: 1.0) == ceiling
    connection = _errors.APIConnectionError("down")
    assert _retry.compute_wait(connection, attempt, POLICY, rand=lambda: 1.0) == ceiling


@pytest.mark.parametrize(("attempt", "ceiling"), [(1, 15.0), (2, 30.0), (4, 120.0), (9, 120.0)])
def test_rate_limited_waits_longer_and_never_zero(attempt: int, ceiling: float) -> None:
    """A 429 waits between half and all of a larger, capped ceiling."""
    error = _status(_errors.RateLimitError, 429)
    assert _retry.compute_wait(error, attempt, POLICY, rand=lambda: 0.0) == ceiling / 2
    assert _retry.compute_wait(error, attempt, POLICY, rand=lambda: 1.0) == ceiling


def test_retry_after_is_honoured_up_to_a_cap() -> None:
    """A Retry-After header sets the wait, capped at retry_after_cap."""
    assert _retry.compute_wait(_status(_errors.RateLimitError, 429, 42.0), 1, POLICY) == 42.0
    assert _retry.compute_wait(_status(_errors.ServerError, 503, 9999.0), 1, POLICY) == 300.0


def test_retry_after_header_forms() -> None:
    """Retry-After parses as seconds or as an HTTP date; junk is ignored."""
    assert _errors.parse_retry_after("7") == 7.0
    assert _errors.parse_retry_after(None) is None
    assert _errors.parse_retry_after("soon") is None
    date = email.utils.formatdate(1_000_030.0, usegmt=True)
    assert _errors.parse_retry_after(date, now=1_000_000.0) == 30.0


@pytest.mark.parametrize(
    ("error", "retry"),
    [
        (_errors.APITimeoutError("t"), True),
        (_errors.APIConnectionError("c"), True),
        (_status(_errors.RateLimitError, 429), True),
        (_status(_errors.ServerError, 500), True),
        (_status(_errors.ServerError, 501), False),
        (_status(_errors.InvalidParametersError, 400), False),
        (_status(_errors.AuthenticationError, 401), False),
        (_errors.ResponseValidationError("v", status_code=200), False),
        (_errors.ResponseValidationError("v", status_code=200, unparsable=True), True),
        (_errors.PaginationError("p", repeated_token="1"), False),  # noqa: S106 - a page token
    ],
)
def test_which_errors_retry(error: _errors.YouCamError, retry: bool) -> None:  # noqa: FBT001
    """Connection errors, timeouts, 429, 500, 502, 503, 504 and non-JSON 200s retry; no other."""
    assert _retry.is_retryable(error) is retry


# -- pacing --------------------------------------------------------------------------------


class FakeClock:
    """Milliseconds that move only when a test moves them."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        """The current fake time."""
        return self.now


def test_window_has_a_small_safety_margin() -> None:
    """The enforced window is the period plus 1% (at least 20 ms)."""
    assert _pacing.window_ms(300.0) == 303_000
    assert _pacing.window_ms(3.0) == 3_030
    assert _pacing.window_ms(1.0) == 1_020


def test_pacer_admits_the_limit_then_says_how_long_to_wait() -> None:
    """25 requests go at once; the 26th waits until the first leaves the window."""
    clock = FakeClock()
    pacer = _pacing.Pacer([yu.RateLimit(25, 3.0)], clock=clock)
    assert [pacer.try_acquire_now() for _ in range(25)] == [0] * 25
    assert pacer.try_acquire_now() == 3_031
    clock.now = 3_000
    assert pacer.try_acquire_now() == 31
    clock.now = 3_031
    assert pacer.try_acquire_now() == 0
    pacer.close()


def test_pacing_reaches_the_limit_without_breaking_a_sliding_window() -> None:
    """Simulated: a long read sends >= 97% of 25 req / 3 s and never 26 in any 3 s window."""
    clock = FakeClock()
    pacer = _pacing.Pacer([yu.RateLimit(25, 3.0)], clock=clock)
    sent: list[int] = []
    while len(sent) < 500:
        wait = pacer.try_acquire_now()
        if wait:
            clock.now += wait
            continue
        sent.append(clock.now)
        clock.now += 7  # request latency
    for i, start in enumerate(sent):
        in_window = [t for t in sent[i:] if t < start + 3_000]
        assert len(in_window) <= 25
    rate = len(sent) / ((sent[-1] - sent[0]) / 1000 + 3.0)  # per second, with a trailing window
    assert rate >= 0.97 * 25 / 3.0
    pacer.close()


def test_client_paces_every_request() -> None:
    """Each request takes a pacer slot: after 3 pages a 3-per-hour limit is full."""
    import httpx  # noqa: PLC0415
    from facade_support import TOKEN, FakeService  # noqa: PLC0415

    service = FakeService(9)
    http = httpx.Client(transport=httpx.MockTransport(service))
    with yu.Client(TOKEN, http_client=http, rate_limit=yu.RateLimit(3, 3600.0)) as client:
        assert len(list(client.history(page_size=3))) == 9
        pacer = client._settings.pacer
        assert pacer is not None
        assert pacer.try_acquire_now() > 3_500_000


def test_rate_limit_none_turns_pacing_off() -> None:
    """rate_limit=None means no pacer at all; the default paces to 5/s and 250 per 300 s."""
    from facade_support import TOKEN  # noqa: PLC0415

    assert yu.Client(TOKEN, rate_limit=None)._settings.pacer is None
    default = yu.Client(TOKEN)._settings.rate_limit
    assert default == (yu.RateLimit(5, 1.0), yu.RateLimit(250, 300.0)) == yu.DEFAULT_RATE_LIMITS
    assert yu.RateLimit(250, 300.0) == yu.DEFAULT_RATE_LIMIT
