"""``sync`` sees only the storage protocol: a storage that is not SQLite syncs the same history."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from youcam_units.ledger import PassState, sync
from youcam_units.ledger._storage import Superseded

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from youcam_units import HistoryEntry
    from youcam_units.ledger import LedgerStorage, SummaryStorage
    from youcam_units.mock import MockService

    from ledger.conftest import AnyLedger, MakeClient


class MemoryStorage:
    """A ledger kept in dicts: what a second storage module would implement."""

    def __init__(self) -> None:
        self.entries: dict[int, HistoryEntry] = {}
        self.staged: dict[int, HistoryEntry] = {}
        self.state = PassState(0, None, None, None, None, None, None, None)

    @property
    def location(self) -> str:
        """For messages."""
        return "memory"

    def __len__(self) -> int:
        return len(self.entries)

    def pass_state(self) -> PassState:
        """The state as last written."""
        return self.state

    def write_pass(
        self,
        expected_version: int,
        state: Mapping[str, int | str | None],
        *,
        stage: Sequence[HistoryEntry] = (),
        drop_staged: bool = False,
        promote: bool = False,
    ) -> tuple[int, int]:
        """The protocol's write, all or nothing: the checks come before any change."""
        if expected_version != self.state.version:
            raise Superseded
        if drop_staged:
            self.staged.clear()
        for entry in stage:
            self.staged.setdefault(entry.id, entry)
        added = 0
        if promote:
            before = len(self.entries)
            for key, entry in self.staged.items():
                self.entries.setdefault(key, entry)
            added = len(self.entries) - before
            self.staged.clear()
        version = self.state.version + 1
        self.state = dataclasses.replace(self.state, version=version, **state)  # type: ignore[arg-type]
        return version, added


def test_sync_into_a_storage_that_is_not_sqlite(
    service: MockService, make_client: MakeClient
) -> None:
    """A first sync, then k new entries: the memory ledger ends equal to the source."""
    storage = MemoryStorage()
    typed: LedgerStorage = storage
    first = sync(typed, make_client())
    service.add_entries(31)
    second = sync(typed, make_client())
    newest_first = sorted(storage.entries.values(), key=lambda e: (e.timestamp_ms, e.id))[::-1]
    assert [e.to_dict() for e in newest_first] == list(service.iter_entries())
    assert (first.new_entries, second.new_entries) == (200, 31)
    assert storage.state.frontier_id == service.entry(0)["id"]
    assert storage.state.resume_token is None
    assert not storage.staged


def test_both_storages_implement_both_protocols(
    ledger: AnyLedger, service: MockService, make_client: MakeClient
) -> None:
    """Both ledgers are ``LedgerStorage`` and ``SummaryStorage``: mypy checks the assignments."""
    storage: LedgerStorage = ledger
    totals: SummaryStorage = ledger
    assert sync(storage, make_client()).new_entries == 200
    assert sum(t.entries for t in totals.totals(None, None, per="action")) == 200
    oldest = min(entry["timestamp"] for entry in service.iter_entries())
    assert totals.oldest_timestamp_ms() == oldest
