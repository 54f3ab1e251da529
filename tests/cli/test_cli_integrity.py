"""The CLI on data-integrity cases: odd timestamps, exact amounts, foreign files, other accounts."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import sqlite3
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from youcam_units import _json as exact_json
from youcam_units._cli._commands import Runtime
from youcam_units.ledger import Ledger
from youcam_units.mock import MockService

if TYPE_CHECKING:
    from pathlib import Path

    from cli.conftest import Invoke, Run

FAR_FUTURE_MS = 7_534_614_186_620_829  # a valid int64, far past the year 9999
SENT: list[dict[str, Any]] = [
    {
        "id": 2**60 + 3,
        "timestamp": FAR_FUTURE_MS,
        "action": "skin_analysis",
        "target_id": "task-3",
        "info": {
            "credits": [{"id": 2**53 + 1, "amount": -1, "amount_dec": Decimal("-0.70")}],
            "dst_actions": '[ "hd_wrinkle", "hd_pore" ]',
        },
    },
    {
        "id": 2**60 + 2,
        "timestamp": 1_703_146_067_000,
        "action": "api_photo_enhance",
        "target_id": "task-2",
        "info": {"credits": [{"id": 5, "amount": -2, "amount_dec": Decimal("-1.90")}]},
    },
    {
        "id": 2**60 + 1,
        "timestamp": 1_703_000_000_000,
        "action": "sign_up_gift",
        "target_id": "order-1",
        "info": {"credits": [{"id": 5, "amount": 10, "amount_dec": Decimal("10.04")}]},
    },
]


def _serve(_: httpx.Request) -> httpx.Response:
    """One page holding SENT, written with exact numbers as the service writes them."""
    body = {"status": 200, "result": {"next_token": None, "history": SENT}}
    return httpx.Response(
        200,
        content=exact_json.dumps(body).encode(),
        headers={"content-type": "application/json", "x-request-id": "1"},
    )


def runtime() -> Runtime:
    """The CLI reading SENT."""
    return Runtime(transport=httpx.MockTransport(_serve), client_options={"rate_limit": None})


def one_line_failure(run: Run, needle: str) -> None:
    """Exit 1 with exactly one line on stderr that says ``needle``; no traceback."""
    assert run.exit_code == 1, run.output
    assert run.stderr.count("\n") == 1, run.stderr
    assert needle in run.stderr
    assert "Traceback" not in run.output


def digest(path: Path) -> str:
    """The file's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_history_exports_out_of_range_times_and_fractions_exactly(invoke: Invoke) -> None:
    """Jsonl and csv carry a time past year 9999 and each fraction exactly, without a traceback."""
    run = invoke("history", "--format", "jsonl", runtime=runtime())
    assert run.exit_code == 0, run.output
    assert [exact_json.loads(line) for line in run.stdout.splitlines()] == SENT
    assert '"amount_dec": -0.70' in run.stdout
    assert '"dst_actions": "[ \\"hd_wrinkle\\", \\"hd_pore\\" ]"' in run.stdout
    run = invoke("history", "--format", "csv", runtime=runtime())
    assert run.exit_code == 0, run.output
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert (rows[0]["time"], int(rows[0]["timestamp_ms"])) == ("", FAR_FUTURE_MS)
    assert [r["amount"] for r in rows] == ["-0.70", "-1.90", "10.04"]
    assert rows[0]["dst_actions"] == "hd_wrinkle hd_pore"


def test_history_table_shows_raw_milliseconds_and_says_so(invoke: Invoke) -> None:
    """The table shows the raw ms where no date exists, explains it, and prints exact units."""
    run = invoke("history", "--format", "table", runtime=runtime())
    assert run.exit_code == 0, run.output
    assert f"{FAR_FUTURE_MS} ms" in run.stdout
    assert "beyond the years 1-9999" in run.stdout
    assert "2023-12-21 08:07:47" in run.stdout
    for amount in ("-0.70", "-1.90", "+10.04"):
        assert amount in run.stdout.split()


def test_summary_names_an_undatable_entry_by_its_milliseconds(
    invoke: Invoke, tmp_path: Path
) -> None:
    """Summary by month never shows a month called None, and totals the fractions exactly."""
    db = tmp_path / "ledger.sqlite3"
    assert invoke("sync", "--db", str(db), runtime=runtime()).exit_code == 0
    run = invoke("summary", "--db", str(db), "--by", "month", "--format", "json")
    assert run.exit_code == 0, run.output
    rows = exact_json.loads(run.stdout)
    assert [r["month"] for r in rows] == [
        "2023-12",
        f"{FAR_FUTURE_MS} ms (beyond the years 1-9999)",
    ]
    assert sum(r["net"] for r in rows) == Decimal("7.44")
    table = invoke("summary", "--db", str(db), "--by", "day")
    assert table.exit_code == 0, table.output
    assert "None" not in table.stdout
    assert f"{FAR_FUTURE_MS} ms" in table.stdout
    assert "+7.44" in table.stdout.split()


@pytest.mark.parametrize("command", ["history", "summary"])
def test_until_the_last_representable_day_works(
    invoke: Invoke, tmp_path: Path, command: str
) -> None:
    """--until 9999-12-31 (and --since 0001-01-01) are valid days, not a traceback."""
    db = tmp_path / "ledger.sqlite3"
    invoke("sync", "--db", str(db), runtime=runtime())
    where = ("--format", "jsonl") if command == "history" else ("--db", str(db), "--format", "json")
    run = invoke(
        command, "--since", "0001-01-01", "--until", "9999-12-31", *where, runtime=runtime()
    )
    assert run.exit_code == 0, run.output
    # The far-future entry lies past the end of 9999, so outside the window.
    assert str(FAR_FUTURE_MS) not in run.stdout
    assert run.stdout.strip() != ""


def test_sync_with_another_accounts_token_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    """Another account's history, same URL: one line, exit 1, the ledger unchanged."""
    mine, theirs = MockService(seed=5, entries=150), MockService(seed=6, entries=150)
    db = tmp_path / "ledger.sqlite3"
    run = invoke("sync", "--db", str(db), runtime=Runtime(transport=mine.transport()))
    assert run.exit_code == 0
    with Ledger(db, read_only=True) as ledger:
        before = list(ledger.raw_entries())
    run = invoke("sync", "--db", str(db), runtime=Runtime(transport=theirs.transport()))
    one_line_failure(run, "holds another account's history")
    assert "use another --db for this account" in run.stderr
    with Ledger(db, read_only=True) as ledger:
        assert list(ledger.raw_entries()) == before
        assert ledger.staged_count == 0


def _foreign(path: Path) -> str:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.close()
    return digest(path)


@pytest.mark.parametrize("command", ["sync", "summary"])
def test_a_foreign_sqlite_file_is_refused_by_every_command(
    invoke: Invoke, tmp_path: Path, command: str
) -> None:
    """--db at another program's SQLite file: one line, exit 1, the file byte-for-byte as it was."""
    db = tmp_path / "app.sqlite3"
    before = _foreign(db)
    run = invoke(command, "--db", str(db))
    one_line_failure(run, "not a youcam-units ledger")
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.sqlite3"]


def test_summary_does_not_switch_a_ledger_to_wal(invoke: Invoke, tmp_path: Path) -> None:
    """Summary reads a rollback-journal ledger as it is: same bytes, same mode."""
    db = tmp_path / "ledger.sqlite3"
    invoke("sync", "--db", str(db))
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    before = digest(db)
    run = invoke("summary", "--db", str(db))
    assert run.exit_code == 0, run.output
    assert digest(db) == before
    assert db.read_bytes()[18:20] == b"\x01\x01"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes to read-only directories anyway",
)
def test_summary_works_in_a_read_only_directory(invoke: Invoke, tmp_path: Path) -> None:
    """A ledger in a directory nobody may write to is still summarised."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "ledger.sqlite3"
    invoke("sync", "--db", str(db))
    folder.chmod(0o555)
    try:
        run = invoke("summary", "--db", str(db), "--format", "json")
    finally:
        folder.chmod(0o755)
    assert run.exit_code == 0, run.output
    assert sum(r["entries"] for r in exact_json.loads(run.stdout)) == 150
