"""What sync and the schema upgrade tell a progress display while they run."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from typing import TYPE_CHECKING, Any

import pytest
from youcam_units.ledger import (
    SCHEMA_VERSION,
    Ledger,
    SyncResult,
    UpgradeProgress,
    _migrations,
    sync,
)
from youcam_units.mock import MockService

from ledger.test_ledger_integrity import LOCAL, write_v2_ledger

if TYPE_CHECKING:
    from pathlib import Path

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


# -- the one-time upgrade of an older file --------------------------------------------------------


def _v2_file(path: Path, sent: list[dict[str, Any]]) -> Path:
    write_v2_ledger(path, sent, {"source": LOCAL, "frontier_id": sent[0]["id"]})
    return path


def test_an_upgrade_reports_each_step_and_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """First "starting" (versions, entries), then counted copying in chunks, then the VACUUM."""
    monkeypatch.setattr(_migrations, "_REPORT_EVERY", 40)
    sent = list(MockService(seed=3, entries=90).iter_entries())
    heard: list[UpgradeProgress] = []
    with Ledger(_v2_file(tmp_path / "v2.sqlite3", sent), on_upgrade=heard.append) as ledger:
        assert list(ledger.raw_entries()) == sent
    assert capfd.readouterr() == ("", "")
    first = heard[0]
    assert (first.step, first.from_version, first.to_version, first.entries) == (
        "starting",
        2,
        SCHEMA_VERSION,
        90,
    )
    assert {(p.location, p.from_version, p.entries) for p in heard} == {(first.location, 2, 90)}
    copying = [p.done for p in heard if p.step.startswith("copying entries")]
    assert copying == [0, 40, 80, 90]
    steps = list(dict.fromkeys(p.step for p in heard))
    assert steps[-1] == "compacting the file"
    assert len(steps) >= 5


def test_a_read_only_open_reports_its_upgrade_too(tmp_path: Path) -> None:
    """``summary``'s open upgrades once (its one write), and says so."""
    sent = list(MockService(seed=4, entries=30).iter_entries())
    heard: list[UpgradeProgress] = []
    path = _v2_file(tmp_path / "v2.sqlite3", sent)
    with Ledger(path, read_only=True, on_upgrade=heard.append) as ledger:
        assert len(ledger) == 30
    assert heard[0].step == "starting"
    heard.clear()
    with (
        Ledger(path, read_only=True, on_upgrade=heard.append),
        Ledger(path, on_upgrade=heard.append),
    ):
        pass
    assert heard == []  # upgraded once: nothing more to report


def test_the_copy_in_chunks_keeps_the_extreme_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Ids at both ends of int64 are copied exactly once, chunk after chunk, without a callback."""
    monkeypatch.setattr(_migrations, "_REPORT_EVERY", 2)
    ids = [2**63 - 1, 2**63 - 2, 5, 0, -1, -(2**63) + 1, -(2**63)]
    sent = [
        {
            "id": entry_id,
            "timestamp": 1_700_000_000_000 - n,
            "action": "api_photo_enhance",
            "info": {"credits": [{"id": 9, "amount": -1}]},
        }
        for n, entry_id in enumerate(ids)
    ]
    with Ledger(_v2_file(tmp_path / "v2.sqlite3", sent)) as ledger:
        assert sorted(e["id"] for e in ledger.raw_entries()) == sorted(ids)
        assert len(ledger) == len(ids)
    assert capfd.readouterr() == ("", "")


def test_an_upgrade_stopped_by_its_listener_leaves_no_connection_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``on_upgrade`` raising stops the open with that error, and the file is closed behind it."""
    from youcam_units.ledger import _sqlite  # noqa: PLC0415
    from youcam_units.ledger._connection import connect  # noqa: PLC0415

    opened: list[Any] = []

    def recording(*args: Any, **kwargs: Any) -> Any:
        conn = connect(*args, **kwargs)
        opened.append(conn)
        return conn

    monkeypatch.setattr(_sqlite, "connect", recording)

    def refuse(_progress: UpgradeProgress) -> None:
        raise KeyboardInterrupt  # a user's Ctrl-C while the upgrade is announced

    sent = list(MockService(seed=3, entries=20).iter_entries())
    path = _v2_file(tmp_path / "v2.sqlite3", sent)
    with contextlib.suppress(KeyboardInterrupt):
        Ledger(path, on_upgrade=refuse)
    assert opened
    for conn in opened:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            conn.execute("SELECT 1")
    with Ledger(path) as ledger:  # the upgrade, tried again, goes through
        assert list(ledger.raw_entries()) == sent
