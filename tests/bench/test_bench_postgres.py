"""The PostgreSQL benchmark's figures are of correct work: small sizes, nothing timed here."""

from __future__ import annotations

import pytest

from benchmarks.memory_history import read_pages
from benchmarks.postgres_bench import main, measure_pg_writes, summary_on_big_ledger

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_write_rate_syncs_every_entry(postgres_url: str) -> None:
    """Each timed sync must hold exactly the pages' entries (else the rate is not reported)."""
    rates = measure_pg_writes(postgres_url, read_pages(300), rounds=2)
    assert len(rates) == 2
    assert all(rate > 0 for rate in rates)


def test_the_big_summary_counts_every_entry_and_reads_only_the_rollup(postgres_url: str) -> None:
    """The filled ledger's summaries count all its entries; the plans read the rollups alone."""
    big = summary_on_big_ledger(postgres_url, 20_000, rounds=1)
    assert set(big.seconds) == {"action", "day", "month"}
    assert [
        ("rollup_day" in plan, "rollup " in plan or "rollup_pkey" in plan) for plan in big.plans
    ]
    for plan in big.plans:
        assert "rollup" in plan
        assert "entries_by_time" not in plan
        assert " on entries" not in plan


def test_the_command_prints_both_figures(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m benchmarks.postgres_bench URL`` prints the write rate and the summaries."""
    assert main([postgres_url, "--entries", "5000", "--write-entries", "90", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "PostgreSQL sync write rate (90 entries, 1 rounds)" in out
    assert "summary --by month over 5,000 PostgreSQL entries" in out


def test_scripts_bench_postgres_prints_the_rows(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scripts/bench --postgres URL`` runs them, at the --ledger-size asked for."""
    from benchmarks.cli import main as bench_main  # noqa: PLC0415

    assert bench_main(["--postgres", postgres_url, "--quick", "--ledger-size", "2000"]) == 0
    out = capsys.readouterr().out
    assert "PostgreSQL sync write rate (300 entries, 1 rounds)" in out
    assert "summary --by action over 2,000 PostgreSQL entries" in out
