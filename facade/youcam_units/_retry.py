"""The retry policy, written down in one place and run by stamina.

Connection errors, timeouts, 429, 500, 502, 503, 504 and a 200 whose body is not JSON at all (cut
off in transit) are retried (``is_retryable``), after a capped exponential backoff with full
jitter (``compute_wait``); a 429 waits longer and never retries at once, because the service's
window is 300 s and it sends no Retry-After. 400 and 401 are never retried here (the single token
refresh after a 401 lives in the client). Each retry is logged and handed to the caller's
``on_retry`` as a ``RetryEvent``; ``set_testing()`` removes the waits in tests.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ._errors import (
    APIConnectionError,
    APIStatusError,
    RateLimitError,
    ResponseValidationError,
    YouCamError,
)
from ._logs import logger

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, Callable, Iterable
    from contextlib import AbstractContextManager

    import stamina

    from ._config import RetryPolicy

    class _Attempts(Iterable[stamina.Attempt], AsyncIterable[stamina.Attempt], Protocol):
        """What ``stamina.retry_context`` returns: a loop for ``for`` and ``async for`` alike."""


__all__ = [
    "RETRYABLE_STATUSES",
    "RetryEvent",
    "RetryRun",
    "compute_wait",
    "is_retryable",
    "set_testing",
]


RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryEvent:
    """What ``on_retry`` is told before each wait: the failure, the attempt, the wait."""

    attempt: int
    max_attempts: int
    wait: float
    error: YouCamError
    status_code: int | None
    request_id: str | None
    continuation_token: str | None


def is_retryable(error: BaseException) -> bool:
    """Connection failures, timeouts, cut-off bodies and the transient statuses; never 400/401."""
    if isinstance(error, APIConnectionError):
        return True
    if isinstance(error, ResponseValidationError):
        return error.unparsable
    return isinstance(error, APIStatusError) and error.status_code in RETRYABLE_STATUSES


def compute_wait(
    error: YouCamError,
    attempt: int,
    policy: RetryPolicy,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based).

    A ``Retry-After`` is honoured between a floor and ``retry_after_cap``: the floor is the
    least the policy itself would wait (a 429: half its ceiling; anything else:
    ``initial_wait``), so a header of ``-5``, ``0`` or a past date never makes a retry
    immediate, and ``inf`` or a far date waits the cap, not forever.
    """
    exponent = 2.0 ** (attempt - 1)
    if isinstance(error, RateLimitError):
        ceiling = min(policy.rate_limited_max_wait, policy.rate_limited_wait * exponent)
        floor = ceiling / 2
    else:
        ceiling = min(policy.max_wait, policy.initial_wait * exponent)
        floor = 0.0
    retry_after = error.retry_after if isinstance(error, APIStatusError) else None
    if retry_after is not None:
        return min(max(retry_after, floor, policy.initial_wait), policy.retry_after_cap)
    return floor + rand() * (ceiling - floor)


class RetryRun:
    """The retries of one logical request: its stamina loop and its stamina backoff hook."""

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        continuation_token: str | None,
        on_retry: Callable[[RetryEvent], None] | None,
        repeatable: bool = True,
    ) -> None:
        """``repeatable``: whether sending the request again is safe (else one attempt only)."""
        self._policy = policy
        self._continuation_token = continuation_token
        self._on_retry = on_retry
        self.max_attempts = policy.max_retries + 1 if repeatable else 1
        self.attempt = 0

    def attempts(self) -> _Attempts:
        """The stamina loop (``async for`` sleeps with the event loop); each ``Attempt`` one try.

        stamina is imported where it is used, so a command that sends nothing never loads it.
        """
        import stamina  # noqa: PLC0415 - see the docstring

        return stamina.retry_context(on=self._backoff, attempts=self.max_attempts, timeout=None)

    def _backoff(self, error: Exception) -> bool | float:
        """The stamina hook: ``False`` gives up, a float is the wait before the next try."""
        if not isinstance(error, YouCamError) or not is_retryable(error):
            return False
        if self.attempt >= self.max_attempts:
            return False
        wait = compute_wait(error, self.attempt, self._policy)
        status = error.status_code if isinstance(error, APIStatusError) else None
        event = RetryEvent(
            attempt=self.attempt,
            max_attempts=self.max_attempts,
            wait=wait,
            error=error,
            status_code=status,
            request_id=error.request_id,
            continuation_token=self._continuation_token,
        )
        asked = error.retry_after if isinstance(error, APIStatusError) else None
        logger.warning(
            "retrying after %s (attempt %d of %d failed); waiting %.2f s%s%s",
            status if status is not None else type(error).__name__,
            self.attempt,
            self.max_attempts,
            wait,
            "" if asked is None or asked == wait else f" (Retry-After asked for {asked:g} s)",
            f"; request id {error.request_id}" if error.request_id is not None else "",
        )
        if self._on_retry is not None:
            self._on_retry(event)
        return wait


def set_testing(
    testing: bool = True,  # noqa: FBT001, FBT002 - mirrors stamina.set_testing
    *,
    attempts: int | None = None,
) -> AbstractContextManager[None]:
    """Retries without their backoff waits, for the tests of code that uses youcam_units.

    A 429 from ``MockService`` would otherwise cost its real backoff (seconds). Each retry the
    client would make still happens, so a test sees production's outcome at once; ``attempts``
    caps the tries per request instead. Works as a call or as a ``with`` block (which restores
    the previous mode). It is stamina's test mode, so it covers every stamina user in the process.
    """
    import stamina  # noqa: PLC0415 - see RetryRun.attempts()

    if attempts is None:
        return stamina.set_testing(testing, attempts=sys.maxsize, cap=True)
    return stamina.set_testing(testing, attempts=attempts)
