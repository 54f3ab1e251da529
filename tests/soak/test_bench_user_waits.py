"""The parts of issue 14's benchmark that compute figures: data only, never a timing verdict.

``benchmarks`` is imported inside the tests, not at collection: Hypothesis draws from the
constants of every local module loaded when a ``@given`` test runs, so a module imported at
collection changes what other files' property tests try.
"""

from __future__ import annotations

import sqlite3
import sys
from typing import TYPE_CHECKING

import pytest
from youcam_units.ledger import Ledger

if TYPE_CHECKING:
    from pathlib import Path

    from benchmarks import startup, user_waits
    from benchmarks.throughput import Throughput


def test_writes_store_every_entry_served_and_the_file_is_measured(tmp_path: Path) -> None:
    """The timed sync stores the pages it is served; the size figures add up from dbstat."""
    from benchmarks.ledger_bench import file_size, measure_writes, read_pages  # noqa: PLC0415 - see the module docstring

    pages = read_pages(95)
    assert [len(page.entries) for page in pages] == [30, 30, 30, 5]
    speed, last = measure_writes(pages, tmp_path, rounds=1)
    assert speed.entries == 95
    assert len(speed.ledger.values) == len(speed.floor.values) == 1
    with Ledger(last) as ledger:
        assert [e.id for e in ledger.entries()] == [e.id for p in pages for e in p.entries]
    size = file_size(last, 95)
    assert size.file_bytes == last.stat().st_size
    assert {"entries", "meta"} <= set(size.tables)
    assert size.data_bytes == sum(payload for payload, _ in size.tables.values())
    conn = sqlite3.connect(last)
    try:
        (raw_bytes,) = conn.execute("SELECT SUM(LENGTH(raw)) FROM entries").fetchone()
    finally:
        conn.close()
    assert size.tables["entries"][0] > raw_bytes  # the records hold raw and more


def test_memory_history_resumes_from_its_tokens() -> None:
    """Its tokens are page numbers, as sync hands them back when it resumes."""
    from benchmarks.ledger_bench import MemoryHistory, read_pages  # noqa: PLC0415 - see the module docstring

    pages = read_pages(61)
    source = MemoryHistory(pages)
    assert [p.next_token for p in pages] == ["1", "2", None]
    last_page = pages[1].next_token
    assert list(source.history(starting_token=last_page).pages()) == pages[2:]
    with pytest.raises(ValueError, match="per page"):
        source.history(page_size=10)


def test_paired_rounds_alternate_and_divide_within_a_round(tmp_path: Path) -> None:
    """Each round's ratio is that round's command over its reference."""
    from benchmarks import startup  # noqa: PLC0415 - see the module docstring

    env = startup.environment(tmp_path)
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["COLUMNS"] == "80"
    result = startup.paired(
        [sys.executable, "-c", "pass"], [sys.executable, "-c", "pass"], rounds=3, env=env
    )
    assert len(result.ratio.values) == 3
    for mine, theirs, ratio in zip(
        result.command.values, result.reference.values, result.ratio.values, strict=True
    ):
        assert ratio == pytest.approx(mine / theirs)
    with pytest.raises(RuntimeError, match="exited 3"):
        startup.run_once([sys.executable, "-c", "raise SystemExit(3)"], env)


def test_ledger_size_option_reads_a_count() -> None:
    """``--ledger-size 10_000_000`` and ``1,000`` are counts; 0 is refused."""
    from benchmarks import cli  # noqa: PLC0415 - see the module docstring

    assert cli._positive("10_000_000") == 10_000_000
    assert cli._positive("1,000") == 1_000
    with pytest.raises(Exception, match="at least 1"):
        cli._positive("0")


def _waits(
    tmp_path: Path, *, help_ratio: float, write_rate: float, report_seconds: float = 1.2
) -> user_waits.UserWaits:
    from benchmarks import ledger_bench, ledger_build, startup, user_waits  # noqa: PLC0415 - see the module docstring
    from benchmarks._common import QUICK  # noqa: PLC0415 - see the module docstring

    def spread(*values: float) -> startup.Spread:
        return startup.Spread(values)

    def pair(ratio: float) -> startup.Paired:
        return startup.Paired(spread(ratio * 0.1), spread(0.1), spread(ratio, ratio))

    built = ledger_build.Built(tmp_path / "cached.sqlite3", 1_000, 2.0, cached=False)
    prepared = ledger_bench.Prepared(built, tmp_path / "copy.sqlite3", 0.5, 3)
    return user_waits.UserWaits(
        config=QUICK,
        help_vs_click=pair(help_ratio),
        history_vs_httpx=pair(0.9),
        summary_vs_help=pair(2.0),
        small=prepared,
        big=prepared,
        big_warm=spread(0.2),
        big_cold=spread(0.7),
        report=spread(report_seconds),
        report_bytes=200_000,
        writes=ledger_bench.WriteSpeed(100, spread(write_rate), spread(1e5), spread(0.5)),
        size=ledger_bench.FileSize(100, 1_100, 1_000, {"entries": (1_000, 1_024)}, 0),
        first=None,
    )


def _throughput(sync_ratio: float, *, async_reference: float = 50.0) -> Throughput:
    """The facade AsyncClient reads 95/s; the async generated client ``async_reference``/s."""
    from benchmarks.throughput import Throughput, Timing  # noqa: PLC0415 - see the module docstring

    def timing(rate: float) -> Timing:
        return Timing(rates=[rate, rate], cpu_rates=[rate, rate])

    replay = {
        "gen": timing(100.0),
        "gen_async": timing(async_reference),
        "sync": timing(100.0 * sync_ratio),
        "async": timing(95.0),
    }
    return Throughput([], {}, {}, replay, 0, [], 0)


def _table(lines: list[str]) -> list[str]:
    """The rows of the section's first table."""
    start = lines.index("| what | before (issue 14) | now | target | result |") + 2
    return lines[start : lines.index("", start)]


def test_each_row_is_judged_against_its_own_target(tmp_path: Path) -> None:
    """PASS/FAIL per row from that row's figure; the upgrade row has no target."""
    from benchmarks import user_waits_report  # noqa: PLC0415 - see the module docstring

    lines, passed = user_waits_report.user_waits_section(
        _waits(tmp_path, help_ratio=1.4, write_rate=70_000), _throughput(0.95)
    )
    table = _table(lines)
    assert len(table) == 10
    assert all(line.endswith("| PASS |") for i, line in enumerate(table) if i != 4)
    assert table[4].endswith("| - |")
    assert passed
    lines, passed = user_waits_report.user_waits_section(
        _waits(tmp_path, help_ratio=1.6, write_rate=65_000, report_seconds=2.5),
        _throughput(0.85),
    )
    table = _table(lines)
    failed = [line.split(" | ")[0] for line in table if line.endswith("| FAIL |")]
    assert failed == [
        '| `youcam-units --help`, warm, / `python -c "import click"`',
        "| `report` of 30 days, 300,000-entry ledger (warm), and its file",
        "| facade `Client` / bare generated client, page size 30, identical bytes",
        "| ledger write during sync, 100 entries / 33k entries/s",
    ]
    assert not passed


def test_the_async_facade_is_judged_against_the_async_generated_client(tmp_path: Path) -> None:
    """AsyncClient's row divides by asyncio_detailed's rate, not by the sync client's."""
    from benchmarks import user_waits_report  # noqa: PLC0415 - see the module docstring

    waits = _waits(tmp_path, help_ratio=1.4, write_rate=70_000)
    lines, _ = user_waits_report.user_waits_section(waits, _throughput(0.95))
    assert not [line for line in _table(lines) if line.endswith("| FAIL |")]
    lines, _ = user_waits_report.user_waits_section(waits, _throughput(0.95, async_reference=200.0))
    failed = [line.split(" | ")[0] for line in _table(lines) if line.endswith("| FAIL |")]
    assert failed == [
        "| facade `AsyncClient` / bare generated client, page size 30, identical bytes"
    ]
