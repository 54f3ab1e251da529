"""Every setting of the facade: its defaults, and the checks applied before any request.

One module for configuration (issue 19): the defaults and limits (so that no module carries its
own 30), the setting types (``RateLimit``, ``RequestBounds``, ``RetryPolicy``), and the checks
that fail a bad argument with a message saying what to fix, before any request. The access
token is normalised for the mistakes the vendor documents (a ``Bearer `` prefix, angle
brackets) and never appears in a message. Importing it loads neither httpx nor the generated
client (the CLI's ``--help`` reads names here).

Longer than 300 lines on purpose: the issue asks for one configuration module rather than
three; each part is a short function or a block of constants.
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

    import httpx

__all__ = [
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
    "POSTGRES_SCHEMES",
    "RateLimit",
    "RequestBounds",
    "RetryPolicy",
    "attempt_deadline",
    "resolve_base_url",
    "validate_max_items",
    "validate_max_response_bytes",
    "validate_max_retries",
    "validate_pacing_file",
    "validate_page_size",
    "validate_rate_limits",
    "validate_starting_token",
    "validate_timeout",
    "window_ms",
]

#: The variables the facade and the CLI read, each named once (so ``--help`` names them cheaply).
ENV_ACCESS_TOKEN: Final = "YOUCAM_ACCESS_TOKEN"  # noqa: S105 - the variable's name, not a token
ENV_API_KEY: Final = "YOUCAM_API_KEY"
ENV_BASE_URL: Final = "YOUCAM_BASE_URL"
#: The config file, instead of ``config.toml`` in the user config dir.
ENV_CONFIG: Final = "YOUCAM_UNITS_CONFIG"
#: The account to use when none is asked for (before the file's ``default_account``).
ENV_ACCOUNT: Final = "YOUCAM_UNITS_ACCOUNT"
#: The CLI's ledger file.
ENV_DB: Final = "YOUCAM_UNITS_DB"
#: The pacing file to share (default: in the user cache dir); ``none``: this process alone.
ENV_PACING_FILE: Final = "YOUCAM_UNITS_PACING_FILE"
#: A ``postgresql://`` URL sharing each token's budget across hosts; ``none``: not shared.
ENV_TOKEN_PACING: Final = "YOUCAM_UNITS_TOKEN_PACING"  # noqa: S105 - a variable's name
#: Set to 1: an unexpected error (exit 70) prints its traceback before its one line.
ENV_TRACEBACK: Final = "YOUCAM_UNITS_TRACEBACK"

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

#: (requests, period in seconds): the vendor's 5 per second, and the published limit of 250
#: requests per 300 seconds per token and per IP.
BURST_RATE: Final = (5, 1.0)
PUBLISHED_RATE: Final = (250, 300.0)
#: Seconds a process waits for another holding the shared pacing file.
PACING_FILE_BUSY_TIMEOUT: Final = 30.0
#: Seconds of a pacing wait from which it is logged as a warning (at most the longest window).
PACING_LONG_WAIT: Final = 60.0

#: Retries after the first attempt, and the backoff in seconds.
MAX_RETRIES: Final = 5
RETRY_INITIAL_WAIT: Final = 0.5
RETRY_MAX_WAIT: Final = 30.0
RATE_LIMITED_WAIT: Final = 15.0
RATE_LIMITED_MAX_WAIT: Final = 120.0
RETRY_AFTER_CAP: Final = 300.0

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
        if not self.period > 0:
            raise ValueError(f"RateLimit period must be positive seconds, got {self.period}")


#: The published limit: 250 requests per 300 seconds per token and per IP.
DEFAULT_RATE_LIMIT = RateLimit(*PUBLISHED_RATE)
#: What a client paces to by default: the published limit, and the vendor's 5 per second.
DEFAULT_RATE_LIMITS = (RateLimit(*BURST_RATE), DEFAULT_RATE_LIMIT)


@dataclass(frozen=True, slots=True)
class RequestBounds:
    """What one attempt may take: httpx's per-phase timeout, an overall deadline, a body size."""

    timeout: float | httpx.Timeout | None
    deadline: float | None
    max_bytes: int


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff parameters, in seconds."""

    max_retries: int = MAX_RETRIES
    initial_wait: float = RETRY_INITIAL_WAIT
    max_wait: float = RETRY_MAX_WAIT
    rate_limited_wait: float = RATE_LIMITED_WAIT
    rate_limited_max_wait: float = RATE_LIMITED_MAX_WAIT
    retry_after_cap: float = RETRY_AFTER_CAP


def validate_page_size(page_size: object, maximum: int = MAX_PAGE_SIZE) -> int:
    """The service accepts 1..30 history entries per page (1..20 feature costs)."""
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise TypeError(
            f"page_size must be an int from 1 to {maximum}, got "
            f"{type(page_size).__name__} {page_size!r}"
        )
    if not 1 <= page_size <= maximum:
        raise ValueError(f"page_size must be from 1 to {maximum}, got {page_size}")
    return page_size


def validate_max_items(max_items: object) -> int | None:
    """``None`` reads everything; otherwise a count of entries, 0 or more."""
    if max_items is None:
        return None
    if isinstance(max_items, bool) or not isinstance(max_items, int):
        raise TypeError(
            f"max_items must be None or an int of 0 or more, got {type(max_items).__name__}"
            f" {max_items!r}"
        )
    if max_items < 0:
        raise ValueError(f"max_items must be 0 or more (None for no limit), got {max_items}")
    return max_items


def validate_starting_token(starting_token: object) -> str | None:
    """A page token is an opaque string; an empty one means the first page."""
    if starting_token is None:
        return None
    if not isinstance(starting_token, str):
        raise TypeError(
            "starting_token must be None or the str next_token of a previous page, got "
            f"{type(starting_token).__name__}"
        )
    if len(starting_token) > MAX_PAGE_TOKEN_LENGTH:
        raise ValueError(
            f"starting_token is {len(starting_token):,} characters long; a page token is at most "
            f"{MAX_PAGE_TOKEN_LENGTH:,}: pass the next_token of a previous page "
            "(or None to start)"
        )
    if not (starting_token.isascii() and starting_token.isprintable()):
        raise ValueError(
            "starting_token contains non-ASCII or control characters: pass the next_token of a "
            "previous page exactly as it was given (or None to start)"
        )
    return starting_token or None


def _positive_seconds(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and value > 0
    )


def validate_timeout(timeout: object) -> float | httpx.Timeout | None:
    """Seconds (each phase, and one attempt in all), an ``httpx.Timeout``, or ``None``."""
    import httpx  # noqa: PLC0415 - the CLI reads its tokens and names here without httpx

    if timeout is None:
        return None
    if isinstance(timeout, httpx.Timeout):
        phases = (timeout.connect, timeout.read, timeout.write, timeout.pool)
        if not all(phase is None or _positive_seconds(phase) for phase in phases):
            raise ValueError(
                "timeout: each phase of the httpx.Timeout must be None or positive seconds, got "
                f"{timeout!r}"
            )
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(
            f"timeout must be seconds, an httpx.Timeout or None, got {type(timeout).__name__}"
        )
    if not _positive_seconds(timeout):
        raise ValueError(f"timeout must be positive, finite seconds (e.g. 30), got {timeout!r}")
    return float(timeout)


def attempt_deadline(timeout: float | httpx.Timeout | None) -> float | None:
    """How long one attempt may take in all; httpx's timeouts bound each wait, not the sum.

    A number is both: no single wait, and no attempt as a whole, may take longer. For an
    ``httpx.Timeout`` the attempt may take as long as its longest phase; ``None`` never ends.
    """
    import httpx  # noqa: PLC0415

    if timeout is None:
        return None
    if isinstance(timeout, httpx.Timeout):
        phases = [
            p for p in (timeout.connect, timeout.read, timeout.write, timeout.pool) if p is not None
        ]
        return max(phases) if phases else None
    return timeout


def validate_max_response_bytes(value: object) -> int:
    """A response size cap in bytes: an int of at least 1 kB."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_response_bytes must be an int of bytes, got {type(value).__name__}")
    if value < 1024:  # noqa: PLR2004 - an error envelope alone needs a few hundred bytes
        raise ValueError(f"max_response_bytes must be at least 1024, got {value}")
    return value


def resolve_base_url(
    base_url: str | None, http_client: httpx.Client | httpx.AsyncClient | None
) -> str:
    """Pick the base URL: argument, the caller's client, ``YOUCAM_BASE_URL``, the spec's server.

    Plain ``http://`` is refused unless the host is loopback: the token would travel in clear.
    """
    import httpx  # noqa: PLC0415

    chosen = base_url
    if chosen is None and http_client is not None and str(http_client.base_url):
        chosen = str(http_client.base_url)
    if chosen is None:
        chosen = os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    try:
        url = httpx.URL(chosen)
    except httpx.InvalidURL as exc:
        raise ValueError(f"base_url {chosen!r} is not a valid URL: {exc}") from None
    if url.scheme not in {"http", "https"} or not url.host:
        raise ValueError(f"base_url must be an https:// URL with a host, got {chosen!r}")
    if url.scheme == "http" and not _is_loopback(url.host):
        raise ValueError(
            f"base_url {chosen!r} is plain http: the access token would be sent unencrypted. "
            "Use https://, or http:// only for a loopback host (localhost, 127.0.0.1, ::1)."
        )
    return str(url).rstrip("/")


def _is_loopback(host: str) -> bool:
    """Literal loopback addresses and ``localhost`` itself; ``x.localhost`` may go to DNS."""
    if host.lower() == "localhost":
        return True
    import ipaddress  # noqa: PLC0415 - a few ms the CLI's `--help` does without

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate_max_retries(max_retries: object) -> int:
    """Retries after the first attempt: an int, 0 or more."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"max_retries must be an int of 0 or more, got {max_retries!r}")
    return max_retries


def window_ms(period: float) -> int:
    """The window the client enforces for a ``period`` in seconds: the period plus a margin."""
    period_ms = period * 1000
    return math.ceil(period_ms + max(_MIN_MARGIN_MS, period_ms * _MARGIN_RATIO))


def validate_rate_limits(rate_limit: object) -> tuple[RateLimit, ...] | None:
    """One ``RateLimit``, several that nest, or ``None`` (no pacing)."""
    if rate_limit is None:
        return None
    if isinstance(rate_limit, RateLimit):
        return (rate_limit,)
    if (
        isinstance(rate_limit, tuple | list)
        and rate_limit
        and all(isinstance(limit, RateLimit) for limit in rate_limit)
    ):
        return _consistent(tuple(rate_limit))
    raise TypeError(
        "rate_limit must be a youcam_units.RateLimit(requests, period_seconds), a sequence of "
        f"them, or None, got {type(rate_limit).__name__}"
    )


def _consistent(limits: tuple[RateLimit, ...]) -> tuple[RateLimit, ...]:
    """Several limits must nest: each longer period allows more requests at a lower rate."""
    ordered = sorted(limits, key=lambda limit: limit.period)
    for short, long in itertools.pairwise(ordered):
        if not (
            long.period > short.period
            and long.requests > short.requests
            and long.requests / window_ms(long.period) <= short.requests / window_ms(short.period)
        ):
            raise ValueError(
                "rate_limit: a longer period must allow more requests at a lower rate than a "
                "shorter one, as RateLimit(5, 1.0) and RateLimit(250, 300.0) do; got "
                f"RateLimit({short.requests}, {short.period}) and "
                f"RateLimit({long.requests}, {long.period})"
            )
    return limits


def validate_pacing_file(pacing_file: object, limits: tuple[RateLimit, ...] | None) -> Path | None:
    """A file to share the pacing through (it needs limits to pace to), or ``None``."""
    if pacing_file is None:
        return None
    if not isinstance(pacing_file, str | os.PathLike):
        raise TypeError(
            f"pacing_file must be a path (str or os.PathLike) or None, got "
            f"{type(pacing_file).__name__}"
        )
    from pathlib import Path  # noqa: PLC0415 - the CLI's --help reads this module

    path = Path(pacing_file)
    if limits is None:
        raise ValueError("pacing_file needs a rate_limit to pace to; rate_limit is None")
    if path.is_dir():
        raise ValueError(f"pacing_file {path} is a directory; name a file inside it")
    return path
