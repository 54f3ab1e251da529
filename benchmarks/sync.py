"""Incremental sync: k new entries, one more sync each, with the requests it costs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from youcam_units import Client
from youcam_units.ledger import Ledger, sync
from youcam_units.mock import DEFAULT_TOKEN, MockService

from benchmarks._common import BASE_URL, SEED, Config, bound

if TYPE_CHECKING:
    from pathlib import Path

# -- incremental sync -----------------------------------------------------------------------------


@dataclass
class SyncRow:
    """One ledger sync: entries new at the head, requests the mock counted, the budget."""

    label: str
    new: int
    requests: int
    stored: int
    ledger_total_ok: bool

    @property
    def bound(self) -> int:
        """ceil(new/30) + 1."""
        return bound(self.new)


def measure_sync(config: Config, workdir: Path) -> tuple[list[SyncRow], bool]:
    """Sync an empty ledger, then add k entries at the head before each further sync."""
    service = MockService(seed=SEED, entries=config.sync_base)
    rows: list[SyncRow] = []
    with (
        httpx.Client(transport=service.transport()) as http,
        Client(DEFAULT_TOKEN, base_url=BASE_URL, http_client=http, rate_limit=None) as client,
        Ledger(workdir / "incremental.sqlite3") as ledger,
    ):

        def one(label: str, new: int) -> None:
            before = service.log.count
            result = sync(ledger, client)
            rows.append(
                SyncRow(
                    label,
                    new,
                    service.log.count - before,
                    result.new_entries,
                    len(ledger) == service.total,
                )
            )

        one(f"first sync, empty ledger (N = {config.sync_base:,})", config.sync_base)
        for k in config.sync_ks:
            service.add_entries(k)
            one(f"k = {k:,} new at the head", k)
        equal = list(ledger.raw_entries()) == list(service.iter_entries())
    return rows, equal
