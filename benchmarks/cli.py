"""``scripts/bench`` (``python -m benchmarks``): run the rows, print the table."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import time
from typing import TYPE_CHECKING

from benchmarks import ledger_waits, pacing, reads, startup
from benchmarks._common import QUICK, Config, Row, progress, table

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

ROWS: tuple[Callable[[Config], Row], ...] = (
    reads.client_full_read,
    reads.async_client_full_read,
    reads.incremental_sync,
    pacing.client_pacing,
    pacing.async_client_pacing,
    pacing.shared_pacing,
    startup.help_vs_click,
    startup.history_vs_httpx,
    ledger_waits.summary_at_size,
    ledger_waits.status_at_size,
    ledger_waits.report_at_size,
)
"""The table, in order: add a row by adding its function here."""


def run(config: Config, rows: Sequence[Callable[[Config], Row]]) -> list[Row]:
    """Each row, measured in turn."""
    results = []
    for row in rows:
        progress(row.__name__)
        results.append(row(config))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """``scripts/bench [--quick] [--ledger-size N] [--only NAME ...] [--postgres URL]``."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the script")
    parser.add_argument(
        "--ledger-size",
        type=_positive,
        metavar="N",
        help=(
            f"entries in the big ledger (default {Config().ledger_size:,}; "
            f"{QUICK.ledger_size:,} with --quick); built in SQL, cached in .cache/bench/"
        ),
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        choices=[row.__name__ for row in ROWS],
        help="run only this row (repeatable): " + ", ".join(row.__name__ for row in ROWS),
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help=(
            "only the PostgreSQL rows, printed: sync write rate, summaries over a ledger of "
            "--ledger-size entries, and pacing across hosts (the simulation's throughput against "
            "its limit), in the database at URL (which it may fill; postgres and mock extras)"
        ),
    )
    args = parser.parse_args(argv)
    # The facade logs each retry and stamina logs its own; the table says what matters.
    for name in ("youcam_units", "stamina"):
        logging.getLogger(name).addHandler(logging.NullHandler())
        logging.getLogger(name).propagate = False
    config = QUICK if args.quick else Config()
    if args.ledger_size is not None:
        config = dataclasses.replace(config, ledger_size=args.ledger_size)
    if args.postgres:
        from benchmarks.postgres_bench import main as postgres_main  # noqa: PLC0415 - psycopg

        sizes = ["--write-entries", "300", "--rounds", "1"] if args.quick else []
        return postgres_main([args.postgres, "--entries", str(config.ledger_size), *sizes])
    rows = [row for row in ROWS if not args.only or row.__name__ in args.only]
    started = time.perf_counter()
    results = run(config, rows)
    print(table(results))
    progress(f"{len(results)} rows in {time.perf_counter() - started:.0f} s")
    return 0 if all(row.passed for row in results) else 1


def _positive(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 1:
        raise argparse.ArgumentTypeError("N must be at least 1")
    return value
