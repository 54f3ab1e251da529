"""What sync and the schema upgrade tell a progress display while they run."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from youcam_units.ledger import Ledger, SyncResult, sync

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units.mock import MockService

    from ledger.conftest import MakeClient


def test_a_first_pass_reports_what_it_has_read_before_it_joins(
    ledger: Ledger, service: MockService, make_client: MakeClient
) -> None:
    """Page by page the staged count grows while nothing is new; at the end all joins at once."""
    seen: list[SyncResult] = []
    result = sync(ledger, make_client(), on_page=lambda r: seen.append(dataclasses.replace(r)))
    *reading, last = seen
    assert [r.staged_entries for r in reading] == [30 * r.pages for r in reading]
    assert all(r.new_entries == 0 for r in reading)
    assert (last.staged_entries, last.new_entries) == (0, service.total)
    assert result.new_entries == service.total


def test_an_incremental_pass_reports_its_staged_entries_too(
    tmp_path: Path, make_client: MakeClient, service: MockService
) -> None:
    """After 65 more entries: two pages staged (60), then the pass ends with 65 new."""
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        sync(ledger, make_client())
        service.add_entries(65)
        seen: list[SyncResult] = []
        sync(ledger, make_client(), on_page=lambda r: seen.append(dataclasses.replace(r)))
    assert [(r.staged_entries, r.new_entries) for r in seen] == [(30, 0), (60, 0), (0, 65)]
