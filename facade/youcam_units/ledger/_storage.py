"""What the sync and the summary need of a ledger's storage: a small protocol, two errors.

The SQLite ledger (``_sqlite.Ledger``) is the one storage today; a server database would be one
more module implementing ``LedgerStorage`` and ``SummaryStorage``, with ``sync`` and
``summarize`` unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from youcam_units._models import HistoryEntry

__all__ = [
    "GROUPINGS",
    "AccountMismatchError",
    "Grouping",
    "LedgerError",
    "LedgerStorage",
    "PassState",
    "SummaryStorage",
    "Superseded",
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
        """Atomically: check the version, stage/promote/drop entries, write ``state``.

        Checks the stored state is still ``expected_version``, drops the staged entries if
        asked, stages ``stage``, promotes every staged entry if asked, and writes ``state``.

        Returns the new state version and how many entries joined the ledger. Raises
        ``Superseded``, writing nothing, when the stored version is another.
        """
        ...


class SummaryStorage(Protocol):
    """What ``summarize`` needs: the rows to total, grouped by the storage's own query."""

    def summary_rows(
        self, by: Grouping, since_ms: int | None, until_ms: int | None
    ) -> Iterable[tuple[str | None, int, str, str, str]]:
        """``(group, timestamp_ms, action, spent, granted)`` per entry in the window, by time.

        ``group`` is ``None`` for a time that has no day or month.
        """
        ...
