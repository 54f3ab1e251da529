"""Client settings: every argument of Client and AsyncClient checked up front, in one place."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import _defaults
from ._channel import RequestBounds, Timeout
from ._config import (
    RateLimit,
    attempt_deadline,
    resolve_base_url,
    validate_max_response_bytes,
    validate_timeout,
)
from ._retry import RetryPolicy

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from ._retry import RetryEvent

__all__ = ["DEFAULT_RATE_LIMIT", "DEFAULT_RATE_LIMITS", "ClientSettings"]

#: The published limit: 250 requests per 300 seconds per token and per IP.
DEFAULT_RATE_LIMIT = RateLimit(*_defaults.PUBLISHED_RATE)
#: What a client paces to by default: the published limit, and the vendor's 5 per second.
DEFAULT_RATE_LIMITS = (RateLimit(*_defaults.BURST_RATE), DEFAULT_RATE_LIMIT)


def _rate_limits(rate_limit: object) -> tuple[RateLimit, ...] | None:
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
    from ._pacing import window_ms  # noqa: PLC0415 - see ClientSettings: pyrate-limiter on demand

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


def _pacing_file(pacing_file: object, limits: tuple[RateLimit, ...] | None) -> Path | None:
    if pacing_file is None:
        return None
    if not isinstance(pacing_file, str | os.PathLike):
        raise TypeError(
            f"pacing_file must be a path (str or os.PathLike) or None, got "
            f"{type(pacing_file).__name__}"
        )
    path = Path(pacing_file)
    if limits is None:
        raise ValueError("pacing_file needs a rate_limit to pace to; rate_limit is None")
    if path.is_dir():
        raise ValueError(f"pacing_file {path} is a directory; name a file inside it")
    return path


def _token_pacing(url: object, limits: tuple[RateLimit, ...] | None) -> str | None:
    if url is None:
        return None
    from ._token_pacing import check_token_pacing_url  # noqa: PLC0415

    checked = check_token_pacing_url(url)
    if limits is None:
        raise ValueError("token_pacing needs a rate_limit to pace to; rate_limit is None")
    return checked


class ClientSettings:
    """Checked settings shared by Client and AsyncClient; all checks happen here, up front."""

    def __init__(
        self,
        *,
        base_url: str | None,
        http_client: httpx.Client | httpx.AsyncClient | None,
        timeout: object,
        max_retries: object,
        rate_limit: object,
        on_retry: Callable[[RetryEvent], None] | None,
        max_response_bytes: object = _defaults.MAX_RESPONSE_BYTES,
        pacing_file: object = None,
        token_pacing: object = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self.base_url = resolve_base_url(base_url, http_client)
        self.timeout: Timeout = validate_timeout(timeout)
        self.bounds = RequestBounds(
            timeout=self.timeout,
            deadline=attempt_deadline(self.timeout),
            max_bytes=validate_max_response_bytes(max_response_bytes),
        )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be an int of 0 or more, got {max_retries!r}")
        self.policy = RetryPolicy(max_retries=max_retries)
        self.rate_limits = _rate_limits(rate_limit)
        self.pacing_file = _pacing_file(pacing_file, self.rate_limits)
        self.token_pacing = _token_pacing(token_pacing, self.rate_limits)
        for name, hook in (("on_retry", on_retry), ("on_wait", on_wait)):
            if hook is not None and not callable(hook):
                raise TypeError(f"{name} must be a callable")
        self.on_retry = on_retry
        self.pacer = None
        if self.rate_limits is not None:
            # pyrate-limiter takes 20-40 ms to import: only a client that paces pays for it
            # (not the in-process mock's, nor a command that makes no request).
            from ._pacing import Pacer  # noqa: PLC0415

            self.pacer = Pacer(
                self.rate_limits,
                state_file=self.pacing_file,
                token_pacing=self.token_pacing,
                on_wait=on_wait,
            )

    @property
    def rate_limit(self) -> RateLimit | tuple[RateLimit, ...] | None:
        """The limits paced to: one ``RateLimit``, several, or ``None``."""
        limits = self.rate_limits
        return limits[0] if limits is not None and len(limits) == 1 else limits

    def describe(self, name: str) -> str:
        """A repr without secrets."""
        limits = (
            "None"
            if self.rate_limits is None
            else " + ".join(f"RateLimit({r.requests}, {r.period})" for r in self.rate_limits)
        )
        shared = f", pacing_file={str(self.pacing_file)!r}" if self.pacing_file else ""
        if self.token_pacing is not None:
            from ._accounts import redact_url  # noqa: PLC0415

            shared += f", token_pacing={redact_url(self.token_pacing)!r}"
        return (
            f"{name}(base_url={self.base_url!r}, max_retries={self.policy.max_retries}, "
            f"rate_limit={limits}{shared})"
        )
