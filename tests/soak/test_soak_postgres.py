"""The PostgreSQL ledger under SIGKILL and under two syncs at once, while entries arrive.

A real server (``postgres_server``), the mock over HTTP with a growing history, each sync a
process of its own (``postgres_trials``). Nothing here is timed.
"""

from __future__ import annotations

import pytest
from postgres_trials import run_concurrent_syncs, run_postgres_crash_trials

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_twenty_sigkills_while_entries_arrive_lose_nothing_and_store_nothing_twice(
    postgres_url: str,
) -> None:
    """20 syncs killed at random moments, one run to the end: the ledger is the source."""
    trials = run_postgres_crash_trials(
        f"{postgres_url}?ledger=trial", postgres_url, "trial", kills=20, entries=3_000, seed=7
    )

    assert trials.kills == 20, trials
    assert trials.arrived > 0  # new entries came in while the syncs were being killed
    check = trials.check
    assert check is not None
    assert check.equal, trials
    assert check.entries == check.kept_count == 3_000 + trials.arrived
    assert (check.staged, check.pass_open) == (0, False)
    assert check.rollup_ok


def test_two_syncs_of_one_account_at_once_lose_and_duplicate_nothing(postgres_url: str) -> None:
    """Two processes sync the same ledger side by side, three times, while entries arrive."""
    syncs = run_concurrent_syncs(f"{postgres_url}?ledger=shared", rounds=3, entries=1_500, seed=9)

    assert syncs.arrived > 0
    check = syncs.check
    assert check.equal, syncs
    assert check.entries == check.kept_count == syncs.reported_new == 1_500 + syncs.arrived
    assert (check.staged, check.pass_open) == (0, False)
    assert check.rollup_ok
