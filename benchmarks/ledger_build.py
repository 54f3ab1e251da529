"""Large ledgers, fast: schema version 2 ledger files written directly in SQL (``--ledger-size``).

A sync writes about 30k entries a second, so ten million would take minutes through the
ledger; one ``INSERT ... SELECT`` over a recursive CTE writes them in SQLite's own loop. The
file is what ``youcam_units.ledger`` version 2 writes for such entries (see its package
docstring and ``_schema.py``): ``raw`` is the entry as the service sends it, keys sorted, no
spaces (``json_object``); the other columns are derived from it exactly as v2 derives them
(amounts as exact decimal text, ``amount_dec`` when sent; ``changes`` and ``dst_actions`` as
JSON with ``", "`` and ``": "``). The entries are seeded and spread evenly over four years,
oldest first, ids ascending: spending of a dozen kinds, skin analysis with ``dst_actions``,
fractional amounts (``amount_dec``), ``expire`` (fractional, no ``target_id``), grants, and
two-bucket renewals.

Opening the file with ``Ledger(path)`` upgrades it to whatever schema the code writes now; the
benchmark times that as the migration. Built files are cached under ``.cache/bench/``, keyed
by size, seed and a hash of this module, so a rerun reuses them.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from benchmarks._common import ROOT

CACHE: Final = ROOT / ".cache" / "bench"
START_MS: Final = 1_640_995_200_000
"""2022-01-01 00:00 UTC: the oldest entry."""
SPAN_MS: Final = 4 * 365 * 86_400_000
"""Four years, over which the entries are spread evenly (with jitter)."""
FIRST_ID: Final = 1_950_000_000_000_000_000
"""Snowflake-sized ids, beyond 2**53: stored exactly or not at all."""
ID_STEP: Final = 1_000_003
UNIT_BASE: Final = 1_979_660_892_381_528_305
UNIT_STEP: Final = 10_000_000_000_007
SPEND_ACTIONS: Final = (
    "photo_enhance",
    "api_photo_enhance",
    "object_removal",
    "api_object_removal",
    "background_removal",
    "api_background_removal",
    "colorize",
    "api_colorize",
    "hair_style",
    "blur_background",
    "change_background",
    "wig",
)
FRACTION_ACTIONS: Final = ("api_text_to_image", "text_to_image", "api_hair_style")
GRANT_ACTIONS: Final = (
    "sign_up_gift",
    "subscription_credits",
    "subscriber_gift",
    "permanent_credits",
    "compensation_from_customer_service",
)
DST_ACTIONS: Final = ('["wrinkle", "pore"]', '["spot"]', '["wrinkle", "spot", "texture"]')
"""``dst_actions`` column text (v2's ``json.dumps`` separators); ``raw`` holds them compact."""

# Version 2's schema, as ``_schema.py`` creates it (v1's meta, then the v2 tables and index).
_SCHEMA_V2: Final = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID",
    *(
        f"""CREATE TABLE {table} (
            id INTEGER PRIMARY KEY, timestamp_ms INTEGER NOT NULL, action TEXT NOT NULL,
            target_id TEXT, amount TEXT NOT NULL, spent TEXT NOT NULL, granted TEXT NOT NULL,
            changes TEXT NOT NULL, dst_actions TEXT NOT NULL, extra TEXT NOT NULL,
            raw TEXT NOT NULL
        )"""
        for table in ("entries", "staged")
    ),
)


def _case(selector: str, values: tuple[str, ...]) -> str:
    arms = " ".join(f"WHEN {n} THEN '{value}'" for n, value in enumerate(values))
    return f"CASE {selector} % {len(values)} {arms} END"


# kind: 0 spend (int), 1 skin analysis (int, dst_actions), 2 spend (fraction), 3 expire
# (fraction, no target), 4 grant (int), 5 renew (two buckets). Shares per 100: 55 8 12 11 8 6.
_ROWS_SQL: Final = f"""
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < :n - 1),
hashed AS (
    SELECT i,
        ((i + :seed) * 2654435761) % 4294967296 AS h,
        ((i + :seed) * 2246822519 + 3266489917) % 4294967296 AS g
    FROM seq
),
kinds AS (
    SELECT i, h, g,
        :first_id + i * {ID_STEP} + h % {ID_STEP} AS id,
        :start + (i * :span) / :n + h % max(1, :span / :n) AS ts,
        CASE WHEN h % 100 < 55 THEN 0 WHEN h % 100 < 63 THEN 1 WHEN h % 100 < 75 THEN 2
             WHEN h % 100 < 86 THEN 3 WHEN h % 100 < 94 THEN 4 ELSE 5 END AS kind,
        {UNIT_BASE} + (g / 7 % 5) * {UNIT_STEP} AS unit,
        {UNIT_BASE} + ((g / 7 + 1) % 5) * {UNIT_STEP} AS unit2
    FROM hashed
),
amounts AS (
    SELECT id, ts, kind, unit, unit2,
        CASE kind WHEN 0 THEN {_case("g", SPEND_ACTIONS)} WHEN 1 THEN 'skin_analysis'
             WHEN 2 THEN {_case("g", FRACTION_ACTIONS)} WHEN 3 THEN 'expire'
             WHEN 4 THEN {_case("g", GRANT_ACTIONS)} ELSE 'renew' END AS action,
        CASE WHEN kind = 3 THEN NULL ELSE printf('%08x%08x%08x', h, g, i) END AS target,
        CASE kind WHEN 0 THEN -(1 + g / 12 % 10) WHEN 1 THEN -(1 + g / 3 % 5)
             WHEN 4 THEN 5 * (1 + g / 5 % 100) WHEN 5 THEN 50 + g % 200 END AS a,
        CASE kind WHEN 5 THEN 10 + g / 200 % 300 END AS b,
        CASE kind WHEN 2 THEN 1 + g / 3 % 999 WHEN 3 THEN 1 + g % 2999 END AS cents,
        CASE kind WHEN 1 THEN {_case("g / 15", DST_ACTIONS)} ELSE '[]' END AS dst
    FROM kinds
),
shaped AS (
    SELECT *,
        printf('%d.%02d', cents / 100, cents % 100) AS frac,
        CASE WHEN cents IS NOT NULL THEN
            json_array(json_object('amount', -((cents + 50) / 100),
                'amount_dec', json('-' || printf('%d.%02d', cents / 100, cents % 100)),
                'id', unit))
        WHEN b IS NOT NULL THEN
            json_array(json_object('amount', a, 'id', unit), json_object('amount', b, 'id', unit2))
        ELSE json_array(json_object('amount', a, 'id', unit)) END AS credits
    FROM amounts
)
SELECT id, ts, action, target,
    CASE WHEN cents IS NOT NULL THEN '-' || frac WHEN b IS NOT NULL THEN a + b ELSE a END,
    CASE WHEN cents IS NOT NULL THEN frac WHEN a < 0 THEN -a ELSE '0' END,
    CASE WHEN cents IS NOT NULL OR a < 0 THEN '0' WHEN b IS NOT NULL THEN a + b ELSE a END,
    CASE WHEN cents IS NOT NULL THEN printf('[{{"unit_id": %d, "amount": -%s}}]', unit, frac)
         WHEN b IS NOT NULL THEN printf(
            '[{{"unit_id": %d, "amount": %d}}, {{"unit_id": %d, "amount": %d}}]', unit, a, unit2, b)
         ELSE printf('[{{"unit_id": %d, "amount": %d}}]', unit, a) END,
    dst,
    '{{}}',
    CASE WHEN target IS NULL THEN
        json_object('action', action, 'id', id, 'info', json_object('credits', credits),
            'timestamp', ts)
    ELSE json_object('action', action, 'id', id,
        'info', CASE WHEN kind = 1 THEN json_object('credits', credits, 'dst_actions', json(dst))
                ELSE json_object('credits', credits) END,
        'target_id', target, 'timestamp', ts) END
FROM shaped
"""  # noqa: S608 - only this module's constants go in


def builder_hash() -> str:
    """Changes whenever this module does, so a cached file is never one an older builder made."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def cached_path(entries: int, seed: int) -> Path:
    """Where the ledger of ``entries`` entries built with ``seed`` is cached."""
    return CACHE / f"ledger-v2-n{entries}-s{seed}-{builder_hash()}.sqlite3"


@dataclass(frozen=True)
class Built:
    """A built (or cached) version 2 ledger file."""

    path: Path
    entries: int
    seconds: float
    """Seconds the build took in this run (0.0 when the cached file was reused)."""
    cached: bool


def build_v2_ledger(path: Path, entries: int, seed: int) -> float:
    """Write a version 2 ledger of ``entries`` seeded entries to ``path`` (new); the seconds."""
    if entries < 1:
        raise ValueError("a built ledger holds at least one entry")
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # A cache file, not a user's ledger: no journal while building (the file is renamed
        # into place only once complete).
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        conn.execute("BEGIN")
        for statement in _SCHEMA_V2:
            conn.execute(statement)
        params = {
            "n": entries,
            "seed": seed,
            "first_id": FIRST_ID,
            "start": START_MS,
            "span": SPAN_MS,
        }
        conn.execute(f"INSERT INTO entries {_ROWS_SQL}", params)
        conn.execute("CREATE INDEX entries_by_time ON entries (timestamp_ms)")
        newest_id, newest_ts = conn.execute(
            "SELECT id, timestamp_ms FROM entries ORDER BY id DESC LIMIT 1"
        ).fetchone()
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [
                ("schema_version", 2),
                ("source", f"benchmarks.ledger_build (seed {seed}, {entries} entries)"),
                ("frontier_id", newest_id),
                ("frontier_ts", newest_ts),
                ("state_version", 1),
            ],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return time.perf_counter() - started


def cached_v2_ledger(entries: int, seed: int) -> Built:
    """The version 2 ledger of ``entries`` entries, built once and reused while this module holds.

    Files an older builder made for the same size and seed are removed (they can be gigabytes).
    """
    path = cached_path(entries, seed)
    if path.exists():
        return Built(path, entries, 0.0, cached=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob(f"ledger-v2-n{entries}-s{seed}-*.sqlite3*"):
        stale.unlink()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    seconds = build_v2_ledger(partial, entries, seed)
    partial.replace(path)
    return Built(path, entries, seconds, cached=False)
