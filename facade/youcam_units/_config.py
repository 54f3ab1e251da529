"""Settings and argument checks, all applied before any request is made.

Bad arguments fail here with a message that says what to fix; the access token is normalised
for the mistakes the vendor documents (a ``Bearer `` prefix, angle brackets) and never
appears in a message.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import _defaults
from ._errors import YouCamError

if TYPE_CHECKING:
    from pathlib import Path

    import httpx

__all__ = [
    "DEFAULT_BASE_URL",
    "ENV_ACCESS_TOKEN",
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "PacingFileError",
    "RateLimit",
    "attempt_deadline",
    "normalize_token",
    "resolve_base_url",
    "validate_max_items",
    "validate_max_response_bytes",
    "validate_page_size",
    "validate_timeout",
]

#: The production server (``_defaults.BASE_URL``).
DEFAULT_BASE_URL = _defaults.BASE_URL
ENV_ACCESS_TOKEN = _defaults.ENV_ACCESS_TOKEN
ENV_API_KEY = _defaults.ENV_API_KEY
ENV_BASE_URL = _defaults.ENV_BASE_URL


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


class PacingFileError(YouCamError, ValueError):
    """The shared pacing file cannot be used: foreign, unreadable, read-only, locked or corrupt.

    A ``ValueError`` too, because it is a setting to fix: ``path`` names the file, ``reason``
    says what is wrong with it. Raised when a client is built and, should the file break
    later, by the request that finds it so; a foreign file is left byte-for-byte unchanged.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"the pacing file {path} {reason}; name another with pacing_file=, or pass "
            "pacing_file=None to pace this process alone"
        )
        self.path = path
        self.reason = reason


def validate_page_size(page_size: object, maximum: int = _defaults.MAX_PAGE_SIZE) -> int:
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
    if len(starting_token) > _defaults.MAX_PAGE_TOKEN_LENGTH:
        raise ValueError(
            f"starting_token is {len(starting_token):,} characters long; a page token is at most "
            f"{_defaults.MAX_PAGE_TOKEN_LENGTH:,}: pass the next_token of a previous page "
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


def normalize_token(raw: object, *, source: str, kind: str = "access token") -> str:
    """Return the bare token, forgiving the documented mistakes; never echo the token.

    ``kind`` names the credential in messages: ``"access token"`` or ``"API key"``.
    """
    if not isinstance(raw, str):
        raise TypeError(f"the {kind} from {source} must be a str, got {type(raw).__name__}")
    token = raw.strip().removeprefix("\ufeff").strip()  # a BOM from a Windows editor
    for _ in range(3):  # "<Bearer x>", "Bearer <x>", '"x"' are all seen
        if len(token) > 1 and token[0] == token[-1] and token[0] in "\"'":
            token = token[1:-1].strip()
        if token.startswith("<") and token.endswith(">"):
            token = token[1:-1].strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
    if token.lower() == "bearer":  # "Bearer " alone, stripped
        token = ""
    if not token:
        where = (
            f"the API key from the YouCam API console, or set {ENV_API_KEY}"
            if kind == "API key"
            else f"the token from POST /s2s/v1.0/client/auth, or set {ENV_ACCESS_TOKEN}"
        )
        raise ValueError(f"the {kind} from {source} is empty; pass {where}")
    if not token.isascii():
        raise ValueError(
            f"the {kind} from {source} contains non-ASCII characters (curly quotes or "
            f"dashes pasted from a document?); copy the {kind} again as plain text"
        )
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ValueError(
            f"the {kind} from {source} contains spaces or control characters; pass the "
            f"{kind} alone, without 'Bearer ', quotes or angle brackets"
        )
    return token


def env_token(name: str = ENV_ACCESS_TOKEN) -> str | None:
    """``YOUCAM_ACCESS_TOKEN`` (or the variable ``name``), when set and not blank."""
    value = os.environ.get(name)
    return value if value and value.strip() else None
