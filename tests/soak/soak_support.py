"""Soak and crash trials for ``tests/soak``: checks of data, never of time.

``run_soak`` reads a mock's history through the facade while the mock fails a seeded share of
requests with every fault kind it has, and compares what came out with the mock's own data:
every entry exactly once, in order. ``run_crash_trials`` runs ``youcam-units sync --demo`` as a
subprocess, kills it with SIGKILL at seeded random moments, reruns it until it completes, and
compares the ledger with the same mock, entry by entry.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import stamina
from youcam_units import AsyncClient, Client, RetryEvent, YouCamError
from youcam_units.ledger import Ledger
from youcam_units.mock import DEFAULT_TOKEN, FaultKind, FaultPlan, MockService

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "BASE_URL",
    "CrashTrial",
    "KillPoint",
    "SoakResult",
    "draw_kill",
    "run_crash_trials",
    "run_soak",
    "sync_command",
]

#: The in-process mock answers any URL; a loopback one passes the facade's http:// check.
BASE_URL = "http://127.0.0.1"
#: Caller-level resumes allowed per soak before it gives up (a bug would otherwise loop).
_MAX_RESUMES = 10_000
#: A sync run that is not killed must finish within this many seconds.
_RUN_TIMEOUT = 300.0
#: How often the ledger's entry count is read while waiting for a kill point, in seconds.
_POLL = 0.005
#: A mid-sync kill comes up to this many seconds after its entry count is reached.
_JITTER = 0.02
#: A mid-sync kill point leaves at least this many pages to go.
_LAST_PAGES = 10


# -- soak -----------------------------------------------------------------------------------------


@dataclass
class SoakResult:
    """What one soak read saw."""

    mode: str
    """``sync`` or ``async``: which facade client read."""
    expected: int
    """Entries in the mock's data set."""
    read: int
    """Entries the facade handed out."""
    exactly_once_in_order: bool
    """The entries read equal the mock's, one for one, in the mock's order (whole dicts)."""
    first_difference: int | None
    """Index of the first entry that differs (None when equal)."""
    requests: int
    """Requests the mock handled, faulted ones included."""
    faults: Counter[str] = field(default_factory=Counter)
    """Faults the mock injected, by kind (its own counter)."""
    retries: Counter[str] = field(default_factory=Counter)
    """Retries the facade made, by cause (its ``on_retry`` hook)."""
    resumes: Counter[str] = field(default_factory=Counter)
    """Errors the facade raised that the reader resumed from (``continuation_token``)."""
    skipped_wait: float = 0.0
    """Seconds of backoff the retry policy asked for, skipped by stamina's testing mode."""

    @property
    def accounted(self) -> bool:
        """Every injected fault was met by exactly one retry or one resume."""
        return self.faults.total() == self.retries.total() + self.resumes.total()


def _cause(event: RetryEvent) -> str:
    if event.status_code is not None:
        return str(event.status_code)
    return type(event.error).__name__


def run_soak(
    *,
    entries: int,
    fault_rate: float,
    seed: int,
    max_retries: int = 10,
    mode: str = "sync",
) -> SoakResult:
    """Read ``entries`` through the facade with ``fault_rate`` of requests failing (all kinds).

    Backoff waits are removed with ``stamina.set_testing`` (the facade's documented switch; its
    ``RetryPolicy`` waits are not configurable through ``Client``). A failure the facade does not
    retry (a 200 whose JSON is cut short) ends the iteration with a ``YouCamError``; the reader
    then resumes from the error's ``continuation_token``, as the facade documents.
    """
    plan = FaultPlan.random(fault_rate, seed, kinds=tuple(FaultKind))
    service = MockService(seed=seed, entries=entries, faults=plan)
    events: list[RetryEvent] = []
    resumes: Counter[str] = Counter()
    with stamina.set_testing(True, attempts=max_retries + 1, cap=True):
        if mode == "sync":
            got = _soak_sync(service, max_retries, events, resumes)
        elif mode == "async":
            got = asyncio.run(_soak_async(service, max_retries, events, resumes))
        else:
            raise ValueError(f"mode must be 'sync' or 'async', not {mode!r}")
    expected = list(service.iter_entries())
    first_difference = next(
        (i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b),
        None if len(got) == len(expected) else min(len(got), len(expected)),
    )
    return SoakResult(
        mode=mode,
        expected=len(expected),
        read=len(got),
        exactly_once_in_order=got == expected,
        first_difference=first_difference,
        requests=service.log.count,
        faults=Counter({str(kind.value): n for kind, n in service.log.by_fault.items()}),
        retries=Counter(_cause(event) for event in events),
        resumes=resumes,
        skipped_wait=sum(event.wait for event in events),
    )


def _soak_sync(
    service: MockService,
    max_retries: int,
    events: list[RetryEvent],
    resumes: Counter[str],
) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    with (
        httpx.Client(transport=service.transport()) as http,
        Client(
            DEFAULT_TOKEN,
            base_url=BASE_URL,
            http_client=http,
            rate_limit=None,
            max_retries=max_retries,
            on_retry=events.append,
        ) as client,
    ):
        token: str | None = None
        while True:
            try:
                got.extend(entry.to_dict() for entry in client.history(starting_token=token))
            except YouCamError as exc:
                _count_resume(resumes, exc)
                token = exc.continuation_token
                continue
            return got


async def _soak_async(
    service: MockService,
    max_retries: int,
    events: list[RetryEvent],
    resumes: Counter[str],
) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    async with (
        httpx.AsyncClient(transport=service.transport()) as http,
        AsyncClient(
            DEFAULT_TOKEN,
            base_url=BASE_URL,
            http_client=http,
            rate_limit=None,
            max_retries=max_retries,
            on_retry=events.append,
        ) as client,
    ):
        token: str | None = None
        while True:
            try:
                got.extend([e.to_dict() async for e in client.history(starting_token=token)])
            except YouCamError as exc:
                _count_resume(resumes, exc)
                token = exc.continuation_token
                continue
            return got


def _count_resume(resumes: Counter[str], exc: YouCamError) -> None:
    resumes[type(exc).__name__] += 1
    if resumes.total() > _MAX_RESUMES:
        raise RuntimeError("too many resumes: the reader is not making progress") from exc


# -- crash trials ---------------------------------------------------------------------------------


@dataclass
class CrashTrial:
    """One trial: runs of ``youcam-units sync`` until one completes, with kills in between."""

    number: int
    seed: int
    entries: int
    runs: int = 0
    kills: int = 0
    kill_points: list[str] = field(default_factory=list)
    """Where each kill was aimed (see ``KillPoint``)."""
    stored_at_kill: list[int] = field(default_factory=list)
    """Entries in the ledger right after each kill (0: killed before the first commit)."""
    partial_ok: bool = True
    """After every kill, each stored entry equalled the source's entry with its id."""
    equal: bool = False
    """After the completing run, the ledger equalled the source, entry by entry, in order."""
    rerun_new_entries: int | None = None
    """New entries reported by one more sync after completion (0 expected)."""
    frontier_ok: bool = False
    """After the completing run, the frontier is the source's newest entry and no pass is open."""


def sync_command(db: Path, *, seed: int, entries: int) -> list[str]:
    """The ``youcam-units sync --demo`` command line for a ledger file and a demo data set."""
    script = Path(sys.executable).parent / "youcam-units"
    prefix = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from youcam_units._cli import main; main()"]
    )
    return [
        *prefix,
        "sync",
        "--demo",
        "--seed",
        str(seed),
        "--entries",
        str(entries),
        "--db",
        str(db),
    ]


def _environment() -> dict[str, str]:
    """The current environment minus the variables the CLI reads (a demo needs none)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("YOUCAM_")}


def _timed_run(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own command line
        command, check=True, capture_output=True, env=_environment(), timeout=_RUN_TIMEOUT
    )
    return time.perf_counter() - started


def _stored(db: Path) -> list[dict[str, Any]]:
    """The raw entries in a ledger file, newest first, read without the Ledger class (no writes)."""
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        tables = {
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "entries" not in tables:
            return []
        # What a killed run kept: the ledger's entries and the pass's staged ones (schema v2;
        # from v3 on, staged rows are keyed by ~id).
        staged = {name for (_, name, *_) in conn.execute("PRAGMA table_info(staged)")}
        staged_id = "~key" if "key" in staged else "id"
        union = (
            f" UNION SELECT timestamp_ms, {staged_id}, raw FROM staged"  # noqa: S608 - fixed names
            if staged
            else ""
        )
        rows = conn.execute(
            f"SELECT timestamp_ms, id, raw FROM entries{union} "  # noqa: S608 - fixed names
            "ORDER BY timestamp_ms DESC, id DESC"
        )
        return [json.loads(raw, parse_float=Decimal) for (_, _, raw) in rows]
    finally:
        conn.close()


def _subset_of(stored: Iterable[dict[str, Any]], source: dict[int, dict[str, Any]]) -> bool:
    return all(source.get(entry["id"]) == entry for entry in stored)


@dataclass(frozen=True)
class KillPoint:
    """When to kill one run: once ``after_entries`` are committed, then ``delay`` seconds later.

    ``after_entries`` None: ``delay`` seconds after the start, wherever the run is (often still
    starting up, or creating the ledger).
    """

    after_entries: int | None
    delay: float

    def describe(self) -> str:
        """For assertion messages: where the kill was aimed."""
        if self.after_entries is None:
            return f"{self.delay:.2f} s after start"
        return f"{self.delay * 1000:.0f} ms after {self.after_entries:,} stored"


def draw_kill(
    rng: random.Random, *, stored: int, entries: int, full_run: float, first: bool
) -> KillPoint:
    """A seeded kill point for a run that starts with ``stored`` entries in the ledger.

    The first kill of a trial, and three in four of the others, land mid-sync: a random count
    of entries above what is stored (leaving at least ``_LAST_PAGES`` pages to go, so the run is
    still going), then a random few milliseconds more, so the kill falls anywhere in a page's
    request-store-commit cycle. The rest land at a random time from the start.
    """
    if first or rng.random() < 0.75:
        ceiling = max(stored, entries - _LAST_PAGES * 30)
        return KillPoint(rng.randint(stored, ceiling), rng.uniform(0.0, _JITTER))
    return KillPoint(None, rng.uniform(0.0, full_run))


def run_crash_trials(
    *,
    trials: int,
    entries: int,
    seed: int,
    workdir: Path,
    max_kills: int = 3,
    min_kills: int = 1,
) -> tuple[list[CrashTrial], float]:
    """Run ``trials`` kill-and-rerun trials; return them and one uninterrupted run's seconds.

    Each trial syncs a fresh ledger from ``--demo --seed <seed + trial>``. A seeded number of
    runs (``min_kills`` to ``max_kills``) are killed with SIGKILL at seeded points
    (``draw_kill``); then the command runs to completion. The ledger is then compared with
    ``MockService(seed, entries)``.
    """
    rng = random.Random(seed)  # noqa: S311 - seeded kill points, not crypto
    calibration = workdir / "calibration.sqlite3"
    full_run = _timed_run(sync_command(calibration, seed=seed, entries=entries))
    results: list[CrashTrial] = []
    for number in range(trials):
        trial_seed = seed + number + 1
        db = workdir / f"trial-{number}.sqlite3"
        source_list = list(MockService(seed=trial_seed, entries=entries).iter_entries())
        source = {entry["id"]: entry for entry in source_list}
        trial = CrashTrial(number=number, seed=trial_seed, entries=entries)
        planned = rng.randint(min_kills, max_kills)
        command = sync_command(db, seed=trial_seed, entries=entries)
        stored = 0
        while True:
            trial.runs += 1
            kill = None
            if trial.kills < planned:
                kill = draw_kill(
                    rng, stored=stored, entries=entries, full_run=full_run, first=trial.runs == 1
                )
            if _run_until(command, kill, db):
                break
            if kill is not None:
                trial.kill_points.append(kill.describe())
            trial.kills += 1
            rows = _stored(db)
            stored = len(rows)
            trial.stored_at_kill.append(stored)
            trial.partial_ok = trial.partial_ok and _subset_of(rows, source)
        with Ledger(db) as ledger:
            trial.equal = len(ledger) == len(source_list) and (
                list(ledger.raw_entries()) == source_list
            )
            trial.frontier_ok = (
                ledger.frontier_id == source_list[0]["id"] and ledger.pass_head_id is None
            )
        after = subprocess.run(  # noqa: S603 - our own command line
            command, check=True, capture_output=True, text=True, env=_environment()
        )
        trial.rerun_new_entries = _new_entries(after.stdout)
        results.append(trial)
    return results, full_run


def _count(db: Path) -> int:
    """Entries committed to the ledger so far, read without writing (0 before it exists)."""
    try:
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=0.1)
    except sqlite3.Error:
        return 0
    try:
        # Entries kept so far: in the ledger, or staged by the pass in progress (schema v2).
        row = conn.execute(
            "SELECT (SELECT COUNT(*) FROM entries) + (SELECT COUNT(*) FROM staged)"
        ).fetchone()
    except sqlite3.Error:
        return 0
    finally:
        conn.close()
    return int(row[0])


def _run_until(command: list[str], kill: KillPoint | None, db: Path) -> bool:
    """Run ``command``, killing it with SIGKILL at ``kill``. True when it completed (exit 0)."""
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, stdout=subprocess.DEVNULL, stderr=stderr, env=_environment()
        )
        try:
            if kill is not None:
                deadline = time.monotonic() + _RUN_TIMEOUT
                if kill.after_entries is not None:
                    while process.poll() is None and _count(db) < kill.after_entries:
                        if time.monotonic() > deadline:
                            raise RuntimeError("sync made no progress towards the kill point")
                        time.sleep(_POLL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=kill.delay)
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    return False
            process.wait(timeout=_RUN_TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if process.returncode != 0:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace").strip()
            raise RuntimeError(f"sync exited {process.returncode}: {message}")
    return True


def _new_entries(stdout: str) -> int | None:
    """The count from ``synced PATH: N new entries ...``."""
    _, _, rest = stdout.partition(": ")
    head = rest.split(" new entries", 1)[0].replace(",", "")
    return int(head) if head.isdigit() else None
