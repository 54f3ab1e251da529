"""The checks of a caller's arguments, made before any request.

Each fails a bad argument with a message saying what to fix (a ``TypeError`` for the wrong kind
of value, a ``ValueError`` for a wrong value); the limits they check against are in
``_config``. httpx is imported only inside the checks that need it: the CLI's ``--help`` and
its usage errors read this module without it.
"""

from __future__ import annotations

import itertools
import math
import os
from typing import TYPE_CHECKING

from ._config import (
    DEFAULT_BASE_URL,
    ENV_BASE_URL,
    MAX_PAGE_SIZE,
    MAX_PAGE_TOKEN_LENGTH,
    POSTGRES_SCHEMES,
    RateLimit,
    window_ms,
)

if TYPE_CHECKING:
    from pathlib import Path

    import httpx

__all__ = [
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
    "validate_token_pacing",
]


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
    from ._redact import redact_url  # noqa: PLC0415 - only for the messages

    shown = redact_url(chosen)
    try:
        url = httpx.URL(chosen)
    except httpx.InvalidURL as exc:
        raise ValueError(f"base_url {shown!r} is not a valid URL: {exc}") from None
    if url.userinfo:  # the bearer replaces them: they could only leak (a repr showed them)
        raise ValueError(
            f"base_url {shown!r} holds a user or password: remove it (the client sends "
            "access_token or api_key as its credential)"
        )
    if url.scheme not in {"http", "https"} or not url.host:
        raise ValueError(f"base_url must be an https:// URL with a host, got {shown!r}")
    if url.scheme == "http" and not _is_loopback(url.host):
        raise ValueError(
            f"base_url {shown!r} is plain http: the access token would be sent unencrypted. "
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
        from ._errors import PacingFileError  # noqa: PLC0415 - as pathlib, off --help's path

        raise PacingFileError(path, "is a directory")
    return path


def validate_token_pacing(url: object, limits: tuple[RateLimit, ...] | None) -> str | None:
    """A ``postgresql://`` URL to share each token's budget through (it needs limits), or None."""
    if url is None:
        return None
    if not isinstance(url, str):
        raise TypeError(
            f"token_pacing must be a postgresql:// URL or None, got {type(url).__name__}"
        )
    if not url.strip().lower().startswith(POSTGRES_SCHEMES):
        from ._redact import redact_url  # noqa: PLC0415 - only for the message

        raise ValueError(
            f"token_pacing must be a postgresql://user@host/database URL, got {redact_url(url)!r}"
        )
    if limits is None:
        raise ValueError("token_pacing needs a rate_limit to pace to; rate_limit is None")
    return url.strip()
