"""The progress line of ``sync`` and ``status``: what it says while a pass runs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Self

import pytest
from youcam_units._cli import _commands, _status_commands

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
    monkeypatch.setattr(_commands, "_progress", recorder)
    monkeypatch.setattr(_status_commands, "_progress", recorder)
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
