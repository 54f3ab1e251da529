"""A ledger used wrongly (closed, or a folder named) is a LedgerError saying so, not sqlite3's."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import pytest
from youcam_units.ledger import LedgerError, open_ledger, summarize, sync

if TYPE_CHECKING:
    from pathlib import Path

    from ledger.conftest import MakeClient


def test_a_closed_ledger_refuses_reads_and_syncs_with_a_ledger_error(
    ledger_target: str, make_client: MakeClient
) -> None:
    """len, summarize and sync on a closed ledger raise LedgerError saying it is closed."""
    with make_client() as client:
        with open_ledger(ledger_target) as ledger:
            sync(ledger, client)
        for use in (lambda: len(ledger), lambda: summarize(ledger), lambda: sync(ledger, client)):
            with pytest.raises(LedgerError, match="closed"):
                use()
    ledger.close()  # closing again is harmless


def test_a_folder_named_as_the_ledger_is_refused_saying_so(tmp_path: Path) -> None:
    """A directory is not a ledger file: said so (it was SQLite's "disk I/O error")."""
    for read_only in (False, True):
        with pytest.raises(LedgerError, match="is a directory"):
            open_ledger(tmp_path, read_only=read_only)


def test_a_closed_ledger_can_still_be_copied(tmp_path: Path) -> None:
    """Only its uses are refused: protocol lookups (__deepcopy__...) still see plain misses."""
    with open_ledger(tmp_path / "l.sqlite3") as ledger:
        pass
    assert copy.deepcopy(ledger).location == ledger.location
