"""The SQLite ledger: one file per account, WAL mode, every write in ``BEGIN IMMEDIATE``."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from youcam_units import _json as exact_json
from youcam_units._models import HistoryEntry
from youcam_units.ledger._connection import (
    Transaction,
    bounds,
    check_is_ledger,
    connect,
    migrate,
    open_read_only,
)
from youcam_units.ledger._schema import (
    COLUMNS,
    GROUP_SQL,
    Meta,
    entry_row,
)
from youcam_units.ledger._storage import LedgerError, PassState, Superseded

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from youcam_units.ledger._storage import Grouping

__all__ = ["Ledger"]

logger = logging.getLogger("youcam_units.ledger")


class Ledger:
    """A SQLite ledger file: open it, sync into it, read it. Use it as a context manager.

    ``read_only=True`` opens it for reading only (``summary``): nothing is written, not even the
    journal mode, and a read-only directory is fine. A ledger an older version wrote is upgraded
    on open (read-only included: the upgrade alone opens it for writing, once).
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only:
            self._conn = open_read_only(self.path, lambda: Ledger(self.path).close())
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(f"cannot create the ledger {self.path}: {exc.strerror}") from exc
        if self.path.exists() and self.path.stat().st_size > 0:
            check_is_ledger(self.path)  # before anything can write to a file that is not ours
        # isolation_level=None: every write transaction is opened here (BEGIN IMMEDIATE), so a
        # page and its checkpoint commit together or not at all.
        self._conn = connect(self.path, str(self.path), uri=False)
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed page survives a power cut too, not only a killed process.
            self._conn.execute("PRAGMA synchronous=FULL")
            migrate(self.path, self._conn)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise LedgerError(f"cannot open the ledger {self.path}: {exc}") from exc
        except LedgerError:
            self._conn.close()
            raise

    @property
    def location(self) -> str:
        """The file's path, for messages."""
        return str(self.path)

    # -- plumbing ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def transaction(self) -> Transaction:
        """A write transaction: ``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on error."""
        if self.read_only:
            raise LedgerError(f"{self.path} is open read-only")
        return Transaction(self._conn)

    def _get(self, key: str) -> Any:  # noqa: ANN401 - meta values are int or str by key
        return Meta(self._conn).get(key)

    def _set(self, key: str, value: int | str | None) -> None:
        Meta(self._conn).set(key, value)

    # -- state ------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file."""
        return int(self._get("schema_version"))

    def _int(self, key: str) -> int | None:
        value = self._get(key)
        return value if isinstance(value, int) else None

    @property
    def frontier_id(self) -> int | None:
        """Newest id of the last confirmed pass; ``None`` before the first complete sync."""
        return self._int("frontier_id")

    @property
    def pass_head_id(self) -> int | None:
        """Newest id staged by the pass in progress, if one is."""
        return self._int("pass_head_id")

    @property
    def resume_token(self) -> str | None:
        """Token from which the pass in progress continues, if one is."""
        value = self._get("resume_token")
        return value if isinstance(value, str) else None

    @property
    def staged_count(self) -> int:
        """Entries read by the pass in progress, waiting to join the ledger."""
        return int(self._conn.execute("SELECT COUNT(*) FROM staged").fetchone()[0])

    def pass_state(self) -> PassState:
        return PassState(
            version=self._int("state_version") or 0,
            frontier_id=self._int("frontier_id"),
            frontier_ts=self._int("frontier_ts"),
            pass_head_id=self._int("pass_head_id"),
            pass_head_ts=self._int("pass_head_ts"),
            anchor_id=self._int("anchor_id"),
            anchor_ts=self._int("anchor_ts"),
            resume_token=self.resume_token,
        )

    # -- writing ----------------------------------------------------------------------------

    def _stage(self, entries: Iterable[HistoryEntry]) -> None:
        self._conn.executemany(
            f"INSERT OR IGNORE INTO staged ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed names
            [entry_row(e) for e in entries],
        )

    def _promote(self) -> int:
        """Move every staged entry into the ledger; how many were new to it."""
        before = self._conn.total_changes
        self._conn.execute(
            f"INSERT OR IGNORE INTO entries ({COLUMNS}) SELECT {COLUMNS} FROM staged"  # noqa: S608 - fixed names
        )
        added = self._conn.total_changes - before
        self._conn.execute("DELETE FROM staged")
        return added

    def _checkpoint(self, expected_version: int, **state: int | str | None) -> int:
        """In a transaction: check nobody moved the pass on, write ``state``; the new version."""
        version = self._int("state_version") or 0
        if version != expected_version:
            raise Superseded
        for key, value in state.items():
            self._set(key, value)
        self._set("state_version", version + 1)
        return version + 1

    def write_pass(
        self,
        expected_version: int,
        state: Mapping[str, int | str | None],
        *,
        stage: Sequence[HistoryEntry] = (),
        drop_staged: bool = False,
        promote: bool = False,
    ) -> tuple[int, int]:
        """One transaction: stage, promote or drop entries and write the pass state, atomically.

        Raises ``Superseded`` (writing nothing) when another run wrote the state since
        ``expected_version``. Returns the new version and how many entries joined the ledger.
        """
        added = 0
        with self.transaction():
            version = self._checkpoint(expected_version, **state)
            if drop_staged:
                self._conn.execute("DELETE FROM staged")
            self._stage(stage)
            if promote:
                added = self._promote()
        return version, added

    def claim_source(self, source: str) -> None:
        """Record where this ledger's history comes from; refuse to mix in another source.

        ``source`` is a label such as the service's base URL. A ledger that already holds a
        different source raises ``LedgerError``: entries from two histories (the demo mock and a
        real account, say) must never end up in one ledger. Two accounts of one service share
        the URL: ``sync`` tells them apart (see the module docstring).
        """
        with self.transaction():
            stored = self._get("source")
            if stored is None:
                self._set("source", source)
            elif stored != source:
                raise LedgerError(
                    f"{self.path} holds the history of {stored}, not of {source}: "
                    "use another --db for this one"
                )

    @property
    def source(self) -> str | None:
        """The source recorded by :meth:`claim_source`, if any."""
        value = self._get("source")
        return value if isinstance(value, str) else None

    # -- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        row = self._conn.execute("SELECT COUNT(*) FROM entries").fetchone()
        return int(row[0])

    def entries(
        self, *, since_ms: int | None = None, until_ms: int | None = None
    ) -> Iterator[HistoryEntry]:
        """Stored entries, newest first; ``since_ms`` inclusive, ``until_ms`` exclusive."""
        for (raw,) in self._conn.execute(
            "SELECT raw FROM entries WHERE timestamp_ms >= ? AND timestamp_ms < ? "
            "ORDER BY timestamp_ms DESC, id DESC",
            bounds(since_ms, until_ms),
        ):
            yield HistoryEntry.from_dict(exact_json.loads(raw))

    def raw_entries(self) -> Iterator[dict[str, Any]]:
        """Every stored entry exactly as sent (fractions as Decimal), newest first."""
        for (raw,) in self._conn.execute(
            "SELECT raw FROM entries ORDER BY timestamp_ms DESC, id DESC"
        ):
            yield exact_json.loads(raw)

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only SQL query against the ledger (summaries use it)."""
        return self._conn.execute(sql, params).fetchall()

    def iter_query(self, sql: str, params: Sequence[object] = ()) -> Iterator[tuple[Any, ...]]:
        """Like :meth:`query`, row by row, for results too big to hold."""
        yield from self._conn.execute(sql, params)

    def summary_rows(
        self, by: Grouping, since_ms: int | None, until_ms: int | None
    ) -> Iterator[tuple[str | None, int, str, str, str]]:
        """``(group, timestamp_ms, action, spent, granted)`` per entry in the window, by time."""
        sql = (
            f"SELECT {GROUP_SQL[by]}, timestamp_ms, action, spent, granted "  # noqa: S608 - fixed expressions only
            "FROM entries WHERE timestamp_ms >= ? AND timestamp_ms < ? ORDER BY timestamp_ms, id"
        )
        yield from self._conn.execute(sql, bounds(since_ms, until_ms))
