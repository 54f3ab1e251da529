"""What the mock saw: one record per request, and running counts that tests and benchmarks read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from youcam_units.mock._faults import FaultKind

__all__ = ["RequestLog", "RequestRecord"]


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

    def add(self, record: RequestRecord) -> None:
        """Append one record (dropping the oldest past ``keep``) and count it."""
        self.records.append(record)
        if self.keep is not None and len(self.records) >= 2 * self.keep:
            del self.records[: -self.keep]  # trim in batches: amortised O(1) per request
        self.count += 1
        self.entries_served += record.entries
        self.by_status[record.status] += 1
        if record.fault is not None:
            self.by_fault[record.fault] += 1

    def clear(self) -> None:
        """Forget everything (request numbers, and so a fault script, go on counting)."""
        self.records.clear()
        self.by_status.clear()
        self.by_fault.clear()
        self.count = 0
        self.entries_served = 0
