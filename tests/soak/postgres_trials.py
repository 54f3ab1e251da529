"""Crash and concurrency trials of the PostgreSQL ledger, against a mock whose history grows.

The mock is served over HTTP from this process (uvicorn in a thread), with a new entry arriving
every few milliseconds, so every sync meets new entries at its head. Each sync runs in a process
of its own (``WORKER``: the library's ``open_ledger`` and ``sync``, unpaced), which is killed with
SIGKILL at seeded random moments (``run_postgres_crash_trials``) or runs beside another sync of
the same ledger (``run_concurrent_syncs``). At the end the mock's clock is frozen, one more sync
completes, and the ledger must equal the mock's history: every entry once, exactly as sent.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from youcam_units.ledger import PostgresLedger, open_ledger
from youcam_units.ledger._postgres_schema import DATED_SQL, DAY_SQL
from youcam_units.mock import MockService

from benchmarks._common import serving

__all__ = [
    "WORKER",
    "ConcurrentSyncs",
    "FreezableClock",
    "LedgerCheck",
    "PostgresCrashTrials",
    "check_ledger",
    "run_concurrent_syncs",
    "run_postgres_crash_trials",
]

WORKER = """
import os, sys
from youcam_units import Client
from youcam_units.ledger import open_ledger, sync
from youcam_units.mock import DEFAULT_TOKEN

with (
    open_ledger(os.environ["TRIAL_DB"]) as ledger,
    Client(DEFAULT_TOKEN, base_url=sys.argv[1], rate_limit=None, max_retries=0) as client,
):
    result = sync(ledger, client)
print(result.new_entries, int(result.superseded))
"""
"""One sync of ``$TRIAL_DB`` (the URL stays out of the command line) from the mock at argv[1]."""

_RUN_TIMEOUT = 300.0
_POLL = 0.005


class FreezableClock:
    """``time.monotonic`` until frozen: the mock's arrivals stop for the final comparison."""

    def __init__(self) -> None:
        self._frozen: float | None = None

    def __call__(self) -> float:
        """Now, or the moment the clock was frozen."""
        return time.monotonic() if self._frozen is None else self._frozen

    def freeze(self) -> None:
        """Stop the clock (and with it the arrivals) now."""
        self._frozen = time.monotonic()


def _environment(db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOUCAM_")}
    env["TRIAL_DB"] = db
    return env


def _start(db: str, base_url: str, output: Any) -> subprocess.Popen[bytes]:
    """A sync of ``db`` in a process of its own; stdout and stderr to the file ``output``."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER, base_url],
        stdout=output,
        stderr=output,
        env=_environment(db),
    )


def _finish(process: subprocess.Popen[bytes], output: Any) -> tuple[int, bool]:
    """Wait for a sync; its new entries and whether it left the work to another."""
    process.wait(timeout=_RUN_TIMEOUT)
    output.seek(0)
    text = output.read().decode(errors="replace").strip()
    if process.returncode != 0:
        raise RuntimeError(f"sync exited {process.returncode}: {text[-2000:]}")
    new, superseded = text.split()[-2:]
    return int(new), superseded == "1"


def _run_to_completion(db: str, base_url: str) -> int:
    with tempfile.TemporaryFile() as output:
        return _finish(_start(db, base_url, output), output)[0]


def _kept(conninfo: str, ledger: str) -> int:
    """Entries the ledger holds or has staged so far (0 before its tables exist)."""
    import psycopg  # noqa: PLC0415 - the postgres extra

    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            row = conn.execute(
                "SELECT (SELECT COUNT(*) FROM youcam_units.entries WHERE ledger = %s)"
                " + (SELECT COUNT(*) FROM youcam_units.staged WHERE ledger = %s)",
                (ledger, ledger),
            ).fetchone()
    except psycopg.errors.UndefinedTable:
        return 0
    return int(row[0]) if row else 0


@dataclass
class LedgerCheck:
    """What the final comparison found."""

    equal: bool
    """The ledger's entries equal the mock's history, one for one, newest first."""
    entries: int
    kept_count: int
    """The count the ledger keeps (``len``); equal to ``entries`` when all is well."""
    staged: int
    pass_open: bool
    rollup_ok: bool
    """The rollup equals the entries' totals per day and action, counted afresh."""


def check_ledger(db: str, service: MockService) -> LedgerCheck:
    """Compare the ledger at ``db`` with ``service``'s history (frozen by now)."""
    with open_ledger(db, read_only=True) as ledger:
        if not isinstance(ledger, PostgresLedger):
            raise TypeError(f"not a PostgreSQL ledger: {ledger.location}")
        rolled = ledger.query(
            "SELECT day, action, entries, spent, granted FROM rollup WHERE ledger = ? "
            "ORDER BY day, action",
            [ledger.name],
        )
        recounted = ledger.query(
            f"SELECT ({DAY_SQL})::INTEGER AS day, action, COUNT(*), SUM(spent), SUM(granted) "  # noqa: S608 - fixed names
            f"FROM entries WHERE ledger = ? AND {DATED_SQL} GROUP BY 1, 2 ORDER BY 1, 2",
            [ledger.name],
        )
        stored = list(ledger.raw_entries())
        source = list(service.iter_entries())
        state = ledger.pass_state()
        return LedgerCheck(
            equal=stored == source,
            entries=len(stored),
            kept_count=len(ledger),
            staged=ledger.staged_count,
            pass_open=state.pass_head_id is not None or state.resume_token is not None,
            rollup_ok=rolled == recounted,
        )


@dataclass
class PostgresCrashTrials:
    """What the crash trials did and found."""

    kills: int = 0
    completed_runs: int = 0
    """Runs that finished before their kill point (they count, but are no kill)."""
    kill_points: list[str] = field(default_factory=list)
    arrived: int = 0
    """Entries that arrived at the mock's head while the trials ran."""
    check: LedgerCheck | None = None


def run_postgres_crash_trials(
    db: str,
    conninfo: str,
    ledger: str,
    *,
    kills: int,
    entries: int,
    seed: int,
    arrival_interval: float = 0.005,
) -> PostgresCrashTrials:
    """Kill ``kills`` syncs of ``db`` with SIGKILL at seeded random moments, then finish one.

    Three kills in four come once the ledger keeps a random number more entries than before
    (plus up to 20 ms, so they fall anywhere in a page's request-write-commit cycle); the others
    at a random time after the start (connecting, migrating, reading the head).
    """
    rng = random.Random(seed)  # noqa: S311 - seeded kill points, not crypto
    clock = FreezableClock()
    service = MockService(
        seed=seed, entries=entries, clock=clock, arrival_interval=arrival_interval
    )
    trials = PostgresCrashTrials()
    with serving(service.asgi_app()) as base_url:
        while trials.kills < kills:
            if trials.completed_runs > 4 * kills:
                raise RuntimeError("the syncs keep finishing before their kill points")
            before = _kept(conninfo, ledger)
            mid_sync = rng.random() < 0.75  # three kills in four come mid-sync
            after = before + rng.randint(1, 200) if mid_sync else None
            delay = rng.uniform(0.0, 0.02) if mid_sync else rng.uniform(0.0, 0.6)
            with tempfile.TemporaryFile() as stderr:
                process = _start(db, base_url, stderr)
                try:
                    deadline = time.monotonic() + _RUN_TIMEOUT
                    while (
                        after is not None
                        and process.poll() is None
                        and _kept(conninfo, ledger) < after
                    ):
                        if time.monotonic() > deadline:
                            raise RuntimeError("the sync made no progress towards its kill point")
                        time.sleep(_POLL)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        process.wait(timeout=delay)
                    if process.poll() is None:
                        process.send_signal(signal.SIGKILL)
                        process.wait()
                        trials.kills += 1
                        trials.kill_points.append(
                            f"{delay * 1000:.0f} ms after {after} kept"
                            if after is not None
                            else f"{delay:.2f} s after start"
                        )
                        continue
                    _finish(process, stderr)
                    trials.completed_runs += 1
                finally:
                    if process.poll() is None:
                        process.kill()
                        process.wait()
        clock.freeze()
        trials.arrived = service.total - entries
        _run_to_completion(db, base_url)
        trials.check = check_ledger(db, service)
    return trials


@dataclass
class ConcurrentSyncs:
    """What the concurrent syncs did and found."""

    arrived: int
    """Entries that arrived at the mock's head while the syncs ran."""
    reported_new: int
    """The new entries every run reported, added up: each entry is counted by one run only."""
    superseded: int
    """Runs that found the other one had moved the pass on, and left the work to it."""
    check: LedgerCheck


def run_concurrent_syncs(
    db: str, *, rounds: int, entries: int, seed: int, arrival_interval: float = 0.002
) -> ConcurrentSyncs:
    """``rounds`` times, two syncs of ``db`` at once while entries arrive; then check."""
    clock = FreezableClock()
    service = MockService(
        seed=seed, entries=entries, clock=clock, arrival_interval=arrival_interval
    )
    reported = superseded = 0
    with serving(service.asgi_app()) as base_url:
        for _ in range(rounds):
            with tempfile.TemporaryFile() as first_out, tempfile.TemporaryFile() as second_out:
                first = _start(db, base_url, first_out)
                second = _start(db, base_url, second_out)
                for process, output in ((first, first_out), (second, second_out)):
                    new, left = _finish(process, output)
                    reported += new
                    superseded += left
        clock.freeze()
        arrived = service.total - entries
        reported += _run_to_completion(db, base_url)
        return ConcurrentSyncs(arrived, reported, superseded, check_ledger(db, service))
