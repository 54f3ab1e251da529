"""The retry policy: capped exponential backoff with jitter, Retry-After, which errors retry."""

from __future__ import annotations

import email.utils

import pytest
from youcam_units import _errors, _retry

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
