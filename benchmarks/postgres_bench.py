"""The PostgreSQL ledger's figures: sync write rate, and a summary over a big ledger.

Write rate: ``sync`` into a new PostgreSQL ledger from pages held in memory (``MemoryHistory``,
as the SQLite write figure does), so only the ledger's work is timed: a transaction per page
(advisory lock, version check, staging, checkpoint) and the promote that ends the pass.

Summary: a ledger of N entries filled in SQL (``generate_series``: rows like the mock's, a few
hundred a day over years, with the rollups computed by the same statements the migration uses),
then ``summarize`` by action, day and month, timed, and the plan of the rollup reads.

Pacing across hosts: ``benchmarks.hosts``' simulation, its throughput against its limit.

``python -m benchmarks.postgres_bench URL [--entries N]`` prints the rows; the URL names a
database the benchmark may fill (ledgers ``bench-write-*``, ``bench-big-N`` and ``hosts-*``).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from youcam_units.ledger import PostgresLedger, open_ledger, summarize, sync
from youcam_units.ledger._postgres_schema import DATED_SQL, DAY_SQL, SCHEMA

from benchmarks._common import progress
from benchmarks.memory_history import MemoryHistory, read_pages

if TYPE_CHECKING:
    from collections.abc import Sequence

    from youcam_units import Page

__all__ = ["BigSummary", "build_big_ledger", "main", "measure_pg_writes", "summary_on_big_ledger"]

_ACTIONS = (
    "photo_enhance",
    "object_removal",
    "background_removal",
    "skin_analysis",
    "wig",
    "expire",
    "subscription_credits",
)
_START_MS = 1_600_000_000_000  # 2020-09-13: the synthetic history's first entry
_STEP_MS = 97_003  # ~890 entries a day: 10,000,000 entries span ~31 years


def measure_pg_writes(url: str, pages: Sequence[Page], *, rounds: int) -> list[float]:
    """Entries per second of ``rounds`` syncs into new ledgers (after one untimed warm-up)."""
    entries = sum(len(page.entries) for page in pages)
    rates = []
    for number in range(rounds + 1):
        with open_ledger(url, ledger=f"bench-write-{time.time_ns()}") as ledger:
            started = time.perf_counter()
            result = sync(ledger, MemoryHistory(pages))
            elapsed = time.perf_counter() - started
            if result.new_entries != entries or len(ledger) != entries:
                raise AssertionError("the ledger does not hold exactly the entries served")
        if number:
            rates.append(entries / elapsed)
    return rates


def build_big_ledger(url: str, entries: int) -> PostgresLedger:
    """A ledger of ``entries`` synthetic entries (reused when it already holds them)."""
    name = f"bench-big-{entries}"
    ledger = open_ledger(url, ledger=name)
    if not isinstance(ledger, PostgresLedger):
        raise TypeError(f"not a PostgreSQL ledger: {ledger.location}")
    if len(ledger) == entries:
        return ledger
    progress(f"filling {name} in SQL ({entries:,} entries)")
    actions = "ARRAY[" + ", ".join(f"'{a}'" for a in _ACTIONS) + "]"
    statements = [
        "DELETE FROM entries WHERE ledger = ?",
        "DELETE FROM rollup WHERE ledger = ?",
        "DELETE FROM rollup_day WHERE ledger = ?",
        f"""INSERT INTO entries (ledger, id, timestamp_ms, action, spent, granted, raw)
            SELECT ?, n, {_START_MS} + n * {_STEP_MS}, a,
                   CASE WHEN a LIKE 'subscription%%' THEN 0 ELSE (n %% 7) + 0.25 END,
                   CASE WHEN a LIKE 'subscription%%' THEN 100 ELSE 0 END,
                   '{{"id":' || n || ',"action":"' || a || '"}}'
            FROM (SELECT n, ({actions})[1 + n %% {len(_ACTIONS)}] AS a
                  FROM generate_series(1::BIGINT, {entries}) AS n) AS s""",  # noqa: S608 - fixed names
        f"""INSERT INTO rollup (ledger, day, action, entries, spent, granted)
            SELECT ledger, ({DAY_SQL})::INTEGER, action, COUNT(*), SUM(spent), SUM(granted)
            FROM entries WHERE ledger = ? AND {DATED_SQL} GROUP BY 1, 2, 3""",  # noqa: S608
        """INSERT INTO rollup_day (ledger, day, entries, spent, expired, granted)
            SELECT ledger, day, SUM(entries),
                   COALESCE(SUM(spent) FILTER (WHERE action <> 'expire'), 0),
                   COALESCE(SUM(spent) FILTER (WHERE action = 'expire'), 0), SUM(granted)
            FROM rollup WHERE ledger = ? GROUP BY 1, 2""",
        "UPDATE ledgers SET entry_count = ? WHERE ledger = ?",
    ]
    with ledger.transaction():
        for statement in statements:
            params: list[object] = [name] if "entry_count" not in statement else [entries, name]
            ledger.query(statement, params)
    ledger.query("ANALYZE")
    return ledger


@dataclass(frozen=True)
class BigSummary:
    """A summary's seconds over a big ledger, per grouping, and the plans of its reads."""

    entries: int
    seconds: dict[str, float]
    plans: list[str]


def summary_on_big_ledger(url: str, entries: int, *, rounds: int = 3) -> BigSummary:
    """``summarize`` by action, day and month over a ledger of ``entries``: best of ``rounds``."""
    with build_big_ledger(url, entries) as ledger:
        seconds = {}
        for by in ("action", "day", "month"):
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                rows = summarize(ledger, by=by)
                times.append(time.perf_counter() - started)
            if sum(row.entries for row in rows) != entries:
                raise AssertionError(f"the summary by {by} does not count every entry")
            seconds[by] = min(times)
        plans = [
            "\n".join(
                line
                for (line,) in ledger.query(
                    f"EXPLAIN ANALYZE {sql}",
                    [ledger.name, -(2**31), 2**31 - 1],
                )
            )
            for sql in (
                (
                    f"SELECT day, entries, spent, expired, granted FROM {SCHEMA}.rollup_day "  # noqa: S608
                    "WHERE ledger = ? AND day >= ? AND day < ?"
                ),
                (
                    f"SELECT action, SUM(entries), SUM(spent), SUM(granted) FROM {SCHEMA}.rollup "  # noqa: S608
                    "WHERE ledger = ? AND day >= ? AND day < ? GROUP BY action"
                ),
            )
        ]
        return BigSummary(entries, seconds, plans)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the write rate and the big summary's figures for the database at the URL."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.postgres_bench")
    parser.add_argument("url", help="a postgresql:// URL of a database the benchmark may fill")
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--write-entries", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    pages = read_pages(args.write_entries)
    rates = sorted(measure_pg_writes(args.url, pages, rounds=args.rounds))
    print(
        f"PostgreSQL sync write rate ({args.write_entries:,} entries, {args.rounds} rounds): "
        f"median {rates[len(rates) // 2]:,.0f} entries/s [{rates[0]:,.0f}-{rates[-1]:,.0f}]"
    )
    big = summary_on_big_ledger(args.url, args.entries)
    for by, seconds in big.seconds.items():
        print(f"summary --by {by} over {big.entries:,} PostgreSQL entries: {seconds:.3f} s")
    for plan in big.plans:
        print(plan)
    from benchmarks.hosts import hosts_row  # noqa: PLC0415 - serves the mock over HTTP

    print(hosts_row(args.url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
