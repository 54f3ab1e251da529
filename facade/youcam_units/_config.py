"""Every setting of the facade: the defaults, the limits and the setting types, in one place.

One module for configuration (issue 19): the defaults and limits (so that no module carries its
own 30), the variables read, and the setting types (``RateLimit``, ``RequestBounds``,
``RetryPolicy``), with the windows that limits become (``window_ms``, ``strictest``). The
checks that hold a caller's arguments to these are in ``_checks``. Importing it loads neither
httpx, pyrate-limiter nor the generated client (the CLI's ``--help`` reads names here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

    import httpx
    from pyrate_limiter import Rate

__all__ = [
    "ALL_ACCOUNTS",
    "DEFAULT_BASE_URL",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_RATE_LIMITS",
    "ENV_ACCESS_TOKEN",
    "ENV_ACCOUNT",
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "ENV_CONFIG",
    "ENV_DB",
    "ENV_PACING_FILE",
    "ENV_TOKEN_PACING",
    "ENV_TRACEBACK",
    "MAX_CREDENTIAL_FILE_BYTES",
    "POSTGRES_SCHEMES",
    "RateLimit",
    "RequestBounds",
    "RetryPolicy",
    "strictest",
    "window_ms",
]

#: The variables the facade reads (named here so the CLI's ``--help`` can name them cheaply).
ENV_ACCESS_TOKEN: Final = "YOUCAM_ACCESS_TOKEN"  # noqa: S105 - the variable's name, not a token
ENV_API_KEY: Final = "YOUCAM_API_KEY"
ENV_BASE_URL: Final = "YOUCAM_BASE_URL"
ENV_CONFIG: Final = "YOUCAM_UNITS_CONFIG"
"""Names the accounts file, instead of ``config.toml`` in the user config dir."""
ENV_ACCOUNT: Final = "YOUCAM_UNITS_ACCOUNT"
"""Names the account to use when none is asked for (before the file's ``default_account``)."""
ALL_ACCOUNTS: Final = "all"
"""Reserved: ``--account all`` means every account, so no account may be called that."""
ENV_DB: Final = "YOUCAM_UNITS_DB"
"""The CLI's ledger file."""
ENV_PACING_FILE: Final = "YOUCAM_UNITS_PACING_FILE"
"""The pacing file to share (default: in the user cache dir); ``none``: this process alone."""
ENV_TOKEN_PACING: Final = "YOUCAM_UNITS_TOKEN_PACING"  # noqa: S105 - a variable's name
"""A ``postgresql://`` URL sharing each token's budget across hosts; ``none``: not shared."""
ENV_TRACEBACK: Final = "YOUCAM_UNITS_TRACEBACK"
"""Set to 1: an unexpected error (exit 70) prints its traceback before its one line."""

#: How a PostgreSQL URL begins (a ledger's ``--db``, ``token_pacing``): libpq takes both.
POSTGRES_SCHEMES: Final = ("postgresql://", "postgres://")

#: The production server named by openapi.yaml (a test keeps the two equal).
DEFAULT_BASE_URL: Final = "https://yce-api-01.makeupar.com"
USER_AGENT: Final = "youcam-units/0.1.0"

#: Seconds: httpx's per-phase timeout, and the deadline of one attempt as a whole.
TIMEOUT: Final = 30.0
#: What one response may hold. A page of 30 entries is a few kB; 4 MiB is a thousand pages'
#: worth, so only a runaway body (an endless or enormous one) ever reaches it.
DEFAULT_MAX_RESPONSE_BYTES: Final = 4 * 1024 * 1024
#: The most a token or key file may hold: both are well under 1 KiB, so a bigger file is the
#: wrong one, refused unread (a 20 MB one once cost 3 GB of memory to be refused).
MAX_CREDENTIAL_FILE_BYTES: Final = 64 * 1024

#: The service accepts 1..30 entries per page.
MAX_PAGE_SIZE: Final = 30
#: The page size of ``history()`` and ``history_page()`` alike: the largest the service takes.
#: The API's own default is 20; 30 reads a history in a third fewer requests, which is what
#: counts under a limit of 250 requests per 300 s.
PAGE_SIZE: Final = MAX_PAGE_SIZE
#: The name the CLI reads (kept; the same value).
HISTORY_PAGE_SIZE: Final = PAGE_SIZE
#: Feature costs come 1..20 per page; ``feature_costs()`` reads the largest pages.
MAX_FEATURE_COST_PAGE_SIZE: Final = 20
#: A page token is a snowflake integer (17 digits); anything past this is not one.
MAX_PAGE_TOKEN_LENGTH: Final = 1024

#: Seconds a process waits for another holding the shared pacing file.
PACING_FILE_BUSY_TIMEOUT: Final = 30.0
#: Seconds of a pacing wait from which it is logged as a warning (at most the longest window).
PACING_LONG_WAIT: Final = 60.0

#: Retries after the first attempt (the backoff is ``RetryPolicy``'s).
MAX_RETRIES: Final = 5

#: How much wider than its period the client keeps a window: clocks and networks differ.
_MARGIN_RATIO: Final = 0.01
_MIN_MARGIN_MS: Final = 20


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``requests`` requests in any ``period`` seconds (the service: 250 per 300 s)."""

    requests: int
    period: float

    def __post_init__(self) -> None:
        if isinstance(self.requests, bool) or not isinstance(self.requests, int):
            raise TypeError(f"RateLimit requests must be an int, got {self.requests!r}")
        if self.requests < 1:
            raise ValueError(f"RateLimit requests must be at least 1, got {self.requests}")
        if isinstance(self.period, bool) or not isinstance(self.period, int | float):
            raise TypeError(f"RateLimit period must be a number of seconds, got {self.period!r}")
        if not (self.period > 0 and math.isfinite(self.period)):
            raise ValueError(
                f"RateLimit period must be positive, finite seconds, got {self.period}"
            )


#: The published limit: 250 requests per 300 seconds per token and per IP.
DEFAULT_RATE_LIMIT = RateLimit(250, 300.0)
#: What a client paces to by default: the published limit, and the vendor's 5 per second.
DEFAULT_RATE_LIMITS = (RateLimit(5, 1.0), DEFAULT_RATE_LIMIT)


@dataclass(frozen=True, slots=True)
class RequestBounds:
    """What one attempt may take: httpx's per-phase timeout, an overall deadline, a body size."""

    timeout: float | httpx.Timeout | None
    deadline: float | None
    max_bytes: int


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff parameters, in seconds (``_retry.compute_wait`` says how each is used)."""

    max_retries: int = MAX_RETRIES
    initial_wait: float = 0.5
    max_wait: float = 30.0
    rate_limited_wait: float = 15.0
    rate_limited_max_wait: float = 120.0
    retry_after_cap: float = 300.0


def window_ms(period: float) -> int:
    """The window the client enforces for a ``period`` in seconds: the period plus a margin."""
    period_ms = period * 1000
    return math.ceil(period_ms + max(_MIN_MARGIN_MS, period_ms * _MARGIN_RATIO))


def strictest(rates: Sequence[Rate]) -> list[Rate]:
    """Limits that hold every one of ``rates``, nested as pyrate-limiter's buckets require.

    The pacing file and the token's budget each judge a send against the limits of every
    process sharing them. Each process's own limits nest (a longer window allows more requests
    at a lower rate), but several processes' together need not. Per window the fewest requests
    hold; a window that a longer one allowing no more already bounds is dropped; a longer window
    allowing a faster rate than a shorter one is lowered to that rate (stricter, never looser).
    """
    from pyrate_limiter import Rate  # noqa: PLC0415 - only a client that paces needs it

    fewest: dict[int, int] = {}
    for rate in rates:
        fewest[rate.interval] = min(rate.limit, fewest.get(rate.interval, rate.limit))
    bounding: list[tuple[int, int]] = []  # (window, requests), from the longest window down
    for interval, limit in sorted(fewest.items(), reverse=True):
        if not bounding or limit < bounding[-1][1]:
            bounding.append((interval, limit))
    nested: list[tuple[int, int]] = []
    for interval, limit in reversed(bounding):
        lowered = limit
        while nested:
            shorter, allowed = nested[-1]
            lowered = min(lowered, allowed * interval // shorter)
            if lowered > allowed:
                break
            nested.pop()  # the longer window, lowered, now bounds the shorter one too
        nested.append((interval, lowered))
    return [Rate(limit, interval) for interval, limit in nested]
