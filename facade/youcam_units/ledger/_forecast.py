"""The forecast from a balance and the local ledger: the ledger holds the spending it needs.

Only the window's entries are read (one indexed range query), and the ledger's oldest entry
says when the account's history began, so a young account's rate is not spread over days it
did not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from youcam_units._forecast import DEFAULT_HORIZON, DEFAULT_WINDOW, Forecast
from youcam_units._forecast import forecast as project

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from youcam_units._models import HistoryEntry
    from youcam_units._unit_system import Balance

__all__ = ["HistoryStore", "forecast"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class HistoryStore(Protocol):
    """What the forecast reads of a ledger (``Ledger`` is one)."""

    def entries(
        self, *, since_ms: int | None = None, until_ms: int | None = None
    ) -> Iterator[HistoryEntry]:
        """Stored entries, newest first; ``since_ms`` inclusive, ``until_ms`` exclusive."""
        ...

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        """Rows of a read-only SQL query."""
        ...


def _ms(when: datetime) -> int:
    return (when - _EPOCH) // timedelta(milliseconds=1)


def forecast(
    balance: Balance,
    ledger: HistoryStore,
    *,
    now: datetime | None = None,
    window: timedelta = DEFAULT_WINDOW,
    horizon: timedelta = DEFAULT_HORIZON,
) -> Forecast:
    """``youcam_units.forecast`` over the ledger's spending in ``window`` before ``now``.

    ``now`` defaults to the current time.

    Sync the ledger first: spending it does not hold yet is not counted.
    """
    now = datetime.now(UTC) if now is None else now
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(UTC))")
    ((oldest,),) = ledger.query("SELECT MIN(timestamp_ms) FROM entries")
    started_at = None if not isinstance(oldest, int) else _EPOCH + timedelta(milliseconds=oldest)
    history = ledger.entries(since_ms=_ms(now - window), until_ms=_ms(now))
    return project(balance, history, now=now, window=window, horizon=horizon, started_at=started_at)
