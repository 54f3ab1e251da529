"""What the sync and the summary need of a ledger's storage: a small protocol, two errors.

Two storages implement them: the SQLite ledger (``_sqlite.Ledger``) and the PostgreSQL one
(``_postgres.PostgresLedger``); ``sync`` and ``summarize`` are the same for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, NamedTuple, NoReturn, Protocol, Self

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from decimal import Decimal

    from youcam_units._models import HistoryEntry

__all__ = [
    "GROUPINGS",
    "AccountMismatchError",
    "Grouping",
    "LedgerError",
    "LedgerStorage",
    "OpenLedger",
    "PassState",
    "Per",
    "SummaryStorage",
    "Superseded",
    "Totals",
]

Grouping = Literal["action", "day", "month"]
GROUPINGS: Final[tuple[Grouping, ...]] = ("action", "day", "month")


class LedgerError(Exception):
    """The ledger file cannot be used: not a ledger, or written by a newer version."""


class AccountMismatchError(LedgerError):
    """The history read is not the one the ledger holds: another account's token, most likely."""


class Superseded(Exception):  # noqa: N818 - a signal between sync's steps, never raised out
    """Another run wrote the pass state since this one read it."""


@dataclass(frozen=True, slots=True)
class PassState:
    """The pass state, read in one go: what a sync run plans from and checks against."""

    version: int
    frontier_id: int | None
    frontier_ts: int | None
    pass_head_id: int | None
    pass_head_ts: int | None
    anchor_id: int | None
    anchor_ts: int | None
    resume_token: str | None


class _Connection(Protocol):
    def close(self) -> None: ...


class _ClosedConnection:
    """Stands in for a closed ledger's connection: every use is a ``LedgerError`` naming it.

    Without it a closed SQLite ledger raised ``sqlite3.ProgrammingError``, outside the errors a
    ledger documents; closing again does nothing.
    """

    def __init__(self, location: str) -> None:
        self._location = location

    def close(self) -> None:
        """Already closed."""

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__"):  # protocol lookups (deepcopy's __deepcopy__...) stay plain misses
            raise AttributeError(name)
        raise LedgerError(f"the ledger {self._location} is closed: open it again to use it")


class OpenLedger:
    """What both storages share: closing (also as a context manager), the pass state's parts."""

    _conn: _Connection

    @property
    def location(self) -> str:
        """Where the ledger is, for messages (never a password)."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the database connection; the ledger then refuses every use (``LedgerError``)."""
        self._conn.close()
        self._conn = _ClosedConnection(self.location)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def pass_state(self) -> PassState:
        """The pass state as stored now."""
        raise NotImplementedError

    @property
    def frontier_id(self) -> int | None:
        """Newest id of the last confirmed pass; ``None`` before the first complete sync."""
        return self.pass_state().frontier_id

    @property
    def pass_head_id(self) -> int | None:
        """Newest id staged by the pass in progress, if one is."""
        return self.pass_state().pass_head_id

    @property
    def resume_token(self) -> str | None:
        """Token from which the pass in progress continues, if one is."""
        return self.pass_state().resume_token


Per = Literal["day", "action"]
"""What ``SummaryStorage.totals`` totals by: UTC day, or action."""


class Totals(NamedTuple):
    """Exact totals of the entries of one UTC day, or of one action, in a window.

    A named tuple, not a frozen dataclass: a summary by day builds one per day (thousands), and
    a tuple is built four times faster.
    """

    day: int | None
    """Per day: the UTC day, in days since 1970-01-01, or ``None`` for entries at a time that
    has no day (outside the years 1-9999: ``time_ms`` says which). Per action: ``None``."""
    time_ms: int | None
    """Per day: the day's first millisecond, or the dayless entries' own time. Per action:
    ``None``."""
    action: str | None
    """Per action: the action. Per day: ``None``."""
    entries: int
    spent: Decimal
    """The negative changes of every action but ``expire``, as a positive number."""
    granted: Decimal
    """The positive changes."""
    expired: Decimal
    """The negative changes of ``expire`` entries (units lost, not spent), as a positive number."""


class LedgerStorage(Protocol):
    """Where ``sync`` keeps entries and its pass state."""

    @property
    def location(self) -> str:
        """Where the ledger is, for messages (a file path, say)."""
        ...

    def __len__(self) -> int:
        """Entries held (staged ones not included)."""
        ...

    def pass_state(self) -> PassState:
        """The pass state as stored now."""
        ...

    def write_pass(
        self,
        expected_version: int,
        state: Mapping[str, int | str | None],
        *,
        stage: Sequence[HistoryEntry] = (),
        drop_staged: bool = False,
        promote: bool = False,
    ) -> tuple[int, int]:
        """Atomically: check the version, drop staged entries, stage, promote, write ``state``.

        Returns the new state version and how many entries joined the ledger. Raises
        ``Superseded``, writing nothing, when the stored version is another.
        """
        ...


class SummaryStorage(Protocol):
    """What ``summarize``, ``forecast`` and the daily spending read: totals, never single entries.

    A storage keeps them per UTC day and action as entries arrive, so reading them costs the
    same at any ledger size.
    """

    def totals(self, since_ms: int | None, until_ms: int | None, *, per: Per) -> Iterable[Totals]:
        """The entries with ``since_ms <= timestamp < until_ms``, totalled per UTC day or action.

        ``None`` leaves that side open. Per day, entries at a time that has no day (outside the
        years 1-9999) are totalled per time instead, with ``day=None``. The order is free and a
        day or action may come more than once: the caller adds them up.
        """
        ...

    def oldest_timestamp_ms(self) -> int | None:
        """The time of the oldest entry held; ``None`` for an empty ledger."""
        ...
