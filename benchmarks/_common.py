"""Constants, the configuration of a run, and small helpers every part shares."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository: benchmarks/ is at its top."""
DOC = ROOT / "docs" / "benchmarks.md"
SOAK_MARKER = "<!-- scripts/bench --soak writes below this line; scripts/bench keeps it -->"
BASE_URL = "http://127.0.0.1"
SEED = 20261125
MAX_PAGE = 30
# The issues' targets (issue 14 raised the facade's from 0.8x, and made the page sizes equal).
SPEED_TARGET = 0.9
#: Which bare generated-client reader each facade reader is judged against: same page size (30),
#: same bytes, and the same I/O model (``sync_detailed`` for Client, ``asyncio_detailed`` for
#: AsyncClient, so the event loop's cost is on both sides).
REFERENCE: dict[str, str] = {"sync": "gen", "async": "gen_async"}
PACING_TARGET = 0.97
RSS_TARGET_MB = 30
MIB_IN_MB = 1.048576
LIBRARIES = (
    "youcam-units",
    "httpx",
    "attrs",
    "python-dateutil",
    "stamina",
    "pyrate-limiter",
    "click",
    "rich",
)


@dataclass(frozen=True)
class Config:
    """Sizes of one run: the full one, or ``--quick`` for trying the script out."""

    entries: int = 10_000
    """The throughput data set; also N for 'requests to read N entries'."""
    live_limit: int = 3_000
    """Entries per timed end-to-end read (the mock makes each entry on demand, slowly)."""
    live_repeats: int = 5
    replay_limit: int = 5_000
    """Entries per timed client-side read: shorter reads, more of them, steadier medians."""
    replay_repeats: int = 15
    rss_entries: int = 1_000_000
    pacing_short: tuple[int, float] = (5, 0.01)
    pacing_long: tuple[int, float] = (250, 3.0)
    """The service's 5 per 1 s and 250 per 300 s, with time scaled down 100 times."""
    pacing_windows: int = 2
    """A paced read of windows * 250 + 1 requests takes exactly that many long periods."""
    sync_base: int = 10_000
    sync_ks: tuple[int, ...] = (0, 1, 29, 30, 31, 100, 1000)
    soak_entries: int = 10_000
    soak_fault_rate: float = 0.2
    crash_trials: int = 20
    crash_entries: int = 5_000
    # Where a user waits (issue 14): commands as subprocesses, the ledger at size.
    startup_rounds: int = 15
    """Paired rounds of each command against its reference."""
    summary_entries: int = 100_000
    """The ledger whose ``summary --by day`` is compared with ``--help``."""
    ledger_size: int = 10_000_000
    """The big ledger (``--ledger-size``): ``summary --by day`` against the 0.5 s target."""
    big_summary_rounds: int = 3
    """Warm runs, then as many cold ones, of ``summary`` over the big ledger."""
    report_entries: int = 1_000_000
    """The ledger of the ``report`` row (issue 22: under 2 s, and the file's size)."""
    write_entries: int = 100_000
    """Entries synced from memory for the write speed and the file size."""
    write_rounds: int = 5
    first_run_rounds: int = 5
    """Runs of ``--help`` in a fresh venv, bytecode compiled at install or not (0: skipped)."""


QUICK = Config(
    entries=2_000,
    live_limit=1_000,
    live_repeats=2,
    replay_limit=2_000,
    replay_repeats=3,
    rss_entries=30_000,
    pacing_long=(50, 1.0),
    sync_base=1_000,
    sync_ks=(0, 1, 30, 31),
    soak_entries=2_000,
    crash_trials=3,
    crash_entries=1_000,
    startup_rounds=4,
    ledger_size=300_000,
    report_entries=300_000,
    big_summary_rounds=2,
    write_entries=10_000,
    write_rounds=2,
    first_run_rounds=1,
)


def progress(message: str) -> None:
    """A progress line on stderr (stdout carries the report)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def bound(n: int) -> int:
    """The target's request budget for reading n entries: ceil(n/30) + 1."""
    return math.ceil(n / MAX_PAGE) + 1


def verdict(ok: bool) -> str:  # noqa: FBT001 - a plain predicate
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"
