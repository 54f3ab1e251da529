"""The PostgreSQL ledger's schema: one schema ``youcam_units``, many ledgers, ordered migrations.

Every table is keyed by the ledger's name first, so one database holds many accounts' ledgers
side by side. Amounts are ``NUMERIC`` (exact, any size the service sends), ids and times
``BIGINT``, the entry as sent ``TEXT`` (byte for byte what the SQLite ledger keeps; the view
casts it to ``jsonb`` for BI tools).

Migrations are an ordered list of small functions (``MIGRATIONS``): each takes the schema from
version n to n+1 and is safe on a schema that is partly there. They run in one transaction under
an advisory lock (two hosts opening a new database at once wait for each other), so a database
is never left between two versions; a database newer than the code is refused.
"""

# ruff: noqa: S608 - every statement here is fixed text: names and constants of this module
from __future__ import annotations

from typing import TYPE_CHECKING, Final

from youcam_units._models import DAY_MS, Action
from youcam_units.ledger._rollup import DATED_SQL

if TYPE_CHECKING:
    from collections.abc import Callable

    import psycopg

__all__ = [
    "DATED_SQL",
    "DAY_SQL",
    "MIGRATIONS",
    "OUR_RELATIONS",
    "SCHEMA",
    "SCHEMA_LOCK",
    "SCHEMA_VERSION",
]

SCHEMA: Final = "youcam_units"
SCHEMA_LOCK: Final = "youcam_units schema"
"""Hashed to the advisory lock that serialises migrations across hosts."""

DAY_SQL: Final = (
    f"(timestamp_ms - mod(mod(timestamp_ms, {DAY_MS}) + {DAY_MS}, {DAY_MS})) / {DAY_MS}"
)
"""The UTC day of ``timestamp_ms`` (floor division, also before 1970), for dated times only."""


def _core_tables(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """Version 1: the ledgers with their pass state, their entries, and the staged pages."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {SCHEMA}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
    )
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.ledgers (
            ledger        TEXT PRIMARY KEY,  -- the ledger's (account's) name
            source        TEXT,              -- where its history comes from (claim_source)
            state_version BIGINT NOT NULL DEFAULT 0,  -- bumped by every write of the pass state
            frontier_id   BIGINT,  -- newest entry of the last confirmed pass
            frontier_ts   BIGINT,
            pass_head_id  BIGINT,  -- newest entry staged by the pass in progress
            pass_head_ts  BIGINT,
            anchor_id     BIGINT,  -- the entry the pass in progress must meet
            anchor_ts     BIGINT,
            resume_token  TEXT,    -- where the pass in progress continues
            entry_count   BIGINT NOT NULL DEFAULT 0,  -- rows of entries, kept, never counted
            created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
            synced_at     TIMESTAMPTZ  -- the last confirmed pass
        )"""
    )
    for table in ("entries", "staged"):
        conn.execute(
            f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.{table} (
                ledger       TEXT    NOT NULL REFERENCES {SCHEMA}.ledgers ON DELETE CASCADE,
                id           BIGINT  NOT NULL,  -- the history id (snowflakes up to 2**63)
                timestamp_ms BIGINT  NOT NULL,  -- Unix time in milliseconds, UTC
                action       TEXT    NOT NULL,
                spent        NUMERIC NOT NULL,  -- the negative changes, as a positive number
                granted      NUMERIC NOT NULL,  -- the positive changes
                raw          TEXT    NOT NULL,  -- JSON: the entry exactly as the service sent it
                PRIMARY KEY (ledger, id)
            )"""
        )
    conn.execute(
        f"CREATE INDEX IF NOT EXISTS entries_by_time ON {SCHEMA}.entries (ledger, timestamp_ms)"
    )


def _rollups(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """Version 2: totals per ledger, UTC day and action, and per day alone, kept as entries join."""
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.rollup (
            ledger  TEXT    NOT NULL REFERENCES {SCHEMA}.ledgers ON DELETE CASCADE,
            day     INTEGER NOT NULL,  -- UTC day: days since 1970-01-01
            action  TEXT    NOT NULL,
            entries BIGINT  NOT NULL,
            spent   NUMERIC NOT NULL,
            granted NUMERIC NOT NULL,
            PRIMARY KEY (ledger, day, action)
        )"""
    )
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.rollup_day (
            ledger  TEXT    NOT NULL REFERENCES {SCHEMA}.ledgers ON DELETE CASCADE,
            day     INTEGER NOT NULL,
            entries BIGINT  NOT NULL,
            spent   NUMERIC NOT NULL,  -- every action but expire
            expired NUMERIC NOT NULL,
            granted NUMERIC NOT NULL,
            PRIMARY KEY (ledger, day)
        )"""
    )
    # Entries already held (none, unless a version 1 database was written): rolled up once.
    conn.execute(
        f"""INSERT INTO {SCHEMA}.rollup (ledger, day, action, entries, spent, granted)
            SELECT ledger, ({DAY_SQL})::INTEGER, action, COUNT(*), SUM(spent), SUM(granted)
            FROM {SCHEMA}.entries WHERE {DATED_SQL} GROUP BY 1, 2, 3
            ON CONFLICT DO NOTHING"""
    )
    conn.execute(
        f"""INSERT INTO {SCHEMA}.rollup_day (ledger, day, entries, spent, expired, granted)
            SELECT ledger, day, SUM(entries),
                   COALESCE(SUM(spent) FILTER (WHERE action <> '{Action.EXPIRE}'), 0),
                   COALESCE(SUM(spent) FILTER (WHERE action = '{Action.EXPIRE}'), 0),
                   SUM(granted)
            FROM {SCHEMA}.rollup GROUP BY 1, 2
            ON CONFLICT DO NOTHING"""
    )


def _views(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """Version 3: plain views for BI tools: every entry, and daily totals per ledger and action."""
    at = "TIMESTAMPTZ 'epoch' + {0} * INTERVAL '1 millisecond'"
    conn.execute(
        f"""CREATE OR REPLACE VIEW {SCHEMA}.ledger_entries AS
            SELECT ledger, id,
                   CASE WHEN {DATED_SQL} THEN {at.format("timestamp_ms")} END AS occurred_at,
                   timestamp_ms, action,
                   CASE WHEN action <> '{Action.EXPIRE}' THEN spent ELSE 0 END AS spent,
                   CASE WHEN action = '{Action.EXPIRE}' THEN spent ELSE 0 END AS expired,
                   granted, granted - spent AS net, raw::JSONB AS raw
            FROM {SCHEMA}.entries"""
    )
    conn.execute(
        f"""CREATE OR REPLACE VIEW {SCHEMA}.daily_totals AS
            SELECT ledger, DATE '1970-01-01' + day AS day, action, entries,
                   CASE WHEN action <> '{Action.EXPIRE}' THEN spent ELSE 0 END AS spent,
                   CASE WHEN action = '{Action.EXPIRE}' THEN spent ELSE 0 END AS expired,
                   granted, granted - spent AS net
            FROM {SCHEMA}.rollup"""
    )


MIGRATIONS: Final[tuple[Callable[[psycopg.Connection[tuple[object, ...]]], None], ...]] = (
    _core_tables,
    _rollups,
    _views,
)
SCHEMA_VERSION: Final = len(MIGRATIONS)
"""The schema this code writes; a database with a newer one is refused, not guessed at."""

OUR_RELATIONS: Final = frozenset(
    {
        "meta",
        "ledgers",
        "entries",
        "staged",
        "rollup",
        "rollup_day",
        "ledger_entries",
        "daily_totals",
    }
)
"""Tables and views a ``youcam_units`` schema of ours may hold; anything else: not ours."""
