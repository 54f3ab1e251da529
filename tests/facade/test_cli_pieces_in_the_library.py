"""What the CLI used to do itself and now calls: entry filtering, token files, summary JSON."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from youcam_units import HistoryEntry
from youcam_units import _json as exact_json
from youcam_units._credential_file import read_credential_file
from youcam_units._filtering import EntryFilter
from youcam_units.ledger import SummaryRow, summary_json
from youcam_units.mock import MockService

if TYPE_CHECKING:
    from pathlib import Path

ENTRIES = [HistoryEntry.from_dict(e) for e in MockService(seed=3, entries=60).iter_entries()]


def test_an_empty_filter_keeps_every_entry_and_never_stops() -> None:
    """No window, no actions: the page as it is."""
    keep = EntryFilter()
    assert keep.is_empty
    assert keep.select(ENTRIES) == (ENTRIES, False)


def test_a_window_and_actions_select_as_a_recount_does() -> None:
    """Since inclusive, until exclusive, actions by name; past ``since`` the page says stop."""
    since, until = ENTRIES[40].timestamp_ms, ENTRIES[10].timestamp_ms
    action = str(ENTRIES[20].action)
    wanted = EntryFilter(since, until, frozenset({action}))
    selected, older = wanted.select(ENTRIES)
    expected = [e for e in ENTRIES if since <= e.timestamp_ms < until and str(e.action) == action]
    assert not wanted.is_empty
    assert selected == expected
    assert selected
    assert older is True
    assert EntryFilter(since_ms=ENTRIES[-1].timestamp_ms).select(ENTRIES) == (ENTRIES, False)


def test_a_token_file_is_read_and_forgiven_like_a_token(tmp_path: Path) -> None:
    """A BOM, a newline and ``Bearer`` are dropped; the mode is reported when others can read."""
    path = tmp_path / "token"
    path.write_text("\ufeffBearer abc.def\n", encoding="utf-8")
    modes: list[int] = []
    path.chmod(0o600)
    assert read_credential_file(path, on_readable_by_others=modes.append) == "abc.def"
    assert modes == []
    if os.name == "posix":
        path.chmod(0o644)
        assert read_credential_file(path, on_readable_by_others=modes.append) == "abc.def"
        assert modes == [0o644]


def test_a_token_file_that_holds_no_token_is_refused_by_name(tmp_path: Path) -> None:
    """Empty or missing: a ValueError naming the source, never a token."""
    empty = tmp_path / "empty"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(ValueError, match="--token-file x is empty"):
        read_credential_file(empty, source="--token-file x")
    with pytest.raises(ValueError, match=r"cannot read .*missing: FileNotFoundError"):
        read_credential_file(tmp_path / "missing")


def test_summary_json_is_exact_and_names_the_grouping() -> None:
    """Each row's figures as exact JSON numbers, the group under the grouping's name."""
    rows = [SummaryRow("2026-11", 2, Decimal("1.10"), Decimal(3), Decimal("0.25"))]
    assert exact_json.loads(summary_json(rows, by="month")) == [
        {
            "month": "2026-11",
            "entries": 2,
            "spent": Decimal("1.10"),
            "granted": Decimal(3),
            "expired": Decimal("0.25"),
            "net": Decimal("1.65"),
        }
    ]
