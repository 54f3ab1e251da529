"""The SQLite ledger: one file per account, WAL mode, every write in ``BEGIN IMMEDIATE``.

This module opens the file and writes it; the read side ``Ledger`` extends is ``_sqlite_reads``.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from youcam_units.ledger import _rollup
from youcam_units.ledger._connection import (
    Transaction,
    check_is_ledger,
    compact,
    connect,
    migrate,
    open_read_only,
)
from youcam_units.ledger._schema import V3_COLUMNS, Meta
from youcam_units.ledger._sqlite_reads import LedgerReading
from youcam_units.ledger._storage import LedgerError, PassState, Superseded

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from youcam_units._models import HistoryEntry
    from youcam_units.ledger._schema import UpgradeProgress

__all__ = ["Ledger"]

logger = logging.getLogger("youcam_units.ledger")


class Ledger(LedgerReading):
    """A SQLite ledger file: open it, sync into it, read it. Use it as a context manager.

    ``read_only=True`` opens it for reading only (``summary``): nothing is written, not even the
    journal mode, and a read-only directory is fine. A ledger an older version wrote is upgraded
    on open (read-only included: the upgrade alone opens it for writing, once), which takes
    minutes for millions of entries: ``on_upgrade`` hears where it is (``UpgradeProgress``),
    before any work and then step by step; nothing is printed.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        on_upgrade: Callable[[UpgradeProgress], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if self.path.is_dir():  # else SQLite's own words: "disk I/O error"
            raise LedgerError(f"{self.path} is a directory: name the ledger file, not its folder")
        if read_only:
            self._conn = open_read_only(
                self.path, lambda: Ledger(self.path, on_upgrade=on_upgrade).close()
            )
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
            # Pages freed when staged entries join the ledger go back to the file system after
            # each pass (``incremental_vacuum``). It takes effect only before the first table;
            # an older file is converted once, by ``compact`` below.
            self._conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._durable = True
            self._conn.execute("PRAGMA synchronous=FULL")
            compact(self.path, self._conn, migrate(self.path, self._conn, on_upgrade))
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise LedgerError(f"cannot open the ledger {self.path}: {exc}") from exc
        except BaseException:  # a LedgerError, the caller's on_upgrade failing, a Ctrl-C
            self._conn.close()
            raise

    # -- plumbing ---------------------------------------------------------------------------

    def transaction(self) -> Transaction:
        """A write transaction: ``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on error."""
        if self.read_only:
            raise LedgerError(f"{self.path} is open read-only")
        return Transaction(self._conn)

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
    def staged_count(self) -> int:
        """Entries read by the pass in progress, waiting to join the ledger."""
        return int(self._conn.execute("SELECT COUNT(*) FROM staged").fetchone()[0])

    def pass_state(self) -> PassState:
        token = self._get("resume_token")
        return PassState(
            version=self._int("state_version") or 0,
            frontier_id=self._int("frontier_id"),
            frontier_ts=self._int("frontier_ts"),
            pass_head_id=self._int("pass_head_id"),
            pass_head_ts=self._int("pass_head_ts"),
            anchor_id=self._int("anchor_id"),
            anchor_ts=self._int("anchor_ts"),
            resume_token=token if isinstance(token, str) else None,
        )

    # -- writing ----------------------------------------------------------------------------

    def _stage(self, entries: Iterable[HistoryEntry]) -> None:
        from youcam_units.ledger._rows import entry_values  # noqa: PLC0415 - not for reading

        self._conn.executemany(
            f"INSERT OR IGNORE INTO staged (key, {V3_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed names
            [
                (~entry_id, timestamp_ms, action, str(spent), str(granted), raw)
                for entry_id, timestamp_ms, action, spent, granted, raw in map(
                    entry_values, entries
                )
            ],
        )

    def _promote(self) -> int:
        """Move every staged entry into the ledger and its totals into the rollups; how many.

        The totals are those of the staged rows the ledger does not hold yet, which are exactly
        the rows that join it: one grouped query, once per pass (not a rollup write per page).
        """
        new = "FROM staged WHERE NOT EXISTS (SELECT 1 FROM entries WHERE entries.id = ~staged.key)"
        delta = _rollup.grouped(self._conn, new)
        before = self._conn.total_changes
        # Oldest id first: the rows append to ``entries`` (full pages) instead of splitting them.
        self._conn.execute(
            f"INSERT OR IGNORE INTO entries (id, {V3_COLUMNS}) "  # noqa: S608 - fixed names
            f"SELECT ~key, {V3_COLUMNS} FROM staged ORDER BY key DESC"
        )
        added = self._conn.total_changes - before
        _rollup.add_to(self._conn, delta)
        self._set("entry_count", len(self) + added)
        self._drop_staged()
        return added

    def _drop_staged(self) -> None:
        self._conn.execute("DELETE FROM staged")

    def _reclaim(self) -> None:
        """Give the pages the staged rows held back to the file system, in a transaction of its own.

        ``executescript`` runs the pragma to the end (``execute`` would free one page); it
        commits first, which is why this runs after the pass's transaction, never inside it. A
        crash before it only leaves the free pages for the next pass to reuse or give back.
        """
        ((free,),) = self._conn.execute("PRAGMA freelist_count")
        if not free:
            return
        try:
            self._conn.executescript("PRAGMA incremental_vacuum;")
        except sqlite3.OperationalError as exc:  # another sync holds the file: next time, then
            logger.info("free pages of %s kept for now: %s", self.path, exc)

    def _durability(self, *, full: bool) -> None:
        """FULL (survives a power cut) for what confirms a pass; NORMAL for staging.

        A power cut may undo the last staged pages (never a part of one): the next run reads
        them again. What ``sync`` reports as joined the ledger is committed with FULL, as is
        every write but staging. A killed process loses nothing in either mode.
        """
        if full != self._durable:
            self._conn.execute(f"PRAGMA synchronous={'FULL' if full else 'NORMAL'}")
            self._durable = full

    def _checkpoint(self, expected_version: int, **state: int | str | None) -> int:
        """In a transaction: check nobody moved the pass on, write ``state``; the new version."""
        version = self._int("state_version") or 0
        if version != expected_version:
            raise Superseded
        Meta(self._conn).set_many({**state, "state_version": version + 1})
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
        """``LedgerStorage.write_pass``: one ``BEGIN IMMEDIATE`` transaction."""
        added = 0
        self._durability(full=promote or drop_staged)
        try:
            with self.transaction():
                version = self._checkpoint(expected_version, **state)
                if drop_staged:
                    self._drop_staged()
                self._stage(stage)
                if promote:
                    added = self._promote()
        finally:
            self._durability(full=True)
        if promote or drop_staged:
            self._reclaim()
        return version, added

    def claim_source(self, source: str) -> None:
        """Record where this ledger's history comes from; refuse to mix in another source.

        ``source`` is a label such as the service's base URL: entries from two histories (the
        demo mock and a real account, say) must never end up in one ledger. Two accounts of one
        service share the URL: ``sync`` tells them apart (``docs/ledger.md``).
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
