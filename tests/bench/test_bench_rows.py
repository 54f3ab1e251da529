"""``scripts/bench``'s rows: each judged against its own target, from figures made up here.

Nothing here times anything; the figures that are measured (requests, entries) are measured at
small sizes. ``benchmarks`` is imported inside the tests, not at collection: Hypothesis draws
from the constants of every local module loaded when a ``@given`` test runs, so a module
imported at collection changes what other files' property tests try.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from benchmarks.pacing import Pacing
    from benchmarks.startup import Paired


def test_a_full_read_passes_at_ceil_n_over_30_requests_with_every_entry() -> None:
    """N = 95: 4 requests pass; a fifth, or an entry missing, fails."""
    from benchmarks.reads import FullRead, full_read_row  # noqa: PLC0415 - see the module docstring

    assert full_read_row(FullRead("Client", 95, 95, 4)).passed
    assert not full_read_row(FullRead("Client", 95, 95, 5)).passed
    assert not full_read_row(FullRead("Client", 95, 94, 4)).passed


@pytest.mark.parametrize("client", ["Client", "AsyncClient"])
def test_a_full_read_of_the_mock_is_measured(client: str) -> None:
    """Both clients read all 95 entries of the mock in ceil(95/30) = 4 requests."""
    from benchmarks._common import Config  # noqa: PLC0415 - see the module docstring
    from benchmarks.reads import FullRead, full_read_row, measure_full_read  # noqa: PLC0415

    result = measure_full_read(Config(entries=95), client)
    assert result == FullRead(client, 95, 95, 4)
    assert full_read_row(result).verdict == "PASS"


def test_each_sync_is_judged_against_ceil_k_over_30_plus_one() -> None:
    """For k = 30, 2 requests pass and 3 fail; every k must be stored; the ledger must equal."""
    from benchmarks.reads import SyncStep, sync_row  # noqa: PLC0415 - see the module docstring

    steps = [SyncStep(95, 4, 95), SyncStep(0, 1, 0), SyncStep(30, 2, 30)]
    assert sync_row(steps, equal=True).passed
    assert not sync_row(steps, equal=False).passed
    assert not sync_row([*steps, SyncStep(30, 3, 30)], equal=True).passed
    assert not sync_row([*steps, SyncStep(31, 2, 30)], equal=True).passed


def test_syncs_of_the_mock_are_measured(tmp_path: Path) -> None:
    """First the whole history, then each k, as the mock counted them."""
    from benchmarks._common import Config  # noqa: PLC0415 - see the module docstring
    from benchmarks.reads import SyncStep, measure_syncs, sync_row  # noqa: PLC0415

    steps, equal = measure_syncs(Config(entries=95, sync_ks=(0, 1, 31)), tmp_path)
    assert equal
    assert [(s.new, s.stored) for s in steps] == [(95, 95), (0, 0), (1, 1), (31, 31)]
    assert steps[0] == SyncStep(95, 4, 95)
    assert sync_row(steps, equal=equal).passed


def _pacing(**changes: Any) -> Pacing:
    """501 requests over 6.06 s under 250 per 3 s: 99.0% of the limit."""
    from benchmarks.pacing import Pacing  # noqa: PLC0415 - see the module docstring

    paced = Pacing("one process, Client", 250, 3.0, 5, 0.01, 501, 15_015, 6.06, 250, 5, 0)
    return dataclasses.replace(paced, **changes)


def test_pacing_passes_at_97_percent_and_never_above_a_limit() -> None:
    """Slower than 97%, one request over either limit, or a 429: FAIL."""
    from benchmarks.pacing import pacing_row  # noqa: PLC0415 - see the module docstring

    assert _pacing().share == pytest.approx(0.990, abs=0.001)
    assert pacing_row(_pacing()).passed
    assert pacing_row(_pacing(span=500 / 250 * 3.0 / 0.97)).passed
    assert not pacing_row(_pacing(span=500 / 250 * 3.0 / 0.96)).passed
    assert not pacing_row(_pacing(max_in_window=251)).passed
    assert not pacing_row(_pacing(max_in_short_window=6)).passed
    assert not pacing_row(_pacing(too_many=1)).passed


def _paired(ratio: float) -> Paired:
    from benchmarks.startup import Paired, Spread  # noqa: PLC0415 - see the module docstring

    return Paired(Spread((ratio * 0.1,)), Spread((0.1,)), Spread((ratio, ratio)))


@pytest.mark.parametrize(("target", "within", "beyond"), [(1.5, 1.5, 1.51), (1.3, 1.3, 1.31)])
def test_start_up_rows_pass_up_to_their_own_ratio(
    target: float, within: float, beyond: float
) -> None:
    """``--help`` / import click at most 1.5x; ``history --demo`` / import httpx at most 1.3x."""
    from benchmarks import startup  # noqa: PLC0415 - see the module docstring

    assert {startup.HELP_TARGET, startup.HISTORY_TARGET} == {1.5, 1.3}
    assert startup.ratio_row("x", _paired(within), target).passed
    assert not startup.ratio_row("x", _paired(beyond), target).passed


def test_a_big_ledger_row_passes_under_half_a_second_warm() -> None:
    """The verdict is on the warm median; the cold runs are shown beside it."""
    from benchmarks.ledger_waits import timed_row  # noqa: PLC0415 - see the module docstring
    from benchmarks.startup import Spread  # noqa: PLC0415

    assert timed_row("x", Spread((0.1, 0.4, 0.9)), Spread((2.0,))).passed
    row = timed_row("x", Spread((0.4, 0.5, 0.6)), Spread((0.1,)))
    assert (row.passed, row.verdict) == (False, "FAIL")


def test_the_table_has_one_line_per_row_with_its_verdict() -> None:
    """A Markdown table: what, figure, target, PASS or FAIL."""
    from benchmarks._common import Row, table  # noqa: PLC0415 - see the module docstring

    lines = table([Row("a", "1", "≤ 2", passed=True), Row("b", "3", "≤ 2", passed=False)])
    assert lines.splitlines()[2:] == ["| a | 1 | ≤ 2 | PASS |", "| b | 3 | ≤ 2 | FAIL |"]


def test_only_runs_the_rows_named_and_the_exit_status_follows_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--only`` picks rows by function name; a FAIL makes the exit status 1."""
    from benchmarks import cli  # noqa: PLC0415 - see the module docstring
    from benchmarks._common import Config, Row  # noqa: PLC0415

    def passing(config: Config) -> Row:
        return Row("passing", str(config.entries), "-", passed=True)

    def failing(_config: Config) -> Row:
        return Row("failing", "0", "-", passed=False)

    monkeypatch.setattr(cli, "ROWS", (passing, failing))
    assert cli.main(["--only", "passing", "--quick"]) == 0
    assert "| passing | 2000 | - | PASS |" in capsys.readouterr().out
    assert cli.main([]) == 1
    assert "| failing | 0 | - | FAIL |" in capsys.readouterr().out


def test_every_row_has_its_own_name() -> None:
    """``--only`` names a row by its function: no two alike."""
    from benchmarks import cli  # noqa: PLC0415 - see the module docstring

    names = [row.__name__ for row in cli.ROWS]
    assert len(set(names)) == len(names) == 11


def test_ledger_size_option_reads_a_count() -> None:
    """``--ledger-size 10_000_000`` and ``1,000`` are counts; 0 is refused."""
    from benchmarks import cli  # noqa: PLC0415 - see the module docstring

    assert cli._positive("10_000_000") == 10_000_000
    assert cli._positive("1,000") == 1_000
    with pytest.raises(Exception, match="at least 1"):
        cli._positive("0")


@pytest.mark.slow
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
