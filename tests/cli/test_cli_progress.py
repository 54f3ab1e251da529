"""The progress line of ``sync`` and ``status``: what it says while a pass runs."""

from __future__ import annotations

import dataclasses
import io
import re
from typing import TYPE_CHECKING, Self

import pytest
from ledger.test_ledger_integrity import LOCAL, write_v2_ledger
from rich.console import Console
from youcam_units._cli import _terminal
from youcam_units._cli._terminal import Offscreen
from youcam_units._cli._upgrade import UpgradeDisplay
from youcam_units.ledger import SCHEMA_VERSION, UpgradeProgress
from youcam_units.mock import MockService

if TYPE_CHECKING:
    from pathlib import Path

    from cli.conftest import Invoke


class ProgressLine:
    """Stands in for rich's progress line and keeps every detail it was asked to show."""

    disable = False

    def __init__(self) -> None:
        self.details: list[str] = []

    def __call__(self, *_: object, **__: object) -> Self:
        """What ``_progress(console, label)`` returns: this line."""
        return self

    def add_task(self, *_: object, **__: object) -> int:
        """One task."""
        return 0

    def update(self, _task: object, **fields: object) -> None:
        """Keep the detail shown."""
        detail = fields.get("detail")
        if isinstance(detail, str):
            self.details.append(detail)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        return None


@pytest.fixture
def line(monkeypatch: pytest.MonkeyPatch) -> ProgressLine:
    """The progress line sync and status draw, recorded."""
    recorder = ProgressLine()
    monkeypatch.setattr(_terminal, "_progress", recorder)
    return recorder


_READING = re.compile(
    r"([\d,]+) read \(joining the ledger when the pass ends\), ([\d,]+) requests?"
)


def _reads_then_joins(details: list[str], total: int) -> None:
    """Each page says how many entries were read so far; the last says they all joined."""
    *reading, last = details
    assert reading, details
    for n, detail in enumerate(reading, start=1):
        match = _READING.fullmatch(detail)
        assert match is not None, detail
        assert (int(match[1].replace(",", "")), int(match[2])) == (30 * n, n)
    assert last == f"{total:,} new, {len(details):,} requests"


def test_a_first_sync_shows_what_it_has_read_and_that_it_joins_at_the_end(
    invoke: Invoke, line: ProgressLine, tmp_path: Path
) -> None:
    """Not "0 new" for the whole pass: entries read so far, then all 150 new at the end."""
    run = invoke("sync", "--db", str(tmp_path / "l.sqlite3"))
    assert run.exit_code == 0, run.output
    _reads_then_joins(line.details, 150)


def test_status_shows_the_same_progress_while_it_syncs(
    invoke: Invoke, line: ProgressLine, tmp_path: Path
) -> None:
    """``status`` syncs first, with the same line."""
    run = invoke("status", "--demo", "--entries", "150", "--db", str(tmp_path / "l.sqlite3"))
    assert run.exit_code == 0, run.output
    _reads_then_joins(line.details, 150)


# -- the one-time upgrade of an older ledger ------------------------------------------------------


def test_an_upgrade_says_once_that_it_runs_and_why(invoke: Invoke, tmp_path: Path) -> None:
    """One stderr line before the work: which file, which versions, why, how many entries."""
    sent = list(MockService(seed=3, entries=90).iter_entries())
    db = tmp_path / "v2.sqlite3"
    write_v2_ledger(db, sent, {"source": LOCAL, "frontier_id": sent[0]["id"]})
    first = invoke("summary", "--db", str(db), "--format", "json")
    assert first.exit_code == 0, first.output
    assert first.stderr == (
        f"youcam-units: upgrading the ledger {db} from schema v2 to v{SCHEMA_VERSION} for this "
        "version of youcam-units, once (90 entries; this may take a few minutes)\n"
    )
    again = invoke("summary", "--db", str(db), "--format", "json")
    assert (again.stderr, again.stdout) == ("", first.stdout)


def test_on_a_terminal_an_upgrade_shows_its_step_and_count() -> None:
    """The bar names the step and counts the entries done, and leaves the screen afterwards."""
    screen = io.StringIO()
    display = UpgradeDisplay(Console(file=screen, force_terminal=True, width=120))
    start = UpgradeProgress("l.sqlite3", 2, 3, 90_000, "starting")
    display(start)
    display(dataclasses.replace(start, step="copying entries to the compact layout", done=40_000))
    display.close()
    drawn = screen.getvalue()
    assert "upgrading: copying entries to the compact layout" in drawn
    assert "40,000 of 90,000 entries" in drawn


def test_off_a_terminal_an_upgrade_draws_no_bar(capsys: pytest.CaptureFixture[str]) -> None:
    """A pipe gets the one line, never a bar."""
    display = UpgradeDisplay(Offscreen())
    start = UpgradeProgress("l.sqlite3", 2, 3, 5, "starting")
    display(start)
    display(dataclasses.replace(start, step="copying entries to the compact layout", done=5))
    display.close()
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("youcam-units: upgrading the ledger l.sqlite3 from schema v2 to v3")
