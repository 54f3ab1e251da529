"""``export --format jsonl`` writes each entry as ``history --format jsonl`` does: as sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from cli.conftest import Invoke


def test_export_jsonl_is_history_jsonl_byte_for_byte(invoke: Invoke, tmp_path: Path) -> None:
    """1,000 demo entries read live and read back from the ledger: the same bytes, key order too."""
    demo = ("--demo", "--entries", "1000")
    history = invoke("history", *demo, "--format", "jsonl")
    exported = invoke("export", *demo, "--db", str(tmp_path / "l.sqlite3"), "--format", "jsonl")
    assert (history.exit_code, exported.exit_code) == (0, 0), history.output + exported.output
    assert history.stdout.count("\n") == 1000
    assert exported.stdout == history.stdout
