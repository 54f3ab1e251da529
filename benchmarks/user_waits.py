"""Where a user waits (issue 14): start-up, summaries at size, the ledger's writes and its file.

One run measures every row of the issue's table, each against a reference timed in the same
run where the target is a ratio (see ``startup`` for the pairing). The big ledgers come from
``ledger_build`` (schema version 2, cached), upgraded by the current code on first open.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks._common import ROOT, Config, progress
from benchmarks.ledger_bench import (
    FileSize,
    Prepared,
    WriteSpeed,
    file_size,
    measure_writes,
    prepared_ledger,
    read_pages,
)
from benchmarks.startup import (
    CLI,
    PYTHON,
    FirstRun,
    Paired,
    Spread,
    cold,
    environment,
    first_run,
    paired,
    repeated,
)

if TYPE_CHECKING:
    from pathlib import Path

WORK = ROOT / ".cache" / "bench" / "work"
"""Copies of the cached ledgers, upgraded: big, so on the same disk as the cache, removed after."""


@dataclass(frozen=True)
class UserWaits:
    """The figures of the issue's table, and what they were measured on."""

    config: Config
    help_vs_click: Paired
    history_vs_httpx: Paired
    summary_vs_help: Paired
    small: Prepared
    """The ``summary_entries`` ledger of the summary-vs-help row."""
    big: Prepared
    """The ``ledger_size`` ledger."""
    big_warm: Spread
    big_cold: Spread
    """Each run with the ledger file evicted from the page cache first."""
    report: Spread
    """``report`` of 30 days over the ``report_entries`` ledger, warm."""
    report_bytes: int
    writes: WriteSpeed
    size: FileSize
    first: FirstRun | None


def summary_command(path: Path) -> list[str]:
    """``youcam-units summary --by day --db PATH``."""
    return [CLI, "summary", "--by", "day", "--db", str(path)]


REPORT_AS_OF = "2025-12-31T00:00Z"
"""Inside the built ledgers' four years (2022-2025): a month of spending to report on."""


def report_command(path: Path, output: Path) -> list[str]:
    """``youcam-units report`` of the 30 days before ``REPORT_AS_OF`` from the ledger at ``path``.

    ``--demo --no-sync``: the balance comes from the in-process mock, the rest from the ledger.
    """
    return [
        CLI,
        "report",
        "--demo",
        "--no-sync",
        "--db",
        str(path),
        "--as-of",
        REPORT_AS_OF,
        "-o",
        str(output),
    ]


def measure_user_waits(config: Config) -> UserWaits:
    """Every row, in one run; the work files are removed at the end (the cache is kept)."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    env = environment(WORK / "home")
    rounds = config.startup_rounds
    try:
        small = prepared_ledger(config.summary_entries, WORK)
        big = prepared_ledger(config.ledger_size, WORK)
        progress(f"start-up: --help vs import click, {rounds} paired rounds")
        help_vs_click = paired(
            [CLI, "--help"], [PYTHON, "-c", "import click"], rounds=rounds, env=env
        )
        progress(f"start-up: history --demo --limit 1 vs import httpx, {rounds} paired rounds")
        history_vs_httpx = paired(
            [CLI, "history", "--demo", "--limit", "1"],
            [PYTHON, "-c", "import httpx"],
            rounds=rounds,
            env=env,
        )
        progress(f"summary --by day of {config.summary_entries:,} entries vs --help")
        summary_vs_help = paired(
            summary_command(small.path), [CLI, "--help"], rounds=rounds, env=env
        )
        progress(f"summary --by day of {config.ledger_size:,} entries, warm and cold")
        big_warm = repeated(summary_command(big.path), rounds=config.big_summary_rounds, env=env)
        big_cold = cold(
            summary_command(big.path), big.path, rounds=config.big_summary_rounds, env=env
        )
        for prepared in (small, big):
            for file in WORK.glob(f"{prepared.path.name}*"):
                file.unlink()
        reported = prepared_ledger(config.report_entries, WORK)
        progress(f"report of 30 days over {config.report_entries:,} entries")
        page = WORK / "report.html"
        report = repeated(report_command(reported.path, page), rounds=3, env=env)
        report_bytes = page.stat().st_size
        progress(f"ledger writes: reading {config.write_entries:,} entries from the mock")
        pages = read_pages(config.write_entries)
        progress(f"ledger writes: sync from memory vs bare inserts, {config.write_rounds} rounds")
        writes, last = measure_writes(pages, WORK, rounds=config.write_rounds)
        size = file_size(last, config.write_entries)
        first = None
        if config.first_run_rounds:
            first = first_run(WORK, rounds=config.first_run_rounds, env=env)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    return UserWaits(
        config,
        help_vs_click,
        history_vs_httpx,
        summary_vs_help,
        small,
        big,
        big_warm,
        big_cold,
        report,
        report_bytes,
        writes,
        size,
        first,
    )
