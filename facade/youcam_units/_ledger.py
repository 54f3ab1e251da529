"""The local ledger: a SQLite copy of one account's unit history, and the sync that fills it.

Schema (version 2), in one SQLite file in WAL mode:

- ``meta(key, value)``: ``schema_version``; ``source`` (where the history comes from: the
  service's URL, or the demo's data set); ``frontier_id``/``frontier_ts``, the newest entry of
  the last *confirmed* pass (every entry at or older than it is in ``entries``); the state of the
  pass in progress, if any (below); ``state_version``, bumped by every write of that state.
- ``entries``: one row per history entry, keyed by its id (an SQLite INTEGER is 64-bit, so
  snowflake ids above 2**53 are stored exactly). Amounts (``amount``, ``spent``, ``granted``,
  and each change in ``changes``) are exact decimal text, from ``amount_dec`` when the service
  sent it: never a float. ``raw`` is the entry exactly as sent (JSON; ``dst_actions`` in the form
  sent, fractions as the exact numbers sent); ``dst_actions`` is the list either form holds.
- ``staged``: entries read by the pass in progress that have not joined ``entries`` yet.

**One account per ledger.** The service sends no account id and tokens are short-lived, so the
ledger cannot ask whose history it reads; it checks that the history *continues* its own. A
pass reads from the newest entry down and stages what it reads; its entries join ``entries``
only when the pass meets its *anchor*, an entry the ledger already holds (the frontier), or, on
a first read, reaches the end of the history. A pass that reaches the end, or an entry older than
the anchor, without meeting the anchor reads another history: the sync is refused
(``AccountMismatchError``), what it staged is dropped, and ``entries`` and the frontier are
unchanged. A pass continued from a stored page token in a later run (after a crash, perhaps with
another token) is confirmed the same way: that run's own pass from the head must then meet the
newest entry staged.

- Detects: a token of another account pointed at a ledger that holds any entry (at the cost of
  reading that account's entries newer than the ledger's newest: the check stops at the first
  one older than it); a crashed pass continued by another account.
- Cannot detect: another account's history fed into a ledger with no entry yet (a first read
  of an empty account confirms nothing), or a history that contains the ledger's newest entry
  (the same id in two accounts). An account whose history lost the ledger's newest entry (if the
  service ever dropped old entries) would be refused as another account.
- Costs: nothing extra in the common case. k new entries still cost ceil(k/30)+1 requests (the
  pass ends on the page holding the frontier), nothing new costs one. It relies on the history
  coming newest first by timestamp, as the endpoint serves it.

**Safe beside another sync.** Every write of the pass state is a read-check-write in one
``BEGIN IMMEDIATE`` transaction: it commits only if ``state_version`` is still the one this run
read or wrote last. Otherwise another run has moved the pass on (or taken over one this run was
continuing); this run stops at once (``SyncResult.superseded``) and leaves the work to it, so
two syncs never both re-read the history, and no interleaving can lose or duplicate an entry. A
newer run takes over a pass it finds in progress (its owner may have crashed): if that owner is
alive, whichever of the two commits second stops.

**Crash safety.** Each page is staged in one transaction together with the checkpoint that
follows it (``resume_token``), so a run stopped at any point (Ctrl-C, ``kill -9``, a network
failure) leaves a ledger from which the next run continues, losing nothing and storing nothing
twice. If the service rejects a stored token (a 400: tokens may expire), the staged entries are
dropped and the pass restarts from the head.

**Migrations** are an ordered list of small functions (``_MIGRATIONS``), each taking the file
from version n to n+1, applied in one transaction on first open by newer code: a file is never
left between two versions. A ledger newer than the code is refused. ``Ledger(path,
read_only=True)`` (what ``summary`` uses) never writes, never switches a file to WAL, and works
in a read-only directory; any SQLite file that is not a ledger is refused, untouched.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, Self

from youcam_units import _json as exact_json
from youcam_units._errors import InvalidParametersError
from youcam_units._models import HistoryEntry, describe_timestamp

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

__all__ = [
    "PAGE_SIZE",
    "SCHEMA_VERSION",
    "AccountMismatchError",
    "Ledger",
    "LedgerError",
    "SyncResult",
    "sync",
]

logger = logging.getLogger("youcam_units.ledger")

PAGE_SIZE: Final = 30
"""Sync reads the largest pages the service allows: k new entries cost at most ceil(k/30)+1."""

_LEDGER_TABLES: Final = frozenset({"meta", "entries", "staged"})


class LedgerError(Exception):
    """The ledger file cannot be used: not a ledger, or written by a newer version."""


class AccountMismatchError(LedgerError):
    """The history read is not the one the ledger holds: another account's token, most likely."""


# -- schema and migrations ----------------------------------------------------------------------

_V1_SCHEMA: Final = (
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
"""Version 1, exactly as youcam-units 0.1.0 wrote it (the first migration recreates it)."""

_V2_COLUMNS: Final = """(
        id           INTEGER PRIMARY KEY,  -- the history id: 64-bit, exact for snowflakes
        timestamp_ms INTEGER NOT NULL,     -- Unix time in milliseconds, UTC (any int64)
        action       TEXT    NOT NULL,
        target_id    TEXT,
        amount       TEXT    NOT NULL,     -- exact decimal: net change, the sum of the changes
        spent        TEXT    NOT NULL,     -- exact decimal: the negative changes, as positive
        granted      TEXT    NOT NULL,     -- exact decimal: the positive changes
        changes      TEXT    NOT NULL,     -- JSON [{"unit_id": ..., "amount": exact}, ...]
        dst_actions  TEXT    NOT NULL,     -- JSON list of strings, whichever form was sent
        extra        TEXT    NOT NULL,     -- JSON object: top-level fields beyond the spec
        raw          TEXT    NOT NULL      -- JSON: the entry exactly as the service sent it
    )"""
_COLUMNS: Final = (
    "id, timestamp_ms, action, target_id, amount, spent, granted, changes, dst_actions, extra, raw"
)


def _migrate_to_v1(conn: sqlite3.Connection) -> None:
    """A new file: the version 1 schema."""
    for statement in _V1_SCHEMA:
        conn.execute(statement)


def _migrate_to_v2(conn: sqlite3.Connection) -> None:
    """Exact amounts as decimal text, dst_actions as sent, a staging table, the pass anchor.

    Every row is rebuilt from its ``raw`` JSON: version 1 read ``amount_dec`` as a float and
    summed the integer ``amount``; it wrote a string-form ``dst_actions`` as a list of its
    characters, which joined give back exactly the string that was sent.
    """
    conn.execute(f"CREATE TABLE entries_v2 {_V2_COLUMNS}")
    rows = conn.execute("SELECT raw FROM entries")
    conn.executemany(
        f"INSERT INTO entries_v2 ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed names
        (_row(HistoryEntry.from_dict(_repaired(exact_json.loads(raw)))) for (raw,) in rows),
    )
    conn.execute("DROP TABLE entries")
    conn.execute("ALTER TABLE entries_v2 RENAME TO entries")
    conn.execute("CREATE INDEX entries_by_time ON entries (timestamp_ms)")
    conn.execute(f"CREATE TABLE staged {_V2_COLUMNS}")
    meta = _Meta(conn)
    # A version 1 pass in progress already stored its pages; its anchor is the frontier.
    for id_key, ts_key in (("frontier_id", "frontier_ts"), ("pass_head_id", "pass_head_ts")):
        meta.set(ts_key, _timestamp_of(conn, meta.get(id_key)))
    meta.set("anchor_id", meta.get("frontier_id"))
    meta.set("anchor_ts", meta.get("frontier_ts"))
    meta.set("state_version", 0)


def _repaired(raw: Any) -> Any:  # noqa: ANN401 - parsed JSON
    """Undo version 1's split of a string-form ``dst_actions`` into its characters."""
    info = raw.get("info") if isinstance(raw, dict) else None
    if not isinstance(info, dict):
        return raw
    sent = info.get("dst_actions")
    if isinstance(sent, list) and sent and all(isinstance(c, str) and len(c) == 1 for c in sent):
        joined = "".join(sent)
        try:
            value = exact_json.loads(joined)
        except ValueError:
            value = None
        if isinstance(value, list):
            info["dst_actions"] = joined
    return raw


def _timestamp_of(conn: sqlite3.Connection, entry_id: object) -> int | None:
    if not isinstance(entry_id, int):
        return None
    row = conn.execute("SELECT timestamp_ms FROM entries WHERE id = ?", (entry_id,)).fetchone()
    return None if row is None else int(row[0])


_MIGRATIONS: Final[tuple[Callable[[sqlite3.Connection], None], ...]] = (
    _migrate_to_v1,
    _migrate_to_v2,
)
SCHEMA_VERSION: Final = len(_MIGRATIONS)
"""The ledger schema this code writes; a ledger with a newer version is refused, not guessed at."""


def _row(e: HistoryEntry) -> tuple[object, ...]:
    """The ``entries`` row of one entry: amounts as exact decimal text."""
    spent = -sum((c.amount for c in e.changes if c.amount < 0), Decimal(0))
    granted = sum((c.amount for c in e.changes if c.amount > 0), Decimal(0))
    return (
        e.id,
        e.timestamp_ms,
        str(e.action),
        e.target_id,
        str(e.amount),
        str(spent),
        str(granted),
        exact_json.dumps([{"unit_id": c.unit_id, "amount": c.amount} for c in e.changes]),
        exact_json.dumps(list(e.dst_actions)),
        exact_json.dumps(e.extra, sort_keys=True),
        exact_json.dumps(e.to_dict(), sort_keys=True, separators=(",", ":")),
    )


class _Meta:
    """The ``meta`` table's key/value pairs."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> Any:  # noqa: ANN401 - meta values are int or str by key
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set(self, key: str, value: int | str | None) -> None:
        if value is None:
            self._conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


@dataclass(slots=True)
class SyncResult:
    """What one sync run did."""

    new_entries: int = 0
    """Entries this run added to the ledger (they join when the pass is confirmed)."""
    pages: int = 0
    """Pages this run read (one successful request each)."""
    total_entries: int = 0
    """Entries in the ledger after the run."""
    restarted: bool = False
    """True when a stored resume token was refused and the pass restarted from the head."""
    resumed: bool = False
    """True when this run first continued a pass an earlier run had left unfinished."""
    superseded: bool = False
    """True when another sync of this ledger moved on meanwhile and this one left the work to it."""


@dataclass(frozen=True, slots=True)
class _PassState:
    """The pass state in ``meta``, read in one go: what a run plans from and checks against."""

    version: int
    frontier_id: int | None
    frontier_ts: int | None
    pass_head_id: int | None
    pass_head_ts: int | None
    anchor_id: int | None
    anchor_ts: int | None
    resume_token: str | None


class _Superseded(Exception):  # noqa: N818 - a signal between sync's steps, never raised out
    """Another run wrote the pass state since this one read it."""


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
            self._conn = self._open_read_only()
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(f"cannot create the ledger {self.path}: {exc.strerror}") from exc
        if self.path.exists() and self.path.stat().st_size > 0:
            self._check_is_ledger()  # before anything can write to a file that is not ours
        # isolation_level=None: every write transaction is opened here (BEGIN IMMEDIATE), so a
        # page and its checkpoint commit together or not at all.
        self._conn = self._connect(str(self.path), uri=False)
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed page survives a power cut too, not only a killed process.
            self._conn.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise LedgerError(f"cannot open the ledger {self.path}: {exc}") from exc
        except LedgerError:
            self._conn.close()
            raise

    # -- opening ----------------------------------------------------------------------------

    def _connect(self, target: str, *, uri: bool) -> sqlite3.Connection:
        try:
            return sqlite3.connect(target, isolation_level=None, timeout=30.0, uri=uri)
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open the ledger {self.path}: {exc}") from exc

    def _read_only_connection(self, *, immutable: bool = False) -> sqlite3.Connection:
        """A connection that cannot write; in a read-only directory, an immutable one.

        SQLite reads a WAL file read-only only if it can create the ``-shm`` file beside it. In a
        directory nobody can write to, no sync can be writing either, so reading the file as
        immutable (no locks, no ``-shm``) is safe there.
        """
        uri = self.path.resolve().as_uri()
        if not self.path.exists():
            raise LedgerError(f"no ledger at {self.path}")
        conn = self._connect(f"{uri}?mode=ro{'&immutable=1' if immutable else ''}", uri=True)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            if "not a database" in str(exc):
                raise LedgerError(f"{self.path} is not a youcam-units ledger ({exc})") from exc
            conn = self._connect(f"{uri}?mode=ro&immutable=1", uri=True)
        return conn

    def _check_is_ledger(self) -> None:
        """Refuse, without writing a byte, a file that is not a ledger (or a newer one).

        Immutable: a WAL file opened read-only otherwise keeps a ``-wal`` and ``-shm`` beside
        it. What only a WAL holds is missed here, but the check is repeated, with locks, in the
        transaction that would write; rolling back writes nothing either.
        """
        conn = self._read_only_connection(immutable=True)
        try:
            self._version_of(conn)
        finally:
            conn.close()

    def _version_of(self, conn: sqlite3.Connection) -> int:
        """The file's schema version (0: an empty database); refuses what is not a ledger."""
        try:
            tables = {
                name
                for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            version = _Meta(conn).get("schema_version") if "meta" in tables else None
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"{self.path} is not a youcam-units ledger ({exc})") from exc
        if not tables:
            return 0
        if not tables <= _LEDGER_TABLES or not isinstance(version, int):
            raise LedgerError(
                f"{self.path} is a SQLite database but not a youcam-units ledger (tables: "
                f"{', '.join(sorted(tables))}); it was left as it was: pass another --db"
            )
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path} has ledger schema version {version!r}; this youcam-units "
                f"reads up to version {SCHEMA_VERSION}: upgrade youcam-units"
            )
        return version

    def _migrate(self) -> None:
        """Apply the migrations this file lacks, all in one transaction."""
        with self.transaction():
            version = self._version_of(self._conn)
            for number, migration in enumerate(_MIGRATIONS[version:], start=version + 1):
                logger.info("upgrading ledger %s to schema version %d", self.path, number)
                try:
                    migration(self._conn)
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    # The transaction rolls back: the file stays at its version, untouched.
                    raise LedgerError(
                        f"cannot upgrade the ledger {self.path} to schema version {number}: "
                        f"{type(exc).__name__}: {exc}; it was left as it was"
                    ) from exc
            _Meta(self._conn).set("schema_version", SCHEMA_VERSION)

    def _open_read_only(self) -> sqlite3.Connection:
        self._check_is_ledger()  # a foreign WAL file would keep a -wal and -shm from a plain open
        conn = self._read_only_connection()
        try:
            version = self._version_of(conn)
        except LedgerError:
            conn.close()
            raise
        if version == SCHEMA_VERSION:
            return conn
        conn.close()
        if version == 0:
            raise LedgerError(f"{self.path} is an empty database, not a ledger: run sync first")
        try:
            Ledger(self.path).close()  # the one write a read-only open may need: the upgrade
        except (LedgerError, sqlite3.Error, OSError) as exc:
            raise LedgerError(
                f"{self.path} needs upgrading to ledger schema version {SCHEMA_VERSION} and "
                f"cannot be written here ({exc}): run `youcam-units sync` once where it can"
            ) from exc
        return self._read_only_connection()

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
        if self.read_only:
            raise LedgerError(f"{self.path} is open read-only")
        return _Transaction(self._conn)

    def _get(self, key: str) -> Any:  # noqa: ANN401 - meta values are int or str by key
        return _Meta(self._conn).get(key)

    def _set(self, key: str, value: int | str | None) -> None:
        _Meta(self._conn).set(key, value)

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

    def _state(self) -> _PassState:
        return _PassState(
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
            f"INSERT OR IGNORE INTO staged ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed names
            [_row(e) for e in entries],
        )

    def _promote(self) -> int:
        """Move every staged entry into the ledger; how many were new to it."""
        before = self._conn.total_changes
        self._conn.execute(
            f"INSERT OR IGNORE INTO entries ({_COLUMNS}) SELECT {_COLUMNS} FROM staged"  # noqa: S608 - fixed names
        )
        added = self._conn.total_changes - before
        self._conn.execute("DELETE FROM staged")
        return added

    def _checkpoint(self, expected_version: int, **state: int | str | None) -> int:
        """In a transaction: check nobody moved the pass on, write ``state``; the new version."""
        version = self._int("state_version") or 0
        if version != expected_version:
            raise _Superseded
        for key, value in state.items():
            self._set(key, value)
        self._set("state_version", version + 1)
        return version + 1

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
            _bounds(since_ms, until_ms),
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
    ``sync`` again to continue. ``AccountMismatchError`` means the client reads another
    account's history: nothing of it was kept. When another sync of the same ledger moves the
    pass on meanwhile, this one returns at once with ``superseded`` set.
    """
    run = _Run(ledger, client, on_page)
    try:
        run.run()
    except _Superseded:
        logger.info("another sync of %s moved on meanwhile; leaving the work to it", ledger.path)
        run.result.superseded = True
    run.result.total_entries = len(ledger)
    return run.result


class _Run:
    """One sync run: the state it last read or wrote, and what it did."""

    def __init__(
        self,
        ledger: Ledger,
        client: HistorySource,
        on_page: Callable[[SyncResult], None] | None,
    ) -> None:
        self.ledger = ledger
        self.client = client
        self.on_page = on_page
        self.result = SyncResult()
        self.state = ledger._state()  # noqa: SLF001 - the ledger's own module
        self.run_id = secrets.token_hex(4)

    def run(self) -> None:
        if self.state.resume_token is not None:
            self.result.resumed = True
            try:
                self._resume(self.state.resume_token)
            except InvalidParametersError:
                if self.result.pages:
                    raise  # refused a token it gave in this very run: a service fault
                # The service refused the token we stored (tokens may expire): drop the staged
                # entries (the next pass reads them again) and start from the head.
                logger.warning("the stored resume token was refused; restarting from the head")
                self._write(
                    drop_staged=True,
                    pass_head_id=None,
                    pass_head_ts=None,
                    anchor_id=self.state.frontier_id,
                    anchor_ts=self.state.frontier_ts,
                    resume_token=None,
                )
                self.result.restarted = True
        self._from_head()

    # -- the two kinds of pass ----------------------------------------------------------------

    def _resume(self, token: str) -> None:
        """Continue the pass in progress down to its anchor; its top then awaits confirmation."""
        state = self.state
        for page in self._pages(token):
            fresh, reached = _above(page.entries, state.anchor_id)
            self._check_continues(page.entries, state.anchor_id, state.anchor_ts, page.next_token)
            if reached or not page.next_token:
                # Read down to the anchor (or, on a first read, the end): complete, but read in
                # part by an earlier run, maybe with another token. This run's pass from the head
                # must now meet the top of what is staged.
                self._write(
                    stage=fresh,
                    anchor_id=state.pass_head_id,
                    anchor_ts=state.pass_head_ts,
                    resume_token=None,
                )
                self._progress()
                return
            self._write(stage=fresh, resume_token=page.next_token)
            self._progress()

    def _from_head(self) -> None:
        """A pass from the newest entry down to the anchor; confirms and adds what is staged."""
        state = self.state
        anchor_id, anchor_ts = (
            (state.pass_head_id, state.pass_head_ts)
            if state.pass_head_id is not None
            else (state.frontier_id, state.frontier_ts)
        )
        head: HistoryEntry | None = None
        for page in self._pages(None):
            if head is None and page.entries:
                head = page.entries[0]
                if head.id == anchor_id:
                    logger.info("nothing new: the newest entry %s is held", head.id)
                    if state.pass_head_id is not None:
                        self._confirm(head, fresh=())
                    return
                logger.info("new pass from %s down to %s", head.id, anchor_id)
            self._check_continues(page.entries, anchor_id, anchor_ts, page.next_token)
            if head is None:
                return  # an empty history, and an empty ledger: nothing to do
            fresh, reached = _above(page.entries, anchor_id)
            if reached or not page.next_token:
                self._confirm(head, fresh=fresh)
                return
            self._write(
                stage=fresh,
                pass_head_id=head.id,
                pass_head_ts=head.timestamp_ms,
                anchor_id=anchor_id,
                anchor_ts=anchor_ts,
                resume_token=page.next_token,
            )
            self._progress()

    # -- steps ----------------------------------------------------------------------------------

    def _pages(self, start: str | None) -> Iterator[_Page]:
        for page in self.client.history(page_size=PAGE_SIZE, starting_token=start).pages():
            self.result.pages += 1
            yield page

    def _check_continues(
        self,
        entries: Sequence[HistoryEntry],
        anchor_id: int | None,
        anchor_ts: int | None,
        next_token: str | None,
    ) -> None:
        """Refuse a page that shows the history read is not the ledger's (see the docstring)."""
        if anchor_id is None:
            return
        if any(e.id == anchor_id for e in entries):
            return
        past = anchor_ts is not None and any(e.timestamp_ms < anchor_ts for e in entries)
        if not past and next_token:
            return
        self._write(
            drop_staged=True,
            pass_head_id=None,
            pass_head_ts=None,
            anchor_id=self.state.frontier_id,
            anchor_ts=self.state.frontier_ts,
            resume_token=None,
        )
        when = "" if anchor_ts is None else f" of {describe_timestamp(anchor_ts)}"
        where = "an older entry" if past else "the end of the history"
        raise AccountMismatchError(
            f"{self.ledger.path} holds another account's history: the history read reached "
            f"{where} without meeting entry {anchor_id}{when}, which the ledger holds. Nothing "
            "was added; use another --db for this account"
        )

    def _confirm(self, head: HistoryEntry, *, fresh: Sequence[HistoryEntry]) -> None:
        """The pass met its anchor: everything staged joins the ledger; ``head`` is the frontier."""
        self.result.new_entries += self._write(
            stage=fresh,
            promote=True,
            frontier_id=head.id,
            frontier_ts=head.timestamp_ms,
            pass_head_id=None,
            pass_head_ts=None,
            anchor_id=None,
            anchor_ts=None,
            resume_token=None,
        )
        self._progress()

    def _write(
        self,
        *,
        stage: Sequence[HistoryEntry] = (),
        drop_staged: bool = False,
        promote: bool = False,
        **state: int | str | None,
    ) -> int:
        """One transaction: stage, promote or drop entries and write the pass state, atomically.

        Raises ``_Superseded`` (writing nothing) when another run wrote the state since this one
        last did. Returns how many entries joined the ledger.
        """
        ledger = self.ledger
        added = 0
        with ledger.transaction():
            version = ledger._checkpoint(self.state.version, **state)  # noqa: SLF001
            if drop_staged:
                ledger._conn.execute("DELETE FROM staged")  # noqa: SLF001
            ledger._stage(stage)  # noqa: SLF001
            if promote:
                added = ledger._promote()  # noqa: SLF001
        self.state = _PassState(
            version=version,
            frontier_id=_pick(state, "frontier_id", self.state.frontier_id),
            frontier_ts=_pick(state, "frontier_ts", self.state.frontier_ts),
            pass_head_id=_pick(state, "pass_head_id", self.state.pass_head_id),
            pass_head_ts=_pick(state, "pass_head_ts", self.state.pass_head_ts),
            anchor_id=_pick(state, "anchor_id", self.state.anchor_id),
            anchor_ts=_pick(state, "anchor_ts", self.state.anchor_ts),
            resume_token=_pick_str(state, "resume_token", self.state.resume_token),
        )
        return added

    def _progress(self) -> None:
        if self.on_page is not None:
            self.on_page(self.result)


def _pick(state: dict[str, int | str | None], key: str, default: int | None) -> int | None:
    if key not in state:
        return default
    value = state[key]
    return value if isinstance(value, int) else None


def _pick_str(state: dict[str, int | str | None], key: str, default: str | None) -> str | None:
    if key not in state:
        return default
    value = state[key]
    return value if isinstance(value, str) else None


def _above(
    entries: Sequence[HistoryEntry], anchor: int | None
) -> tuple[Sequence[HistoryEntry], bool]:
    """The entries newer than the anchor entry, and whether the anchor is on this page."""
    for index, entry in enumerate(entries):
        if entry.id == anchor:
            return entries[:index], True
    return entries, False
