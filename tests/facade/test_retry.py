"""The retry policy: capped exponential backoff with jitter, Retry-After, which errors retry."""

from __future__ import annotations

import email.utils
import logging

import pytest
from youcam_units import _config, _errors, _retry

POLICY = _config.RetryPolicy()


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


@pytest.mark.parametrize("header", ["-5", "0", "-0", "nan", "Thu, 01 Jan 1970 00:00:00 GMT"])
@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_asking_for_no_wait_never_retries_at_once(header: str, status: int) -> None:
    """A negative, zero, nan or past Retry-After waits at least the policy's own floor."""
    cls = _errors.RateLimitError if status == 429 else _errors.ServerError
    error = _status(cls, status, _errors.parse_retry_after(header))
    floor = 7.5 if status == 429 else POLICY.initial_wait
    for attempt in (1, 2, 5):
        lowest = _retry.compute_wait(error, attempt, POLICY, rand=lambda: 0.0)
        assert lowest >= floor > 0


@pytest.mark.parametrize("header", ["inf", "1e400", "Fri, 31 Dec 9999 23:59:59 GMT", "99999999"])
def test_a_retry_after_asking_for_forever_waits_the_cap(header: str) -> None:
    """inf, 1e400 or a far date wait retry_after_cap (300 s), never longer."""
    error = _status(_errors.ServerError, 503, _errors.parse_retry_after(header))
    assert _retry.compute_wait(error, 1, POLICY) == POLICY.retry_after_cap == 300.0


def test_a_long_retry_after_wait_is_logged_as_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """The wait and what the service asked for reach the youcam_units logger at WARNING."""
    run = _retry.RetryRun(POLICY, continuation_token=None, on_retry=None)
    run.attempt = 1
    error = _status(_errors.ServerError, 503, _errors.parse_retry_after("inf"))
    with caplog.at_level(logging.WARNING, logger="youcam_units"):
        assert run._backoff(error) == 300.0
    [record] = [r for r in caplog.records if r.name == "youcam_units"]
    assert record.levelno == logging.WARNING
    assert "waiting 300.00 s (Retry-After asked for inf s)" in record.getMessage()


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
