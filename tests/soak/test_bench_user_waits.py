"""The parts of issue 14's benchmark that compute figures: data only, never a timing verdict."""

from __future__ import annotations

import sqlite3
import sys
from typing import TYPE_CHECKING

import pytest
from youcam_units.ledger import Ledger

from benchmarks import cli, startup
from benchmarks.ledger_bench import MemoryHistory, file_size, measure_writes, read_pages

if TYPE_CHECKING:
    from pathlib import Path


def test_writes_store_every_entry_served_and_the_file_is_measured(tmp_path: Path) -> None:
    """The timed sync stores the pages it is served; the size figures add up from dbstat."""
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
    pages = read_pages(61)
    source = MemoryHistory(pages)
    assert [p.next_token for p in pages] == ["1", "2", None]
    last_page = pages[1].next_token
    assert list(source.history(starting_token=last_page).pages()) == pages[2:]
    with pytest.raises(ValueError, match="per page"):
        source.history(page_size=10)


def test_paired_rounds_alternate_and_divide_within_a_round(tmp_path: Path) -> None:
    """Each round's ratio is that round's command over its reference."""
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
    assert cli._positive("10_000_000") == 10_000_000
    assert cli._positive("1,000") == 1_000
    with pytest.raises(Exception, match="at least 1"):
        cli._positive("0")
