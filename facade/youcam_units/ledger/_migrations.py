"""The SQLite ledger's migrations, from 0.1.0's layout (version 1) to ``SCHEMA_VERSION``.

Kept apart from the layout itself (``_schema``): each migration runs once per file, while the
layout is what every open reads and writes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from youcam_units._models import HistoryEntry
from youcam_units.ledger import _rollup
from youcam_units.ledger._schema import V3_COLUMNS, Meta

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterable, Iterator

    from youcam_units.ledger._schema import Report

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

_REPORT_EVERY: Final = 50_000
"""Entries a migration copies between two reports: one statement each, a fraction of a second."""

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
_V2_COLUMN_NAMES: Final = (
    "id, timestamp_ms, action, target_id, amount, spent, granted, changes, dst_actions, extra, raw"
)


def _migrate_to_v1(conn: sqlite3.Connection, report: Report) -> None:
    """A new file: the version 1 schema."""
    del report  # instant
    for statement in _V1_SCHEMA:
        conn.execute(statement)


def _migrate_to_v2(conn: sqlite3.Connection, report: Report) -> None:
    """Exact amounts as decimal text, dst_actions as sent, a staging table, the pass anchor.

    Every row is rebuilt from its ``raw`` JSON: version 1 read ``amount_dec`` as a float and
    summed the integer ``amount``; it wrote a string-form ``dst_actions`` as a list of its
    characters, which joined give back exactly the string that was sent.
    """
    from youcam_units import _json as exact_json  # noqa: PLC0415 - only an upgrade parses JSON

    conn.execute(f"CREATE TABLE entries_v2 {_V2_COLUMNS}")
    rows = conn.execute("SELECT raw FROM entries")
    conn.executemany(
        f"INSERT INTO entries_v2 ({_V2_COLUMN_NAMES}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed names
        (
            _v2_row(HistoryEntry.from_dict(_repaired(exact_json.loads(raw))))
            for (raw,) in _counted(rows, "rewriting entries with exact amounts", report)
        ),
    )
    report("indexing entries by time", None)
    conn.execute("DROP TABLE entries")
    conn.execute("ALTER TABLE entries_v2 RENAME TO entries")
    conn.execute("CREATE INDEX entries_by_time ON entries (timestamp_ms)")
    conn.execute(f"CREATE TABLE staged {_V2_COLUMNS}")
    meta = Meta(conn)
    # A version 1 pass in progress already stored its pages; its anchor is the frontier.
    for id_key, ts_key in (("frontier_id", "frontier_ts"), ("pass_head_id", "pass_head_ts")):
        meta.set(ts_key, _timestamp_of(conn, meta.get(id_key)))
    meta.set("anchor_id", meta.get("frontier_id"))
    meta.set("anchor_ts", meta.get("frontier_ts"))
    meta.set("state_version", 0)


def _counted(rows: Iterable[tuple[str]], step: str, report: Report) -> Iterator[tuple[str]]:
    """``rows``, reporting ``step`` with the count gone through every ``_REPORT_EVERY``."""
    report(step, 0)
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % _REPORT_EVERY == 0:
            report(step, done)
    report(step, done)


def _repaired(raw: Any) -> Any:  # noqa: ANN401 - parsed JSON
    """Undo version 1's split of a string-form ``dst_actions`` into its characters."""
    info = raw.get("info") if isinstance(raw, dict) else None
    if not isinstance(info, dict):
        return raw
    sent = info.get("dst_actions")
    if isinstance(sent, list) and sent and all(isinstance(c, str) and len(c) == 1 for c in sent):
        from youcam_units import _json as exact_json  # noqa: PLC0415 - only an upgrade parses JSON

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


_V3_ROW: Final = """
        timestamp_ms INTEGER NOT NULL,     -- Unix time in milliseconds, UTC (any int64)
        action       TEXT    NOT NULL,
        spent        TEXT    NOT NULL,     -- exact decimal: the negative changes, as positive
        granted      TEXT    NOT NULL,     -- exact decimal: the positive changes
        raw          TEXT    NOT NULL      -- JSON: the entry exactly as the service sent it
    )"""
_V3_ROLLUP: Final = """(
        day            INTEGER NOT NULL,  -- UTC day: days since 1970-01-01 (floor of ms / 1 day)
        action         TEXT    NOT NULL,
        entries        INTEGER NOT NULL,
        spent          TEXT    NOT NULL,  -- exact decimal sums, added in Python, never as floats
        granted        TEXT    NOT NULL,
        spent_nano     INTEGER,  -- spent * 10**9 when that is a whole number below 2**62, else
        granted_nano   INTEGER,  --   NULL: what SQLite can add exactly, for summaries
        spent_places   INTEGER,  -- digits after the point (with *_nano), to write the sum alike
        granted_places INTEGER,
        PRIMARY KEY (day, action)
    ) WITHOUT ROWID"""
_V3_ROLLUP_DAY: Final = """(
        day      INTEGER PRIMARY KEY,  -- UTC day, as in rollup
        entries  INTEGER NOT NULL,
        spent    TEXT    NOT NULL,  -- exact decimal sums of the day's rollup rows: spent (every
        expired  TEXT    NOT NULL,  --   action but expire), expired, granted; added in Python
        granted  TEXT    NOT NULL
    )"""


def _migrate_to_v3(conn: sqlite3.Connection, report: Report) -> None:
    """A compact layout, totals per day and action, and the entry count.

    ``entries`` keeps only what summaries need beside ``raw`` (the other columns only repeated
    it), its rows copied in id order so that pages fill; ``staged`` is keyed by ``~id`` (a pass
    reads newest first: its pages append); ``rollup`` totals ``entries`` per UTC day and action,
    ``rollup_day`` per UTC day; ``meta.entry_count`` counts them.
    """
    conn.execute(f"CREATE TABLE entries_v3 (id INTEGER PRIMARY KEY, {_V3_ROW}")
    _copy_in_id_order(conn, report)
    conn.execute("DROP TABLE entries")
    conn.execute("ALTER TABLE entries_v3 RENAME TO entries")
    report("indexing entries by time", None)
    conn.execute("CREATE INDEX entries_by_time ON entries (timestamp_ms)")
    conn.execute(
        "CREATE TABLE staged_v3 (key INTEGER PRIMARY KEY,  -- ~id: newest first appends\n"
        f"        {_V3_ROW.strip()}"
    )
    conn.execute(
        f"INSERT INTO staged_v3 (key, {V3_COLUMNS}) SELECT ~id, {V3_COLUMNS} FROM staged "  # noqa: S608 - fixed names
        "ORDER BY id DESC"
    )
    conn.execute("DROP TABLE staged")
    conn.execute("ALTER TABLE staged_v3 RENAME TO staged")
    report("adding up totals per day and action", None)
    conn.execute(f"CREATE TABLE rollup {_V3_ROLLUP}")
    conn.execute(f"CREATE TABLE rollup_day {_V3_ROLLUP_DAY}")
    delta = _rollup.grouped(conn, "FROM entries")
    _rollup.add_to(conn, delta)
    ((count,),) = conn.execute("SELECT COUNT(*) FROM entries")
    Meta(conn).set("entry_count", count)


def _copy_in_id_order(conn: sqlite3.Connection, report: Report) -> None:
    """``entries`` into ``entries_v3`` in id order, ``_REPORT_EVERY`` rows a statement."""
    step = "copying entries to the compact layout"
    copy = (
        f"INSERT INTO entries_v3 (id, {V3_COLUMNS}) SELECT id, {V3_COLUMNS} FROM entries "  # noqa: S608 - fixed names
        "WHERE id >= ? ORDER BY id LIMIT ?"
    )
    done, low = 0, -(2**63)
    report(step, done)
    while True:
        copied = conn.execute(copy, (low, _REPORT_EVERY)).rowcount
        done += copied
        report(step, done)
        ((last,),) = conn.execute("SELECT MAX(id) FROM entries_v3")
        if copied < _REPORT_EVERY or last == 2**63 - 1:
            return
        low = last + 1


MIGRATIONS: Final[tuple[Callable[[sqlite3.Connection, Report], None], ...]] = (
    _migrate_to_v1,
    _migrate_to_v2,
    _migrate_to_v3,
)
SCHEMA_VERSION: Final = len(MIGRATIONS)
"""The ledger schema this code writes; a ledger with a newer version is refused, not guessed at."""


def _v2_row(e: HistoryEntry) -> tuple[object, ...]:
    """The version 2 ``entries`` row of one entry: amounts as exact decimal text."""
    from youcam_units import _json as exact_json  # noqa: PLC0415 - only an upgrade writes v2 rows

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
        exact_json.dumps(e.to_dict(), separators=(",", ":")),  # keys in the order v1 kept
    )
