"""The Markdown of issue 14's table: each row's figure before, now, its target, PASS or FAIL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from benchmarks._common import REFERENCE, SPEED_TARGET, verdict
from benchmarks.startup import Spread

if TYPE_CHECKING:
    from benchmarks.throughput import Throughput
    from benchmarks.user_waits import UserWaits

BASELINE_WRITES: Final = 33_000
"""Entries/s the ledger wrote during sync when issue 14 was filed (measured independently)."""
HELP_TARGET: Final = 1.5
HISTORY_TARGET: Final = 1.0
SUMMARY_TARGET: Final = 2.5
BIG_SUMMARY_SECONDS: Final = 0.5
REPORT_SECONDS: Final = 2.0
REPORT_BYTES: Final = 2_000_000
FILE_TARGET: Final = 1.2
WRITE_TARGET: Final = 2.0


def _facade(figures: Throughput, key: str) -> Spread:
    """Facade / generated (page size 30, same I/O model) entries/s, client-side, per round."""
    mine, theirs = figures.replay[key].rates, figures.replay[REFERENCE[key]].rates
    return Spread(tuple(a / b for a, b in zip(mine, theirs, strict=True)))


def user_waits_section(waits: UserWaits, figures: Throughput) -> tuple[list[str], bool]:
    """The section's lines, and whether every row passed."""
    c = waits.config
    n_big, n_small = c.ledger_size, c.summary_entries
    sync_ratio, async_ratio = _facade(figures, "sync"), _facade(figures, "async")
    writes = waits.writes.ledger
    size = waits.size
    first = ""
    if waits.first is not None:
        first = (
            f"; first run in a new venv: {waits.first.uncompiled.median:.2f} s without "
            f"bytecode, {waits.first.compiled.median:.2f} s compiled at install"
        )
    rows: list[tuple[str, str, str, str, bool | None]] = [
        (
            '`youcam-units --help`, warm, / `python -c "import click"`',
            "5.7x (0.31 s / 0.055 s); 0.83 s on a first run",
            (
                f"{waits.help_vs_click.ratio.ratio()} ({waits.help_vs_click.command.median:.3f} "
                f"s / {waits.help_vs_click.reference.median:.3f} s){first}"
            ),
            f"≤ {HELP_TARGET}x",
            waits.help_vs_click.ratio.median <= HELP_TARGET,
        ),
        (
            '`youcam-units history --demo --limit 1` / `python -c "import httpx"`',
            "1.6x (0.33 s / 0.21 s)",
            (
                f"{waits.history_vs_httpx.ratio.ratio()} "
                f"({waits.history_vs_httpx.command.median:.3f} s / "
                f"{waits.history_vs_httpx.reference.median:.3f} s)"
            ),
            f"≤ {HISTORY_TARGET}x",
            waits.history_vs_httpx.ratio.median <= HISTORY_TARGET,
        ),
        (
            f"`summary --by day`, {n_small:,} entries, / `youcam-units --help`",
            "3.8x (1.31 s)",
            (
                f"{waits.summary_vs_help.ratio.ratio()} "
                f"({waits.summary_vs_help.command.median:.3f} s / "
                f"{waits.summary_vs_help.reference.median:.3f} s)"
            ),
            f"≤ {SUMMARY_TARGET}x",
            waits.summary_vs_help.ratio.median <= SUMMARY_TARGET,
        ),
        (
            f"`summary --by day`, {n_big:,} entries (warm; cold beside it)",
            "8 s warm, 21 s cold (10,000,000)",
            f"{waits.big_warm.seconds()} warm; {waits.big_cold.seconds()} cold",
            f"< {BIG_SUMMARY_SECONDS} s warm",
            waits.big_warm.median < BIG_SUMMARY_SECONDS,
        ),
        (
            (
                "first open of that ledger written as schema v2: `Ledger(path)` upgrades it to "
                f"v{waits.big.schema_version}"
            ),
            "(not measured)",
            (
                f"{waits.big.upgrade_seconds:.1f} s ({waits.small.upgrade_seconds:.2f} s for "
                f"{n_small:,} entries)"
            ),
            "none: one run, once per ledger",
            None,
        ),
        (
            f"`report` of 30 days, {c.report_entries:,}-entry ledger (warm), and its file",
            "(new)",
            f"{waits.report.seconds()}; {waits.report_bytes:,} bytes",
            f"< {REPORT_SECONDS:.0f} s, ≤ {REPORT_BYTES:,} bytes",
            waits.report.median < REPORT_SECONDS and waits.report_bytes <= REPORT_BYTES,
        ),
        (
            f"ledger file / its data, {size.entries:,} entries synced",
            "2x",
            (
                f"{size.ratio:.2f}x ({size.file_bytes:,} / {size.data_bytes:,} bytes; "
                f"{size.file_bytes / size.entries:,.0f} bytes per entry)"
            ),
            f"≤ {FILE_TARGET}x",
            size.ratio <= FILE_TARGET,
        ),
        (
            "facade `Client` / bare generated client, page size 30, identical bytes",
            "0.76x",
            sync_ratio.ratio(),
            f"≥ {SPEED_TARGET}x",
            sync_ratio.median >= SPEED_TARGET,
        ),
        (
            "facade `AsyncClient` / bare generated client, page size 30, identical bytes",
            "0.72x",
            async_ratio.ratio(),
            f"≥ {SPEED_TARGET}x",
            async_ratio.median >= SPEED_TARGET,
        ),
        (
            f"ledger write during sync, {waits.writes.entries:,} entries / 33k entries/s",
            "1.0x (33k entries/s)",
            (
                f"{writes.median / BASELINE_WRITES:.2f}x ({writes.median:,.0f} entries/s "
                f"[{writes.low:,.0f}-{writes.high:,.0f}])"
            ),
            f"≥ {WRITE_TARGET}x",
            writes.median >= WRITE_TARGET * BASELINE_WRITES,
        ),
    ]
    lines = [
        "### Where a user waits (issue 14)",
        "",
        (
            "Every row of issue 14's table, measured in this run. *Before* is the figure the "
            "issue was filed with (measured independently, on this kind of machine); *now* is "
            "this run's: for a ratio, the median over paired rounds of the ratio within a round, "
            "[min-max] of those ratios, then each side's median seconds."
        ),
        "",
        "| what | before (issue 14) | now | target | result |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {what} | {old} | {new} | {target} | {'-' if ok is None else verdict(ok)} |"
        for what, old, new, target, ok in rows
    ]
    lines += ["", *_method(waits)]
    return lines, all(ok is not False for *_, ok in rows)


def _method(waits: UserWaits) -> list[str]:
    c = waits.config
    big, small = waits.big, waits.small
    built = (
        f"reused from the cache (`.cache/bench/{big.built.path.name}`)"
        if big.built.cached
        else f"built in this run in {big.built.seconds:.1f} s"
    )
    w = waits.writes
    lines = [
        "How each row was measured:",
        "",
        (
            f"- Commands run as subprocesses of the venv's interpreter and its installed "
            f"`youcam-units` script, stdout a pipe, `COLUMNS=80`, `PYTHONDONTWRITEBYTECODE` "
            f"unset (bytecode written, as on a user's machine). Each pair: one untimed run of "
            f"each, then {c.startup_rounds} rounds, each running both back to back, the order "
            "alternating."
        ),
        (
            f"- Ledgers for `summary`: schema version 2 files written directly in SQL by "
            f"`benchmarks/ledger_build.py` (seeded; four years; {len(_KINDS)} kinds of entry: "
            f"{', '.join(_KINDS)}), then opened once with `Ledger(path)`, which upgraded them to "
            f"schema version {big.schema_version}. {c.ledger_size:,} entries: {built}; the "
            f"upgrade took {big.upgrade_seconds:.1f} s ({small.upgrade_seconds:.2f} s for "
            f"{c.summary_entries:,}). `--ledger-size N` sets the big one's size."
        ),
        (
            f"- {c.ledger_size:,} entries: {c.big_summary_rounds} warm runs after one untimed; "
            f"then {c.big_summary_rounds} cold runs, each after evicting the ledger file from "
            "the page cache (`posix_fadvise(DONTNEED)`; the interpreter and libraries stay cached)."
        ),
        (
            f"- Ledger writes: {w.entries:,} entries read from the mock through `Client` "
            "beforehand, then `youcam_units.ledger.sync` into a new ledger from an in-memory "
            "history source serving those pages (no HTTP, no parsing: stage, checkpoint, promote "
            f"and count only), {c.write_rounds} rounds after one untimed. The same-run reference "
            "is the floor of that work: the same entries (JSON serialized beforehand) inserted "
            "by a bare `executemany` into a plain table, one transaction per page, WAL and "
            f"`synchronous=FULL`: {w.floor.median:,.0f} entries/s "
            f"[{w.floor.low:,.0f}-{w.floor.high:,.0f}]; the ledger reached {w.ratio.ratio()} of "
            "it within a round."
        ),
        (
            "- File size: the last of those ledgers, closed. *Data* is the sum of SQLite's "
            "`dbstat` `payload` over every b-tree (tables, indexes, the schema): the bytes of "
            "the records themselves, without page headers, cell pointers or free space; the "
            "file is the database plus any `-wal` left."
        ),
        (
            "- Facade / generated client: the client-side rounds of the throughput section "
            "below (identical bytes replayed, page size 30 for both, paired per round; "
            "`Client` against `sync_detailed`, `AsyncClient` against `asyncio_detailed`)."
        ),
        "",
        f"Ledger of {waits.size.entries:,} entries, per b-tree:",
        "",
        "| b-tree | payload bytes | page bytes |",
        "| --- | ---: | ---: |",
    ]
    lines += [
        f"| {name} | {payload:,} | {pages:,} |"
        for name, (payload, pages) in waits.size.tables.items()
    ]
    lines.append(f"| (free list: pages no b-tree uses) | 0 | {waits.size.free_bytes:,} |")
    first = waits.first
    lines.append("")
    if first is None:
        lines.append("First run after install: skipped (no `uv` on PATH, or `--quick`).")
    else:
        lines.append(
            f"First run of `youcam-units --help` in a new venv (`uv pip install .[cli]`), "
            f"{len(first.compiled.values)} runs each, every `__pycache__` of the venv removed "
            f"before each: without bytecode {first.uncompiled.seconds()}; with bytecode compiled "
            f"as at install (`compileall`, what `uv pip install --compile-bytecode` and pip do) "
            f'{first.compiled.seconds()}; `python -c "import click"` there, warm, '
            f"{first.reference.seconds()}."
        )
    return lines


_KINDS: Final = (
    "spending",
    "skin analysis with `dst_actions`",
    "fractional spending (`amount_dec`)",
    "`expire` (fractional)",
    "grants",
    "two-bucket renewals",
)
