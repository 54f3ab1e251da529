"""The soak and SIGKILL crash trials' section of the report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from benchmarks.report import _commit

if TYPE_CHECKING:
    from benchmarks._common import Config
    from benchmarks.trials import CrashTrial, SoakResult

# -- soak report ----------------------------------------------------------------------------------


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counter.items())) or "none"


def soak_section(
    soaks: list[SoakResult],
    trials: list[CrashTrial],
    full_run: float,
    config: Config,
) -> tuple[list[str], bool]:
    """The soak and crash trial tables; returns the lines and whether every check held."""
    lines = [
        "## Soak and crash trials",
        "",
        (
            f"Run by `scripts/bench --soak` on {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} "
            f"(commit {_commit()})."
        ),
        "",
        (
            f"### {config.soak_entries:,} entries with {config.soak_fault_rate:.0%} of requests "
            "failing"
        ),
        "",
        (
            "The mock fails each request with that probability (seeded), drawing the kind from "
            "every fault it has: 429, 500, 502 (HTML), 503, dropped connection, timeout, "
            "truncated JSON. "
            "The facade reads with `max_retries=10`; stamina's testing mode removes the backoff "
            "sleeps (the waits the policy asked for are summed below). A `YouCamError` that ends "
            "the iteration is resumed from its `continuation_token`. Compared with the mock's own "
            "data, whole entries, in order."
        ),
        "",
        (
            "| client | entries | exactly once, in order | requests | faults injected (mock) "
            "| retries (on_retry) | resumes | backoff skipped |"
        ),
        "| --- | ---: | --- | ---: | --- | --- | --- | ---: |",
    ]
    ok = True
    for soak in soaks:
        ok = ok and soak.exactly_once_in_order and soak.accounted
        lines.append(
            f"| facade {soak.mode} | {soak.read:,} of {soak.expected:,} "
            f"| {soak.exactly_once_in_order} | {soak.requests:,} "
            f"| {soak.faults.total()}: {_counts(soak.faults)} "
            f"| {soak.retries.total()}: {_counts(soak.retries)} "
            f"| {soak.resumes.total()}: {_counts(soak.resumes)} | {soak.skipped_wait:.0f} s |"
        )
    kills = sum(trial.kills for trial in trials)
    runs = sum(trial.runs for trial in trials)
    lines += [
        "",
        f"### `youcam-units sync` killed with SIGKILL: {len(trials)} trials",
        "",
        (
            "Each trial syncs a fresh ledger from "
            f"`--demo --seed S --entries {config.crash_entries}` in a subprocess; one "
            f"uninterrupted run takes {full_run:.2f} s (CLI start-up included). A seeded "
            "number of runs per trial (1 to 3) are killed with SIGKILL at seeded points: the "
            "first of each trial, and three in four of the others, once a random number of "
            "entries above what the ledger holds is committed, plus 0-20 ms (anywhere in a "
            "page's request-store-commit cycle); the rest at a random time from the start. Then "
            "it runs to completion. After every kill, each stored entry must equal the "
            "source's; at the end the ledger must equal `MockService(seed=S, entries=N)` entry "
            "by entry, in order, and one more sync must find 0 new entries."
        ),
        "",
        (
            f"Totals: {runs} runs, {kills} kills, {sum(t.equal for t in trials)} of {len(trials)} "
            "ledgers equal to the source."
        ),
        "",
        (
            "| trial | seed | runs | kills: aimed at -> entries stored after | partial ledgers "
            "sound | final ledger equals source | new on one more sync |"
        ),
        "| ---: | ---: | ---: | --- | --- | --- | ---: |",
    ]
    for trial in trials:
        ok = ok and trial.equal and trial.partial_ok and trial.rerun_new_entries == 0
        kills_cell = (
            "; ".join(
                f"{aim} -> {stored:,}"
                for aim, stored in zip(trial.kill_points, trial.stored_at_kill, strict=True)
            )
            or "none"
        )
        lines.append(
            f"| {trial.number + 1} | {trial.seed} | {trial.runs} | {trial.kills}: {kills_cell} "
            f"| {trial.partial_ok} | {trial.equal} | {trial.rerun_new_entries} |"
        )
    return lines, ok
