"""Settings and argument checks, all applied before any request is made.

Bad arguments fail here with a message that says what to fix; the access token is normalised
for the mistakes the vendor documents (a ``Bearer `` prefix, angle brackets) and never
appears in a message.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

import httpx

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "ENV_ACCESS_TOKEN",
    "ENV_BASE_URL",
    "MAX_PAGE_SIZE",
    "RateLimit",
    "normalize_token",
    "resolve_base_url",
    "validate_max_items",
    "validate_page_size",
]

#: The production server named by openapi.yaml (a test keeps the two equal).
DEFAULT_BASE_URL = "https://yce-api-01.makeupar.com"
DEFAULT_TIMEOUT = 30.0
ENV_ACCESS_TOKEN = "YOUCAM_ACCESS_TOKEN"  # noqa: S105 - the variable's name, not a token
ENV_BASE_URL = "YOUCAM_BASE_URL"
MAX_PAGE_SIZE = 30


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


def validate_page_size(page_size: object) -> int:
    """The service accepts 1..30 entries per page."""
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise TypeError(
            f"page_size must be an int from 1 to {MAX_PAGE_SIZE}, got {type(page_size).__name__}"
            f" {page_size!r}"
        )
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be from 1 to {MAX_PAGE_SIZE}, got {page_size}")
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
    return starting_token or None


def resolve_base_url(
    base_url: str | None, http_client: httpx.Client | httpx.AsyncClient | None
) -> str:
    """Pick the base URL: argument, the caller's client, ``YOUCAM_BASE_URL``, the spec's server.

    Plain ``http://`` is refused unless the host is loopback: the token would travel in clear.
    """
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
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_token(raw: object, *, source: str) -> str:
    """Return the bare token, forgiving the documented mistakes; never echo the token."""
    if not isinstance(raw, str):
        raise TypeError(f"the access token from {source} must be a str, got {type(raw).__name__}")
    token = raw.strip()
    for _ in range(2):  # "<Bearer x>" and "Bearer <x>" are both seen
        if token.startswith("<") and token.endswith(">"):
            token = token[1:-1].strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
    if token.lower() == "bearer":  # "Bearer " alone, stripped
        token = ""
    if not token:
        raise ValueError(
            f"the access token from {source} is empty; pass the token from "
            "POST /s2s/v1.0/client/auth, or set YOUCAM_ACCESS_TOKEN"
        )
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ValueError(
            f"the access token from {source} contains spaces or control characters; pass the "
            "token alone, without 'Bearer ', quotes or angle brackets"
        )
    return token


def env_token() -> str | None:
    """``YOUCAM_ACCESS_TOKEN``, when set and not blank."""
    value = os.environ.get(ENV_ACCESS_TOKEN)
    return value if value and value.strip() else None
