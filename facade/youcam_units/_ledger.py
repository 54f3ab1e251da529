"""The local ledger: a SQLite copy of the unit history, and the incremental sync that fills it.

Schema (version 1), in one SQLite file in WAL mode:

- ``meta(key, value)``: ``schema_version``; ``source`` (where the history comes from, so two
  sources never mix in one file); ``frontier_id``, the newest id of the last *completed*
  pass (every entry at or older than it is in the ledger); and, while a pass is in progress,
  ``pass_head_id`` (the newest id that pass saw) and ``resume_token`` (where it continues).
- ``entries``: one row per history entry, keyed by its id (an SQLite INTEGER is 64-bit, so
  snowflake ids above 2**53 are stored exactly), inserted with ``INSERT OR IGNORE`` so that no
  entry is ever stored twice. ``changes``, ``dst_actions`` and ``extra`` are JSON text.

A sync run (:func:`sync`):

1. If a pass is in progress, continue it from ``resume_token``, storing entries until it meets
   ``frontier_id`` (or the end of the history); then ``frontier_id := pass_head_id`` and the pass is
   cleared.
2. Start a new pass from the head. If the first entry is ``frontier_id``, nothing is new: one
   request. Otherwise the pass records ``pass_head_id`` and stores entries until it meets the
   frontier.

Each page's entries are committed in one transaction together with the checkpoint that follows
them, so a run stopped at any point (Ctrl-C, ``kill -9``, a network failure) leaves a ledger from
which the next run continues, losing nothing and storing nothing twice.

Why not simply "stop at the first id already stored"? After an interrupted incremental pass the
newest entries are stored but a gap lies below them; a stop-at-known-id rule would never fill it.
The frontier only moves when a pass has read everything down to the previous frontier.

If the service rejects a stored resume token (a 400: tokens may expire), the pass restarts from the
head with the same frontier; the ``INSERT OR IGNORE`` makes re-reading harmless.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, Self

from youcam_units._errors import InvalidParametersError
from youcam_units._models import HistoryEntry

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

__all__ = [
    "PAGE_SIZE",
    "SCHEMA_VERSION",
    "Ledger",
    "LedgerError",
    "SyncResult",
    "sync",
]

logger = logging.getLogger("youcam_units.ledger")

SCHEMA_VERSION: Final = 1
"""The ledger schema this code writes; a ledger with a newer version is refused, not guessed at."""

PAGE_SIZE: Final = 30
"""Sync reads the largest pages the service allows: k new entries cost at most ceil(k/30)+1."""

_SCHEMA: Final = (
    """
    CREATE TABLE IF NOT EXISTS meta (
        key   TEXT PRIMARY KEY,
        value  -- no declared type, so no affinity: a digit-string token stays a string, exactly
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS entries (
        id           INTEGER PRIMARY KEY,  -- the history id: 64-bit, exact for snowflakes
        timestamp_ms INTEGER NOT NULL,     -- Unix time in milliseconds, UTC
        action       TEXT    NOT NULL,
        target_id    TEXT,
        amount       INTEGER NOT NULL,     -- net change: the sum of the changes
        spent        INTEGER NOT NULL,     -- the negative changes, as a positive number
        granted      INTEGER NOT NULL,     -- the positive changes
        changes      TEXT    NOT NULL,     -- JSON [{"unit_id": ..., "amount": ...}, ...]
        dst_actions  TEXT    NOT NULL,     -- JSON list of strings (skin analysis), often []
        extra        TEXT    NOT NULL,     -- JSON object: top-level fields beyond the spec
        raw          TEXT    NOT NULL      -- JSON: the entry exactly as the service sent it
    )
    """,
    "CREATE INDEX IF NOT EXISTS entries_by_time ON entries (timestamp_ms)",
)


class LedgerError(Exception):
    """The ledger file cannot be used: not a ledger, or written by a newer version."""


@dataclass(slots=True)
class SyncResult:
    """What one sync run did."""

    new_entries: int = 0
    """Entries this run stored that the ledger did not hold."""
    pages: int = 0
    """Pages this run read (one successful request each)."""
    total_entries: int = 0
    """Entries in the ledger after the run."""
    restarted: bool = False
    """True when a stored resume token was refused and the pass restarted from the head."""
    resumed: bool = False
    """True when this run first finished a pass an earlier run had left unfinished."""


class Ledger:
    """A SQLite ledger file: open it, sync into it, read it. Use it as a context manager."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LedgerError(f"cannot create the ledger {self.path}: {exc.strerror}") from exc
        # isolation_level=None: every write transaction is opened here (BEGIN IMMEDIATE), so a
        # page and its checkpoint commit together or not at all.
        self._conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed page survives a power cut too, not only a killed process.
            self._conn.execute("PRAGMA synchronous=FULL")
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            if "not a database" in str(exc):
                raise LedgerError(f"{self.path} is not a youcam-units ledger ({exc})") from exc
            raise LedgerError(f"cannot open the ledger {self.path}: {exc}") from exc
        except LedgerError:
            self._conn.close()
            raise

    def _init_schema(self) -> None:
        with self.transaction():
            for statement in _SCHEMA:
                self._conn.execute(statement)
            version = self._get("schema_version")
            if version is None:
                self._set("schema_version", SCHEMA_VERSION)
            elif not isinstance(version, int) or version > SCHEMA_VERSION:
                raise LedgerError(
                    f"{self.path} has ledger schema version {version!r}; this youcam-units "
                    f"reads up to version {SCHEMA_VERSION}: upgrade youcam-units"
                )
            # Migrations from older versions go here, each in this same transaction.

    # -- plumbing ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def transaction(self) -> _Transaction:
        """A write transaction: ``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on error."""
        return _Transaction(self._conn)

    def _get(self, key: str) -> Any:  # noqa: ANN401 - meta values are int or str by key
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def _set(self, key: str, value: int | str | None) -> None:
        if value is None:
            self._conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- state ------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file."""
        return int(self._get("schema_version"))

    @property
    def frontier_id(self) -> int | None:
        """Newest id of the last completed pass; ``None`` before the first complete sync."""
        value = self._get("frontier_id")
        return value if isinstance(value, int) else None

    @property
    def pass_head_id(self) -> int | None:
        """Newest id of the pass in progress, if one is."""
        value = self._get("pass_head_id")
        return value if isinstance(value, int) else None

    @property
    def resume_token(self) -> str | None:
        """Token from which the pass in progress continues, if one is."""
        value = self._get("resume_token")
        return value if isinstance(value, str) else None

    # -- writing ----------------------------------------------------------------------------

    def _insert(self, entries: Iterable[HistoryEntry]) -> int:
        rows = [
            (
                e.id,
                e.timestamp_ms,
                str(e.action),
                e.target_id,
                e.amount,
                -sum(c.amount for c in e.changes if c.amount < 0),
                sum(c.amount for c in e.changes if c.amount > 0),
                json.dumps([{"unit_id": c.unit_id, "amount": c.amount} for c in e.changes]),
                json.dumps(list(e.dst_actions)),
                json.dumps(e.extra, sort_keys=True),
                json.dumps(e.to_dict(), sort_keys=True, separators=(",", ":")),
            )
            for e in entries
        ]
        before = self._conn.total_changes
        self._conn.executemany(
            "INSERT OR IGNORE INTO entries (id, timestamp_ms, action, target_id, amount, spent, "
            "granted, changes, dst_actions, extra, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return self._conn.total_changes - before

    def store_page(
        self,
        entries: Sequence[HistoryEntry],
        *,
        frontier_id: int | None,
        pass_head_id: int | None,
        resume_token: str | None,
    ) -> int:
        """Store a page's entries and the checkpoint after them in ONE transaction.

        Returns how many of the entries were new to the ledger.
        """
        with self.transaction():
            added = self._insert(entries)
            self._set("frontier_id", frontier_id)
            self._set("pass_head_id", pass_head_id)
            self._set("resume_token", resume_token)
        return added

    def claim_source(self, source: str) -> None:
        """Record where this ledger's history comes from; refuse to mix in another source.

        ``source`` is a label such as the service's base URL. A ledger that already holds a
        different source raises ``LedgerError``: entries from two histories (the demo mock and a
        real account, say) must never end up in one ledger.
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

    def clear_pass(self) -> None:
        """Forget the pass in progress (its stored entries stay; the frontier is unchanged)."""
        with self.transaction():
            self._set("pass_head_id", None)
            self._set("resume_token", None)

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
            _bounds(since_ms, until_ms),
        ):
            yield HistoryEntry.from_dict(json.loads(raw))

    def raw_entries(self) -> Iterator[dict[str, Any]]:
        """Every stored entry exactly as the service sent it, newest first (for comparisons)."""
        for (raw,) in self._conn.execute(
            "SELECT raw FROM entries ORDER BY timestamp_ms DESC, id DESC"
        ):
            yield json.loads(raw)

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only SQL query against the ledger (summaries use it)."""
        return self._conn.execute(sql, params).fetchall()


def _bounds(since_ms: int | None, until_ms: int | None) -> tuple[int, int]:
    return (
        -(2**63) if since_ms is None else since_ms,
        2**63 - 1 if until_ms is None else until_ms,
    )


class _Transaction:
    """``BEGIN IMMEDIATE`` on enter; ``COMMIT`` on a clean exit, ``ROLLBACK`` on any exception."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self._conn.execute("COMMIT")
        else:
            self._conn.execute("ROLLBACK")


# -- sync ---------------------------------------------------------------------------------------


class _Page(Protocol):
    """What sync needs of a page: its entries, newest first, and the next page's token."""

    @property
    def entries(self) -> Sequence[HistoryEntry]: ...

    @property
    def next_token(self) -> str | None: ...


class _Pager(Protocol):
    def pages(self) -> Iterator[_Page]: ...


class HistorySource(Protocol):
    """What sync needs of a client: ``Client.history``, a lazy pager."""

    def history(self, *, page_size: int = ..., starting_token: str | None = ...) -> _Pager: ...


def sync(
    ledger: Ledger,
    client: HistorySource,
    *,
    on_page: Callable[[SyncResult], None] | None = None,
) -> SyncResult:
    """Bring ``ledger`` up to date with the history ``client`` reads (see the module docstring).

    ``on_page`` is called after each page is committed, for progress displays. An exception
    (network, rate limit, Ctrl-C) leaves every committed page and its checkpoint in place: run
    ``sync`` again to continue.
    """
    result = SyncResult()
    if ledger.pass_head_id is not None:
        result.resumed = True
        try:
            _run_pass(ledger, client, result, on_page, start=ledger.resume_token)
        except InvalidParametersError:
            if result.pages:
                raise  # refused a token it gave in this very run: a service fault, not expiry
            # The service refused the token we stored (tokens may expire). Restart the pass from
            # the head with the same frontier: what is stored stays, duplicates are ignored.
            logger.warning("the stored resume token was refused; restarting from the newest entry")
            ledger.clear_pass()
            result.restarted = True
    _run_pass(ledger, client, result, on_page, start=None)
    result.total_entries = len(ledger)
    return result


def _run_pass(
    ledger: Ledger,
    client: HistorySource,
    result: SyncResult,
    on_page: Callable[[SyncResult], None] | None,
    *,
    start: str | None,
) -> None:
    """Read pages from ``start`` (None: the head) until the frontier; commit each with its state."""
    frontier = ledger.frontier_id
    head = ledger.pass_head_id if start is not None else None
    for page in client.history(page_size=PAGE_SIZE, starting_token=start).pages():
        result.pages += 1
        if head is None and page.entries:
            head = page.entries[0].id
            if head == frontier:
                logger.info("nothing new: the newest entry %s is already in the ledger", head)
                break
            logger.info("new pass from %s down to %s", head, frontier)
        if head is None:
            # A page without entries before any entry was seen: nothing to store or resume.
            if not page.next_token:
                break
            continue
        fresh, reached = _above(page.entries, frontier)
        done = reached or not page.next_token
        if done:
            # The pass has read everything down to the old frontier: its head is the new one.
            result.new_entries += ledger.store_page(
                fresh, frontier_id=head, pass_head_id=None, resume_token=None
            )
        else:
            result.new_entries += ledger.store_page(
                fresh, frontier_id=frontier, pass_head_id=head, resume_token=page.next_token
            )
        if on_page is not None:
            on_page(result)
        if done:
            break


def _above(
    entries: Sequence[HistoryEntry], frontier: int | None
) -> tuple[Sequence[HistoryEntry], bool]:
    """The entries newer than the frontier entry, and whether the frontier is on this page."""
    for index, entry in enumerate(entries):
        if entry.id == frontier:
            return entries[:index], True
    return entries, False
