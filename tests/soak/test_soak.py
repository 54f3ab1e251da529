"""Soak and crash trials: the facade under faults, and ``youcam-units sync`` killed with SIGKILL.

Checks of data, never of time, at the sizes ``scripts/bench --soak`` ran before they became
tests: 10,000 entries with 20% of requests failing, and 20 crash trials of 5,000 entries. The
slow tier: about a minute and a half of one core in all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from soak_support import run_crash_trials, run_soak
from youcam_units.mock import FaultKind

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow

# A seed whose fault draw covers every kind within the ~415 requests of a 10,000-entry read.
SOAK_SEED = 4
SOAK_ENTRIES = 10_000


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_faulty_mock_yields_every_entry_exactly_once_in_order(mode: str) -> None:
    """With 20% of requests failing in every way the mock can, each entry comes once, in order."""
    result = run_soak(entries=SOAK_ENTRIES, fault_rate=0.2, seed=SOAK_SEED, mode=mode)

    assert set(result.faults) == {kind.value for kind in FaultKind}
    assert result.read == result.expected == SOAK_ENTRIES
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


def test_twenty_trials_of_up_to_three_sigkills_each_end_equal_to_the_source(
    tmp_path: Path,
) -> None:
    """``scripts/bench --soak``'s trials: 20 of 5,000 entries, 1 to 3 kills planned in each.

    Every partial ledger holds only the source's entries; every final one equals the source,
    its frontier the newest entry; one more sync finds nothing new.
    """
    trials, _ = run_crash_trials(trials=20, entries=5_000, seed=20261125, workdir=tmp_path)

    assert len(trials) == 20
    assert sum(trial.kills for trial in trials) >= 20
    for trial in trials:
        assert trial.partial_ok, trial
        assert trial.equal, trial
        assert trial.frontier_ok, trial
        assert trial.rerun_new_entries == 0, trial
