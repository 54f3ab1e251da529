"""Quick soak and crash trials: the data checks of ``scripts/bench --soak``, at small sizes.

Nothing here is timed; ``scripts/bench --soak`` runs the full sizes and reports the figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from youcam_units.mock import FaultKind

from benchmarks.trials import run_crash_trials, run_soak

if TYPE_CHECKING:
    from pathlib import Path

# A seed whose fault draw covers every kind within the ~85 requests of a 2,000-entry read.
SOAK_SEED = 4


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_faulty_mock_yields_every_entry_exactly_once_in_order(mode: str) -> None:
    """With 20% of requests failing in every way the mock can, each entry comes once, in order."""
    result = run_soak(entries=2_000, fault_rate=0.2, seed=SOAK_SEED, mode=mode)

    assert set(result.faults) == {kind.value for kind in FaultKind}
    assert result.read == result.expected == 2_000
    assert result.exactly_once_in_order, f"first difference at {result.first_difference}"
    assert result.accounted, (result.faults, result.retries, result.resumes)
    assert result.retries.total() > 0


def test_sync_killed_with_sigkill_and_rerun_leaves_ledger_equal_to_source(tmp_path: Path) -> None:
    """`youcam-units sync` killed at random moments, then rerun, ends with the source's ledger."""
    trials, _ = run_crash_trials(trials=3, entries=1_000, seed=6, workdir=tmp_path, max_kills=1)

    assert [trial.kills for trial in trials] == [1, 1, 1]
    for trial in trials:
        assert trial.partial_ok, trial
        assert trial.equal, trial
        assert trial.rerun_new_entries == 0, trial


def test_sync_survives_two_sigkills_per_trial(tmp_path: Path) -> None:
    """Two kills planned per trial (the first mid-sync), a full rerun: the source's ledger.

    The ledger equals the source, its frontier is the newest entry and no pass is left open.

    What tests/cli/test_cli_sigkill.py checked before it joined these trials (3 trials of 2,000
    entries, two kills each; a kill may miss a run that finishes first).
    """
    trials, _ = run_crash_trials(
        trials=3, entries=2_000, seed=4242, workdir=tmp_path, min_kills=2, max_kills=2
    )

    assert all(1 <= trial.kills <= 2 for trial in trials), trials
    for trial in trials:
        assert trial.partial_ok, trial
        assert trial.equal, trial
        assert trial.frontier_ok, trial
        assert trial.rerun_new_entries == 0, trial
