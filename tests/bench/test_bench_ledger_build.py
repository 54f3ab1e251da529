"""The benchmark's ledger builder writes a version 2 ledger the current code opens and reads right.

The summary is checked against totals computed here from the built ``raw`` JSON alone, and the
derived columns against ``raw`` as version 2 derives them, so a builder whose columns drift from
what it claims to store (or a migration that trusts a wrong column) fails here.

``benchmarks`` is imported inside the tests, not at collection: Hypothesis draws from the
constants of every local module loaded when a ``@given`` test runs, so a module imported at
collection changes what other files' property tests try.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from youcam_units import HistoryEntry
from youcam_units.ledger import Ledger, summarize

if TYPE_CHECKING:
    from pathlib import Path

N = 1_000
SEED = 5


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One built ledger of N entries, shared by the tests that only read it."""
    from benchmarks import ledger_build  # noqa: PLC0415 - see the module docstring

    path = tmp_path_factory.mktemp("built") / "v2.sqlite3"
    ledger_build.build_v2_ledger(path, N, SEED)
    return path


def _raw_rows(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id, timestamp_ms, action, target_id, amount, spent, granted, changes, "
            "dst_actions, extra, raw FROM entries ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def _changes(raw: dict[str, Any]) -> list[tuple[int, Decimal]]:
    return [
        (c["id"], c["amount_dec"] if "amount_dec" in c else Decimal(c["amount"]))
        for c in raw["info"]["credits"]
    ]


def _sorted_keys(value: object) -> bool:
    if isinstance(value, dict):
        keys = list(value)
        return keys == sorted(keys) and all(_sorted_keys(v) for v in value.values())
    if isinstance(value, list):
        return all(_sorted_keys(v) for v in value)
    return True


def test_columns_are_what_version_2_derives_from_raw(built: Path) -> None:
    """Each derived column is what v2 derives from ``raw``; ``raw`` is sorted and compact."""
    rows = _raw_rows(built)
    assert len(rows) == N
    for row in rows:
        entry_id, ts, action, target, amount, spent, granted, changes, dst, extra, raw_text = row
        raw = json.loads(raw_text, parse_float=Decimal)
        # raw: the entry as sent, keys sorted, no spaces (v2 writes it so).
        assert _sorted_keys(raw)
        assert " " not in raw_text
        assert (raw["id"], raw["timestamp"], raw["action"]) == (entry_id, ts, action)
        assert raw.get("target_id") == target
        amounts = _changes(raw)
        assert amount == str(sum((a for _, a in amounts), Decimal(0)))
        assert spent == str(-sum((a for _, a in amounts if a < 0), Decimal(0)))
        assert granted == str(sum((a for _, a in amounts if a > 0), Decimal(0)))
        expected_changes = ", ".join(f'{{"unit_id": {u}, "amount": {a}}}' for u, a in amounts)
        assert changes == f"[{expected_changes}]"
        assert dst == json.dumps(raw["info"].get("dst_actions", []))
        assert extra == "{}"
    ids = [row[0] for row in rows]
    assert ids == sorted(set(ids))
    assert all(i > 2**53 for i in ids)


def test_the_data_is_varied(built: Path) -> None:
    """Many actions, expiry without a target, amount_dec, several years."""
    rows = _raw_rows(built)
    actions = {row[2] for row in rows}
    assert {"expire", "renew", "skin_analysis", "sign_up_gift"} <= actions
    assert len(actions) > 15
    assert any("amount_dec" in row[10] for row in rows if row[2] != "expire")
    assert all(row[3] is None for row in rows if row[2] == "expire")
    years = {datetime.fromtimestamp(row[1] / 1000, UTC).year for row in rows}
    assert years >= {2022, 2023, 2024, 2025}


@dataclass
class _Totals:
    entries: int = 0
    spent: Decimal = field(default_factory=Decimal)
    granted: Decimal = field(default_factory=Decimal)
    expired: Decimal = field(default_factory=Decimal)


def _expected_by_day(path: Path) -> dict[str, _Totals]:
    """Per UTC day, from the raw JSON alone (not the derived columns the ledger sums)."""
    totals: dict[str, _Totals] = defaultdict(_Totals)
    for row in _raw_rows(path):
        raw = json.loads(row[10], parse_float=Decimal)
        day = datetime.fromtimestamp(raw["timestamp"] / 1000, UTC).strftime("%Y-%m-%d")
        day_totals = totals[day]
        day_totals.entries += 1
        for _, amount in _changes(raw):
            if amount > 0:
                day_totals.granted += amount
            elif raw["action"] == "expire":
                day_totals.expired -= amount
            else:
                day_totals.spent -= amount
    return totals


def test_the_built_file_opens_upgraded_and_reads_right(built: Path, tmp_path: Path) -> None:
    """The current code opens (upgrades) it; len, frontier, summary and entries are right."""
    path = tmp_path / "ledger.sqlite3"
    shutil.copyfile(built, path)
    expected = _expected_by_day(built)
    raw_by_id = {row[0]: json.loads(row[10], parse_float=Decimal) for row in _raw_rows(built)}
    with Ledger(path) as ledger:  # upgrades to the code's schema, whatever it is now
        assert len(ledger) == N
        assert ledger.frontier_id == max(raw_by_id)
        assert ledger.pass_head_id is None
        rows = summarize(ledger, by="day")
        entries = list(ledger.entries())
    assert [row.group for row in rows] == sorted(expected)
    for row in rows:
        want = expected[row.group]
        assert (row.entries, row.spent, row.granted, row.expired) == (
            want.entries,
            want.spent,
            want.granted,
            want.expired,
        )
    assert len(entries) == N
    assert {e.id: e.to_dict() for e in entries} == raw_by_id
    assert all(HistoryEntry.from_dict(e.to_dict()) == e for e in entries)
    # A read-only open (what `summary` does) agrees, now that the file is upgraded.
    with Ledger(path, read_only=True) as ledger:
        assert summarize(ledger, by="day") == rows


def test_a_cached_ledger_is_reused_and_keyed_by_the_builder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second call reuses the file; a builder change (another hash) replaces the old one."""
    from benchmarks import ledger_build  # noqa: PLC0415 - see the module docstring

    monkeypatch.setattr(ledger_build, "CACHE", tmp_path)
    first = ledger_build.cached_v2_ledger(50, SEED)
    again = ledger_build.cached_v2_ledger(50, SEED)
    assert not first.cached
    assert again.cached
    assert again.path == first.path
    assert ledger_build.builder_hash() in first.path.name
    # A file an older builder made for the same size and seed is removed, not kept beside it.
    stale = tmp_path / "ledger-v2-n50-s5-000000000000.sqlite3"
    stale.write_bytes(b"old")
    first.path.unlink()
    rebuilt = ledger_build.cached_v2_ledger(50, SEED)
    assert not rebuilt.cached
    assert not stale.exists()
    assert len(_raw_rows(rebuilt.path)) == 50
