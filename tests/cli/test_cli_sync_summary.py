"""``youcam-units sync`` and ``summary`` driven against the mock, results read back and parsed."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from youcam_units import _json as exact_json
from youcam_units._cli._commands import DEMO_ENTRIES, DEMO_SEED, Runtime
from youcam_units._cli._fit import amounts
from youcam_units.ledger import Ledger
from youcam_units.mock import FaultKind, FaultPlan, MockService

if TYPE_CHECKING:
    from pathlib import Path

    import httpx
    import pytest

    from cli.conftest import Invoke


def ledger_entries(path: Path) -> list[dict[str, object]]:
    """The ledger's entries, as the service sent them, newest first."""
    with Ledger(path) as ledger:
        return list(ledger.raw_entries())


def staged(path: Path) -> int:
    """Entries a pass in progress has read and kept, waiting to join the ledger."""
    with Ledger(path) as ledger:
        return ledger.staged_count


def test_sync_then_incremental_sync(invoke: Invoke, service: MockService, tmp_path: Path) -> None:
    """A first sync copies everything; after k new entries the next reads ceil(k/30)+1 pages."""
    db = tmp_path / "ledger.sqlite3"
    run = invoke("sync", "--db", str(db))
    assert run.exit_code == 0
    assert "150 new entries from 5 requests; 150 in the ledger" in run.stdout
    assert ledger_entries(db) == list(service.iter_entries())

    service.add_entries(40)
    service.log.clear()
    run = invoke("sync", "--db", str(db))
    assert "40 new entries from 2 requests; 190 in the ledger" in run.stdout
    assert service.log.count <= math.ceil(40 / 30) + 1
    assert ledger_entries(db) == list(service.iter_entries())


def test_sync_after_a_failure_continues(
    invoke: Invoke, service: MockService, tmp_path: Path
) -> None:
    """A sync stopped by a failure exits 1 with one line; the rerun completes the ledger."""
    db = tmp_path / "ledger.sqlite3"
    service.faults = FaultPlan.script(dict.fromkeys(range(3, 20), FaultKind.SERVER_ERROR))
    run = invoke("sync", "--db", str(db))
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1
    assert "run sync again to continue" in run.stderr
    assert (len(ledger_entries(db)), staged(db)) == (0, 60)  # kept, not yet confirmed
    service.faults = FaultPlan.none()
    run = invoke("sync", "--db", str(db))
    assert run.exit_code == 0
    assert ledger_entries(db) == list(service.iter_entries())


def test_sync_default_path_is_in_the_user_data_dir(
    invoke: Invoke, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Without --db the ledger goes to the platform's data dir (XDG_DATA_HOME here)."""
    run = invoke("sync")
    path = re.search(r"synced (\S+):", run.stdout)
    assert path is not None
    assert path.group(1).endswith("youcam-units/ledger.sqlite3")
    assert len(ledger_entries(tmp_path_factory.getbasetemp() / path.group(1))) == 150


def test_sync_demo(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sync --demo fills a ledger from the built-in mock without credentials."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    db = tmp_path / "demo.sqlite3"
    run = invoke("sync", "--demo", "--db", str(db), "--entries", "90")
    assert run.exit_code == 0
    assert ledger_entries(db) == list(MockService(seed=DEMO_SEED, entries=90).iter_entries())


def summary_json(invoke: Invoke, *args: str) -> list[dict[str, object]]:
    """Run ``summary --format json ARGS`` and parse it."""
    run = invoke("summary", "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    parsed: list[dict[str, object]] = exact_json.loads(run.stdout)
    return parsed


def test_summary_json_totals_match_the_ledger(invoke: Invoke, tmp_path: Path) -> None:
    """The json summary by action adds up to every entry and every change in the ledger."""
    db = tmp_path / "ledger.sqlite3"
    invoke("sync", "--db", str(db))
    rows = summary_json(invoke, "--db", str(db), "--by", "action")
    entries = ledger_entries(db)
    assert sum(r["entries"] for r in rows) == len(entries)  # type: ignore[misc] # JSON ints
    changes = [
        Decimal(c.get("amount_dec", c["amount"]))
        for e in entries
        for c in e.get("info", {}).get("credits", [])  # type: ignore[attr-defined] # JSON
    ]
    nets: list[object] = [r["net"] for r in rows]
    assert all(isinstance(n, Decimal | int) for n in nets)
    net = sum(n for n in nets if isinstance(n, Decimal | int))
    assert net == sum(changes)
    assert any(isinstance(n, Decimal) for n in nets)  # fractions printed exactly, read exactly
    assert net % 1
    assert {r["action"] for r in rows} == {e["action"] for e in entries}


def test_summary_table_and_chart(invoke: Invoke, tmp_path: Path) -> None:
    """The table lists each group with its totals, and the chart draws a bar per group."""
    db = tmp_path / "ledger.sqlite3"
    invoke("sync", "--db", str(db))
    expected = summary_json(invoke, "--db", str(db), "--by", "day")
    assert len(expected) > 1
    run = invoke("summary", "--db", str(db), "--by", "day")
    assert run.exit_code == 0
    columns = {  # a column's amounts share one number of decimals
        key: amounts([Decimal(str(row[key])) for row in expected], sign=key == "net")
        for key in ("spent", "granted", "expired", "net")
    }
    for i, row in enumerate(expected):
        line = next(
            line for line in run.stdout.splitlines() if line.strip().startswith(str(row["day"]))
        )
        assert line.split()[1:] == [
            f"{row['entries']:,}",
            *(columns[key][i] for key in ("spent", "granted", "expired", "net")),
        ]
    total = next(line for line in run.stdout.splitlines() if line.strip().startswith("total"))
    assert total.split()[1] == str(sum(r["entries"] for r in expected))  # type: ignore[misc] # JSON ints
    bars = [line for line in run.stdout.splitlines() if "█" in line and line[0].isdigit()]
    assert len(bars) == len(expected)


def test_summary_by_day_with_a_window(invoke: Invoke, tmp_path: Path) -> None:
    """--since/--until keep whole UTC days: a one-day window gives one day's group."""
    db = tmp_path / "ledger.sqlite3"
    invoke("sync", "--db", str(db))
    days = summary_json(invoke, "--db", str(db), "--by", "day")
    day = str(days[1]["day"])
    assert summary_json(invoke, "--db", str(db), "--by", "day", "--since", day, "--until", day) == [
        days[1]
    ]


def test_summary_demo(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    """Summary --demo syncs the demo ledger and summarises it, with no credentials."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    rows = summary_json(invoke, "--demo")
    assert sum(r["entries"] for r in rows) == DEMO_ENTRIES  # type: ignore[misc] # JSON ints
    run = invoke("summary", "--demo", "--by", "month")
    assert run.exit_code == 0
    assert "units per month" in run.stdout


def test_summary_demo_uses_the_given_service(invoke: Invoke) -> None:
    """A test's own demo service replaces the built-in one (the hook tests rely on)."""
    runtime = Runtime(demo_service=MockService(seed=1, entries=12))
    run = invoke("summary", "--demo", "--format", "json", "--seed", "99", runtime=runtime)
    assert sum(r["entries"] for r in exact_json.loads(run.stdout)) == 12


def test_summary_without_a_ledger_says_run_sync(invoke: Invoke, tmp_path: Path) -> None:
    """Summarising before any sync is one line that says to sync first, exit 1."""
    run = invoke("summary", "--db", str(tmp_path / "missing.sqlite3"))
    assert run.exit_code == 1
    assert run.stderr == (
        f"youcam-units: error: no ledger at {tmp_path / 'missing.sqlite3'}: "
        "run `youcam-units sync` first (or pass --db)\n"
    )


class _InterruptedService(MockService):
    """A mock whose ``interrupt_at``-th request raises KeyboardInterrupt, as Ctrl-C would."""

    interrupt_at = 0

    def handle_httpx(self, request: httpx.Request) -> httpx.Response:
        if self.log.count + 1 == self.interrupt_at:
            self.interrupt_at = 0
            raise KeyboardInterrupt
        return super().handle_httpx(request)


def test_ctrl_c_mid_sync_exits_130_and_resumes(invoke: Invoke, tmp_path: Path) -> None:
    """Ctrl-C mid-sync keeps the committed pages, says so in one line; the rerun completes it."""
    service = _InterruptedService(seed=5, entries=150)
    service.interrupt_at = 3
    runtime = Runtime(transport=service.transport(), client_options={"rate_limit": None})
    db = tmp_path / "ledger.sqlite3"
    run = invoke("sync", "--db", str(db), runtime=runtime)
    assert run.exit_code == 130
    assert run.stderr == "youcam-units: error: interrupted; run the command again to continue\n"
    assert (len(ledger_entries(db)), staged(db)) == (0, 60)
    run = invoke("sync", "--db", str(db), runtime=runtime)
    # Three pages finish the read, one from the head confirms it: all 150 join the ledger.
    assert "150 new entries from 4 requests" in run.stdout
    assert ledger_entries(db) == list(service.iter_entries())


def test_demo_history_never_mixes_into_a_real_ledger(invoke: Invoke, tmp_path: Path) -> None:
    """Demo history synced into a real service's ledger is refused; the ledger is untouched."""
    db = tmp_path / "ledger.sqlite3"
    invoke("sync", "--db", str(db))
    before = ledger_entries(db)
    run = invoke("summary", "--demo", "--db", str(db))
    assert run.exit_code == 1
    assert "holds the history of https://" in run.stderr
    assert run.stderr.count("\n") == 1
    assert ledger_entries(db) == before
