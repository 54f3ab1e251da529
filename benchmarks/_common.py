"""What every row shares: the sizes of a run, one row of the table, and the table."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

ROOT = Path(__file__).resolve().parent.parent
"""The repository: benchmarks/ is at its top."""
BASE_URL = "http://127.0.0.1"
"""The in-process mock answers any URL; a loopback one passes the facade's http:// check."""
SEED = 20261125
MAX_PAGE = 30


@dataclass(frozen=True)
class Config:
    """Sizes of one run: the full one, or ``--quick`` for trying the script out."""

    entries: int = 10_000
    """N for the requests of a full read, and the first sync's history."""
    sync_ks: tuple[int, ...] = (0, 1, 29, 30, 31, 100, 1000)
    """Entries added at the head before each further sync."""
    pacing_short: tuple[int, float] = (5, 0.01)
    pacing_long: tuple[int, float] = (250, 3.0)
    """The service's 5 per 1 s and 250 per 300 s, with time scaled down 100 times."""
    pacing_windows: int = 2
    """A paced read of windows * 250 + 1 requests takes exactly that many long periods."""
    startup_rounds: int = 15
    """Paired rounds of each command against its reference."""
    ledger_size: int = 10_000_000
    """The big ledger (``--ledger-size``) that ``summary`` and ``status`` read."""
    ledger_rounds: int = 3
    """Warm runs, then as many cold ones, of each command over the big ledger."""
    report_entries: int = 1_000_000
    """The ledger of the ``report`` row (issue 22: under 2 s, and the file's size)."""


QUICK = Config(
    entries=2_000,
    sync_ks=(0, 1, 30, 31),
    pacing_long=(50, 1.0),
    startup_rounds=4,
    ledger_size=300_000,
    ledger_rounds=2,
    report_entries=300_000,
)


@dataclass(frozen=True)
class Row:
    """One line of the table: what was measured, the figure, its target, and whether it holds."""

    what: str
    figure: str
    target: str
    passed: bool

    @property
    def verdict(self) -> str:
        """PASS or FAIL."""
        return "PASS" if self.passed else "FAIL"


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table, to paste into docs/benchmarks.md."""
    lines = ["| what | figure | target | result |", "| --- | --- | --- | --- |"]
    lines += [f"| {r.what} | {r.figure} | {r.target} | {r.verdict} |" for r in rows]
    return "\n".join(lines)


def progress(message: str) -> None:
    """A progress line on stderr (stdout carries the table)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def pages(n: int) -> int:
    """Pages of 30 that hold n entries: ceil(n/30)."""
    return math.ceil(n / MAX_PAGE)
