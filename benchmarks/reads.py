"""Requests a read costs, counted by the mock: a full read, and a ledger sync of k new entries."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from youcam_units.ledger import Ledger, sync
from youcam_units.mock import MockService

from benchmarks._common import SEED, Config, Row, mock_client, pages, read_all


@dataclass(frozen=True)
class FullRead:
    """One client read every entry of the mock's history."""

    client: str
    entries: int
    read: int
    requests: int


def measure_full_read(config: Config, client: str) -> FullRead:
    """Read all ``config.entries`` through ``Client`` or ``AsyncClient``, pacing off."""
    service = MockService(seed=SEED, entries=config.entries)
    read = read_all(service.transport(), client)
    return FullRead(client, config.entries, read, service.log.count)


def full_read_row(result: FullRead) -> Row:
    """Every entry, in ceil(N/30) requests."""
    budget = pages(result.entries)
    return Row(
        f"requests: `{result.client}` reads all N = {result.entries:,} entries",
        f"{result.requests:,} requests, {result.read:,} entries read",
        f"≤ ceil(N/30) = {budget:,}",
        result.read == result.entries and result.requests <= budget,
    )


def client_full_read(config: Config) -> Row:
    """Row: a full read through ``Client``."""
    return full_read_row(measure_full_read(config, "Client"))


def async_client_full_read(config: Config) -> Row:
    """Row: a full read through ``AsyncClient``."""
    return full_read_row(measure_full_read(config, "AsyncClient"))


@dataclass(frozen=True)
class SyncStep:
    """One ledger sync: entries new at the head, requests the mock counted, entries stored."""

    new: int
    requests: int
    stored: int


def measure_syncs(config: Config, workdir: Path) -> tuple[list[SyncStep], bool]:
    """Sync an empty ledger, then add k entries at the head before each further sync.

    Returns the steps (the first: k = N) and whether the ledger then equals the mock's data.
    """
    service = MockService(seed=SEED, entries=config.entries)
    steps: list[SyncStep] = []
    with (
        mock_client(service.transport()) as client,
        Ledger(workdir / "incremental.sqlite3") as ledger,
    ):
        for new in (None, *config.sync_ks):
            if new is not None:
                service.add_entries(new)
            before = service.log.count
            result = sync(ledger, client)
            steps.append(
                SyncStep(
                    config.entries if new is None else new,
                    service.log.count - before,
                    result.new_entries,
                )
            )
        equal = list(ledger.raw_entries()) == list(service.iter_entries())
    return steps, equal


def sync_row(steps: list[SyncStep], *, equal: bool) -> Row:
    """Each sync of k new entries within ceil(k/30)+1 requests, storing exactly k."""
    figure = ", ".join(f"k={s.new:,}: {s.requests}" for s in steps)
    return Row(
        "requests: `ledger.sync` of k new entries (first: the whole history)",
        f"{figure}; ledger equals the source: {equal}",
        "≤ ceil(k/30)+1 each",
        equal and all(s.requests <= pages(s.new) + 1 and s.stored == s.new for s in steps),
    )


def incremental_sync(config: Config) -> Row:
    """Row: the requests of each ledger sync."""
    with tempfile.TemporaryDirectory() as workdir:
        steps, equal = measure_syncs(config, Path(workdir))
    return sync_row(steps, equal=equal)
