"""The service's rate limits, enforced as it enforces them: per access token AND per client IP.

Each is a set of sliding windows (the real ones: 250 requests per 300 s, and the ~5 per second
the vendor asks for), scalable for tests (``Limits.parse("25/3,5/1")``). A request is admitted
only when every window of its token and of its IP has room; an admitted request counts against
both. A request refused (429) counts against neither, as a client backing off must recover.

Off unless asked for, in-process and served alike: ``MockService(limits=Limits.real())``,
``youcam-units mock --limits real`` (or ``--limits 25/3,5/1``). Existing tests, ``--demo`` and
the benchmarks read the mock as fast as they can, which the real limits would refuse.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["REAL_WINDOWS", "Limiter", "Limits", "RateLimit", "Window", "token_id"]

Scope = Literal["token", "ip"]


@dataclass(frozen=True, slots=True)
class Window:
    """At most ``requests`` in any ``seconds`` (a sliding window)."""

    requests: int
    seconds: float

    def __post_init__(self) -> None:
        if isinstance(self.requests, bool) or not isinstance(self.requests, int):
            raise TypeError(f"a window's requests must be an int, got {self.requests!r}")
        if self.requests < 1 or not self.seconds > 0:
            raise ValueError(
                f"a window is at least 1 request per a positive number of seconds, got "
                f"{self.requests}/{self.seconds}"
            )

    def __str__(self) -> str:
        return f"{self.requests}/{self.seconds:g}"


REAL_WINDOWS: Final = (Window(250, 300.0), Window(5, 1.0))
"""The service's 250 per 300 s (REFERENCE: per token and per IP) and the vendor's ~5 per second."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The windows, and whether they hold per token, per client IP, or both (the service)."""

    windows: tuple[Window, ...] = REAL_WINDOWS
    per_token: bool = True
    per_ip: bool = True

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValueError("limits need at least one window")
        if not (self.per_token or self.per_ip):
            raise ValueError("limits must hold per token, per IP, or both")

    @classmethod
    def real(cls) -> Limits:
        """The service's: 250 per 300 s and 5 per second, per token and per IP."""
        return cls()

    @classmethod
    def parse(cls, text: str, *, per: Literal["both", "token", "ip"] = "both") -> Limits:
        """``"real"`` or windows like ``"25/3,5/1"`` (requests/seconds, comma-separated).

        ``ValueError`` with one line saying what to write instead.
        """
        spec = text.strip().lower()
        per_token, per_ip = per in {"both", "token"}, per in {"both", "ip"}
        if spec == "real":
            return cls(REAL_WINDOWS, per_token=per_token, per_ip=per_ip)
        windows = []
        for part in spec.split(","):
            requests, slash, seconds = part.strip().partition("/")
            try:
                window = Window(int(requests), float(seconds))
            except (TypeError, ValueError):
                window = None
            if not slash or window is None or window.seconds == float("inf"):
                raise ValueError(
                    f"{text!r} is not 'real' or windows like 250/300,5/1 (requests/seconds)"
                )
            windows.append(window)
        return cls(tuple(windows), per_token=per_token, per_ip=per_ip)

    def __str__(self) -> str:
        per = (
            "per token and per IP"
            if self.per_token and self.per_ip
            else ("per token" if self.per_token else "per IP")
        )
        return f"{', '.join(map(str, self.windows))} {per}"


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``requests`` per sliding ``window`` seconds per token (real: 250 per 300 s).

    The older, per-token-only form of ``Limits``: ``MockService(rate_limit=...)`` is
    ``Limits((Window(requests, window),), per_ip=False)``.
    """

    requests: int = 250
    window: float = 300.0


def token_id(token: str) -> str:
    """What the log keeps of a token: a short fingerprint, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()[:12]


class Limiter:
    """The windows' state: admitted request times per token and per IP (callers hold a lock)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._longest = max(window.seconds for window in limits.windows)
        self._times: dict[tuple[Scope, str], deque[float]] = {}

    def refusal(
        self, now: float, *, token: str | None, ip: str | None
    ) -> tuple[Scope, Window] | None:
        """The first full window of this request's IP or token, or None when it may go."""
        for scope, key in self.keys(token, ip):
            times = self._times.get((scope, key))
            if times is None:
                continue
            while times and times[0] <= now - self._longest:
                times.popleft()
            for window in self.limits.windows:
                if _count_since(times, now - window.seconds) >= window.requests:
                    return scope, window
        return None

    def admit(self, now: float, *, token: str | None, ip: str | None) -> None:
        """Count an admitted request against its IP and its token."""
        for scope, key in self.keys(token, ip):
            self._times.setdefault((scope, key), deque()).append(now)

    def keys(self, token: str | None, ip: str | None) -> list[tuple[Scope, str]]:
        """What a request counts under: its IP, its token, or both (as the limits hold)."""
        keys: list[tuple[Scope, str]] = []
        if self.limits.per_ip and ip is not None:
            keys.append(("ip", ip))
        if self.limits.per_token and token is not None:
            keys.append(("token", token))
        return keys


def _count_since(times: deque[float], start: float) -> int:
    """Times after ``start``, counted from the newest (short windows stop early)."""
    count = 0
    for when in reversed(times):
        if when <= start:
            break
        count += 1
    return count
