"""Sync correctness: the ledger ends equal to the source, entry by entry, whatever happens."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from youcam_units import Client, ServerError
from youcam_units.ledger import SCHEMA_VERSION, Ledger, LedgerError, SyncResult, sync
from youcam_units.mock import DEFAULT_TOKEN, FaultKind, FaultPlan, MockService

LOCAL = "http://127.0.0.1"

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from youcam_units import HistoryEntry

    from ledger.conftest import AnyLedger, MakeClient


def assert_equal(ledger: AnyLedger, service: MockService) -> None:
    """The ledger holds exactly the service's entries, each exactly as the service sends it."""
    assert list(ledger.raw_entries()) == list(service.iter_entries())


def test_first_sync_reads_everything(
    ledger: AnyLedger, service: MockService, make_client: MakeClient
) -> None:
    """A first sync stores every entry in ceil(n/30) requests and completes its pass."""
    result = sync(ledger, make_client())
    assert_equal(ledger, service)
    assert result.new_entries == result.total_entries == 200
    assert service.log.count == result.pages == math.ceil(200 / 30)
    assert ledger.frontier_id == service.entry(0)["id"]
    assert ledger.pass_head_id is None
    assert ledger.resume_token is None


def test_sync_with_nothing_new_costs_one_request(
    ledger: AnyLedger, service: MockService, make_client: MakeClient
) -> None:
    """A second sync with no new entries makes one request and stores nothing."""
    sync(ledger, make_client())
    service.log.clear()
    result = sync(ledger, make_client())
    assert (result.new_entries, result.pages, service.log.count) == (0, 1, 1)
    assert_equal(ledger, service)


@pytest.mark.parametrize("k", [1, 29, 30, 31, 59, 60, 95])
def test_incremental_sync_request_count(
    ledger: AnyLedger, service: MockService, make_client: MakeClient, k: int
) -> None:
    """Syncing k new entries costs at most ceil(k/30)+1 requests; the ledger equals the source."""
    sync(ledger, make_client())
    service.add_entries(k)
    service.log.clear()
    result = sync(ledger, make_client())
    assert result.new_entries == k
    assert service.log.count <= math.ceil(k / 30) + 1
    assert service.log.count == k // 30 + 1  # the page holding the old frontier ends the pass
    assert_equal(ledger, service)


def test_failure_mid_first_sync_resumes_without_rereading(
    ledger: AnyLedger, service: MockService, make_client: MakeClient
) -> None:
    """A failure mid-way keeps the pages already read; the rerun continues from the checkpoint."""
    service.faults = FaultPlan.script({4: FaultKind.SERVER_ERROR})
    with pytest.raises(ServerError):
        sync(ledger, make_client())
    assert (len(ledger), ledger.staged_count) == (0, 90)  # staged until the pass is confirmed
    assert ledger.pass_head_id == service.entry(0)["id"]
    assert ledger.resume_token is not None
    assert ledger.frontier_id is None
    service.log.clear()
    result = sync(ledger, make_client())
    assert result.resumed
    assert_equal(ledger, service)
    # 4 pages finish the first pass (from entry 90), then 1 request finds nothing new.
    assert service.log.count == 4 + 1


def test_interrupted_incremental_pass_leaves_no_gap(
    ledger: AnyLedger, service: MockService, make_client: MakeClient
) -> None:
    """New entries above an unfinished pass are fetched, and the gap below them is filled."""
    sync(ledger, make_client())
    service.add_entries(100)
    start = service.log.count
    service.faults = FaultPlan.script({start + 3: FaultKind.DISCONNECT})
    with pytest.raises(Exception, match="disconnected"):
        sync(ledger, make_client())
    # The newest entries are staged, a gap lies below them; the ledger itself is as it was.
    assert len(ledger) == 200
    assert 0 < ledger.staged_count < 100
    service.add_entries(7)  # more arrive before the rerun
    result = sync(ledger, make_client())
    assert result.resumed
    assert not result.restarted
    assert_equal(ledger, service)


def test_keyboard_interrupt_between_pages_resumes(
    ledger: AnyLedger, service: MockService, make_client: MakeClient
) -> None:
    """Ctrl-C after a committed page keeps it; the next run completes the ledger."""

    def interrupt(result: SyncResult) -> None:
        if result.pages == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync(ledger, make_client(), on_page=interrupt)
    assert ledger.staged_count == 90
    sync(ledger, make_client())
    assert_equal(ledger, service)


def test_refused_resume_token_restarts_from_the_head(
    ledger: AnyLedger, service: MockService, make_client: MakeClient
) -> None:
    """A stored token the service rejects (400) restarts the pass from the head, keeping data."""
    service.faults = FaultPlan.script({3: FaultKind.SERVER_ERROR})
    with pytest.raises(ServerError):
        sync(ledger, make_client())
    with ledger.transaction():
        ledger._set("resume_token", "12345")  # expired, or never issued
    result = sync(ledger, make_client())
    assert result.restarted
    assert_equal(ledger, service)
    assert ledger.pass_head_id is None


def test_a_page_and_its_checkpoint_commit_together(
    ledger: AnyLedger,
    service: MockService,
    make_client: MakeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failure after a page is stored, before its transaction commits, rolls back both."""
    calls = 0
    storage = type(ledger)
    original = storage._stage

    def failing_stage(self: Any, entries: Sequence[HistoryEntry]) -> None:
        nonlocal calls
        original(self, entries)
        if entries:
            calls += 1
            if calls == 2:
                raise OSError("disk I/O error")

    monkeypatch.setattr(storage, "_stage", failing_stage)
    with pytest.raises(OSError, match="disk I/O error"):
        sync(ledger, make_client())
    assert ledger.staged_count == 30  # page 2's entries went with its checkpoint
    assert ledger.resume_token == service.make_next_token(service.total - 1 - 30)
    monkeypatch.undo()
    sync(ledger, make_client())
    assert_equal(ledger, service)


def test_entries_are_never_stored_twice(ledger: AnyLedger, make_client: MakeClient) -> None:
    """Staging and adding a page again adds nothing: both tables are keyed by id."""
    page = make_client().history_page(page_size=30)
    added = []
    for _ in range(2):
        with ledger.transaction():
            ledger._stage(page.entries)
            ledger._stage(page.entries)
            added.append(ledger._promote())
    assert added == [30, 0]
    assert (len(ledger), ledger.staged_count) == (30, 0)


def test_big_ids_and_digit_tokens_round_trip_exactly(ledger: AnyLedger) -> None:
    """Snowflake ids beyond 2**53 and digit-string tokens beyond 2**63 are stored exactly."""
    token = "123456789012345678901234567890"  # noqa: S105 - a page token, not a secret
    with ledger.transaction():
        ledger._set("frontier_id", 2**62 + 1)
        ledger._set("pass_head_id", 2**53 + 1)
        ledger._set("resume_token", token)
    assert ledger.frontier_id == 2**62 + 1
    assert ledger.pass_head_id == 2**53 + 1
    assert ledger.resume_token == token


def test_empty_history_syncs_to_an_empty_ledger(ledger: AnyLedger) -> None:
    """An account with no history syncs in one request to an empty ledger."""
    empty = MockService(entries=0)
    with httpx.Client(transport=empty.transport()) as http:
        client = Client(DEFAULT_TOKEN, base_url=LOCAL, http_client=http, rate_limit=None)
        result = sync(ledger, client)
    assert (result.pages, len(ledger), ledger.frontier_id) == (1, 0, None)


def test_ledger_records_its_schema_version(tmp_path: Path) -> None:
    """The schema version is written on creation and read back on reopening."""
    path = tmp_path / "l.sqlite3"
    with Ledger(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
    with Ledger(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    """A ledger written by a newer version is refused with a message, not misread."""
    path = tmp_path / "l.sqlite3"
    with Ledger(path) as ledger, ledger.transaction():
        ledger._set("schema_version", SCHEMA_VERSION + 1)
    with pytest.raises(LedgerError, match="upgrade youcam-units"):
        Ledger(path)


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    """Pointing --db at some other file fails with a clear error instead of corrupting it."""
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just some text that is long enough to have a header\n" * 20)
    with pytest.raises(LedgerError, match="not a youcam-units ledger"):
        Ledger(path)


def test_ledger_entries_filter_by_time(
    ledger: AnyLedger, service: MockService, make_client: MakeClient
) -> None:
    """Reading back with since/until bounds returns exactly the entries in the window."""
    sync(ledger, make_client())
    everything = list(service.iter_entries())
    low, high = everything[150]["timestamp"], everything[50]["timestamp"]
    got = [e.id for e in ledger.entries(since_ms=low, until_ms=high)]
    assert got == [e["id"] for e in everything if low <= e["timestamp"] < high]


def test_a_ledger_keeps_to_one_source(ledger: AnyLedger) -> None:
    """A ledger records its source and refuses history from another one."""
    ledger.claim_source("https://yce-api-01.makeupar.com")
    ledger.claim_source("https://yce-api-01.makeupar.com")
    assert ledger.source == "https://yce-api-01.makeupar.com"
    with pytest.raises(LedgerError, match="use another --db"):
        ledger.claim_source("the demo mock (seed 1, 10 entries)")
