"""What the mock saw: one record per request, and running counts that tests and benchmarks read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from youcam_units.mock._faults import FaultKind
    from youcam_units.mock._limits import Limits, Scope

__all__ = ["RequestLog", "RequestRecord", "peak"]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the service saw: what tests and benchmarks count."""

    number: int
    method: str
    path: str
    params: Mapping[str, list[str]]
    status: int | None
    """The HTTP status sent, or None when the client never got one (dropped, too slow)."""
    fault: FaultKind | None
    entries: int
    """History entries in the response (0 unless a 200 page)."""
    followed_token: bool
    """The request carried a starting_token this service issued, and was served from it."""
    items: int = 0
    """Buckets or SKUs in a 200 of the balance or feature-cost operations."""
    at: float = 0.0
    """The service's clock when the request arrived (monotonic seconds)."""
    client: str | None = None
    """The client's IP address (the ASGI scope's ``client``; the transport's own in-process)."""
    token_id: str | None = None
    """A fingerprint of the credential it authenticated with (``_limits.token_id``), if any."""
    limited_by: Scope | None = None
    """``"token"`` or ``"ip"`` when the rate limits refused it (429), else None."""


class RequestLog:
    """Every request the service handled, in order, with counts per status and per fault.

    ``keep`` bounds ``records`` to the most recent requests, for a server that runs for days;
    the counts always cover every request.
    """

    def __init__(self, keep: int | None = None) -> None:
        if keep is not None and keep < 1:
            raise ValueError("keep must be >= 1, or None to keep every record")
        self.keep = keep
        self.records: list[RequestRecord] = []
        self.by_status: Counter[int | None] = Counter()
        self.by_fault: Counter[FaultKind] = Counter()
        self.count = 0
        """Requests handled, faulted ones included."""
        self.entries_served = 0
        """History entries sent in 200 pages."""
        self.limited: Counter[Scope] = Counter()
        """429s the rate limits answered, by which limit refused: ``"token"`` or ``"ip"``."""
        self.checks: dict[tuple[Scope, str], list[tuple[float, bool]]] = {}
        """Per (``"token"``, fingerprint) and (``"ip"``, address): every request the limits
        judged, as (time, admitted), oldest first (bounded by ``keep`` as ``records`` is)."""

    def check(self, at: float, keys: list[tuple[Scope, str]], *, admitted: bool) -> None:
        """Note one request the rate limits judged, under its IP and its token."""
        for key in keys:
            self._append(self.checks.setdefault(key, []), (at, admitted))

    def times(self, scope: Scope, key: str, *, admitted_only: bool = False) -> list[float]:
        """When the requests of one token (by fingerprint) or one IP arrived."""
        return [at for at, ok in self.checks.get((scope, key), []) if ok or not admitted_only]

    def exceeded(self, limits: Limits, *, admitted_only: bool = False) -> list[str]:
        """Each token or IP whose requests went over a window: empty proves nobody did.

        By default every request counts, refused ones too: a client that never asked for more
        than the limits allow has none here (and ``limited`` is empty). ``admitted_only`` checks
        the mock itself: what it let through never exceeds a window.
        """
        found = []
        for scope, key in sorted(self.checks):
            if (scope == "ip" and not limits.per_ip) or (scope == "token" and not limits.per_token):
                continue
            times = self.times(scope, key, admitted_only=admitted_only)
            for window in limits.windows:
                most = peak(times, window.seconds)
                if most > window.requests:
                    found.append(
                        f"{scope} {key}: {most} requests within {window.seconds:g} s "
                        f"(limit {window.requests})"
                    )
        return found

    def add(self, record: RequestRecord) -> None:
        """Append one record (dropping the oldest past ``keep``) and count it."""
        self._append(self.records, record)
        self.count += 1
        self.entries_served += record.entries
        self.by_status[record.status] += 1
        if record.fault is not None:
            self.by_fault[record.fault] += 1
        if record.limited_by is not None:
            self.limited[record.limited_by] += 1

    def _append(self, items: list[Any], item: object) -> None:
        """Append, dropping the oldest past ``keep``: in batches, amortised O(1) per request."""
        items.append(item)
        if self.keep is not None and len(items) >= 2 * self.keep:
            del items[: -self.keep]

    def clear(self) -> None:
        """Forget everything (request numbers, and so a fault script, go on counting)."""
        self.records.clear()
        self.by_status.clear()
        self.by_fault.clear()
        self.limited.clear()
        self.checks.clear()
        self.count = 0
        self.entries_served = 0


def peak(times: list[float], seconds: float) -> int:
    """The most of ``times`` (sorted) inside any sliding window of ``seconds``: the proof."""
    most, start = 0, 0
    for end, when in enumerate(times):
        while times[start] <= when - seconds:
            start += 1
        most = max(most, end - start + 1)
    return most
