"""``summary`` and ``status`` over a big ledger: what a user waits for once years have piled up.

The ledger is a schema version 2 file from ``ledger_build`` (cached), copied and opened once
with ``Ledger`` (which upgrades it to the current schema: minutes at ten million entries); the
upgraded copy is cached beside it, so a rerun starts at once. Each command runs warm (after one
untimed run), then cold (the file evicted from the page cache first); the target is on warm.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
import time
from pathlib import Path
from typing import Final

from youcam_units.ledger import Ledger

from benchmarks._common import SEED, Config, Row, progress
from benchmarks.ledger_build import cached_v2_ledger
from benchmarks.startup import CLI, Spread, cold, environment, repeated

TARGET_SECONDS: Final = 0.5


@functools.cache
def upgraded_ledger(entries: int) -> Path:
    """The cached ledger of ``entries`` entries, upgraded to the schema this code writes."""
    built = cached_v2_ledger(entries, SEED)
    if not built.cached:
        progress(f"ledger of {entries:,} entries: built in {built.seconds:.1f} s")
    path = built.path.with_name(built.path.stem + "-upgraded.sqlite3")
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        shutil.copyfile(built.path, partial)
        partial.replace(path)
    started = time.perf_counter()
    with Ledger(path) as ledger:
        version = ledger.schema_version
    seconds = time.perf_counter() - started
    progress(f"ledger of {entries:,} entries: opened at v{version} in {seconds:.1f} s")
    return path


def timed_row(what: str, warm: Spread, cold_runs: Spread) -> Row:
    """Warm runs under 0.5 s; the cold ones beside them."""
    return Row(
        what,
        f"{warm.seconds()} warm; {cold_runs.seconds()} cold",
        f"< {TARGET_SECONDS} s warm",
        warm.median < TARGET_SECONDS,
    )


def _at_size(config: Config, what: str, arguments: list[str]) -> Row:
    path = upgraded_ledger(config.ledger_size)
    command = [CLI, *arguments, "--db", str(path)]
    rounds = config.ledger_rounds
    with tempfile.TemporaryDirectory() as home:
        env = environment(Path(home))
        warm = repeated(command, rounds=rounds, env=env)
        cold_runs = cold(command, path, rounds=rounds, env=env)
    return timed_row(f"{what}, {config.ledger_size:,} entries", warm, cold_runs)


def summary_at_size(config: Config) -> Row:
    """Row: ``summary --by day`` over the big ledger."""
    return _at_size(config, "`youcam-units summary --by day`", ["summary", "--by", "day"])


def status_at_size(config: Config) -> Row:
    """Row: ``status`` over the big ledger (no sync; the balance from the in-process mock)."""
    return _at_size(
        config, "`youcam-units status --no-sync --demo`", ["status", "--no-sync", "--demo"]
    )


REPORT_TARGET_SECONDS: Final = 2.0
REPORT_MAX_BYTES: Final = 2_000_000
REPORT_AS_OF: Final = "2025-12-31T00:00Z"
"""Inside the built ledgers' four years (2022-2025): a month of spending to report on."""


def report_at_size(config: Config) -> Row:
    """Row: ``report`` of the last 30 days over a ``report_entries`` ledger; its file's size.

    ``--demo --no-sync``: the balance comes from the in-process mock, the rest from the ledger.
    """
    path = upgraded_ledger(config.report_entries)
    with tempfile.TemporaryDirectory() as home:
        output = Path(home) / "report.html"
        command = [CLI, "report", "--demo", "--no-sync", "--db", str(path)]
        command += ["--as-of", REPORT_AS_OF, "-o", str(output)]
        warm = repeated(command, rounds=config.ledger_rounds, env=environment(Path(home)))
        size = output.stat().st_size
    return Row(
        f"`youcam-units report`, 30 days of {config.report_entries:,} entries",
        f"{warm.seconds()}; {size:,} bytes",
        f"< {REPORT_TARGET_SECONDS} s, <= {REPORT_MAX_BYTES:,} bytes",
        warm.median < REPORT_TARGET_SECONDS and size <= REPORT_MAX_BYTES,
    )
