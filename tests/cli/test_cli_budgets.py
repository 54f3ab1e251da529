"""status --monthly-budget / --budget: spending this UTC calendar month against budgets, exit 3."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from youcam_units import _json as exact_json
from youcam_units.ledger import Ledger

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units.mock import MockService

    from .conftest import Invoke

AS_OF = "2026-10-31T23:00:00+00:00"
"""Within the mock's history (it ends at 2026-11-01): October has spending to count."""


def _month_spent(db: Path, as_of: str) -> dict[str, Decimal]:
    """Units spent per action from the ledger's own rows, in [first of the month, as_of)."""
    now = datetime.fromisoformat(as_of)
    start = datetime(now.year, now.month, 1, tzinfo=UTC)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    low, high = (
        (start - epoch) // timedelta(milliseconds=1),
        (now - epoch) // timedelta(milliseconds=1),
    )
    spent: dict[str, Decimal] = {}
    with Ledger(db, read_only=True) as ledger:
        rows = ledger.query(
            "SELECT action, spent FROM entries WHERE timestamp_ms >= ? AND timestamp_ms < ?",
            (low, high),
        )
    for action, amount in rows:
        if action != "expire":
            spent[action] = spent.get(action, Decimal(0)) + Decimal(amount)
    return spent


def _status_json(invoke: Invoke, db: Path, *options: str) -> tuple[int, dict[str, Any], str]:
    run = invoke("status", "--db", str(db), "--as-of", AS_OF, "--format", "json", *options)
    return run.exit_code, exact_json.loads(run.stdout), run.stderr


def test_budgets_report_this_months_spending_exactly(invoke: Invoke, tmp_path: Path) -> None:
    """The monthly and per-action budgets carry the month's spending, summed from the entries."""
    db = tmp_path / "l.sqlite3"
    assert invoke("sync", "--db", str(db)).exit_code == 0
    spent = _month_spent(db, AS_OF)
    busiest = max(spent, key=lambda action: spent[action])
    total = sum(spent.values(), Decimal(0))
    assert total > 0
    code, body, err = _status_json(
        invoke, db, "--no-sync", "--monthly-budget", "1000000", "--budget", f"{busiest}=1000000"
    )
    assert code == 0, err
    whole, one = body["budgets"]
    assert whole == {
        "month": "2026-10",
        "action": None,
        "budget": 1000000,
        "spent": total,
        "used": total / 1000000,
        "over": False,
    }
    assert one["action"] == busiest
    assert one["spent"] == spent[busiest]


def test_no_budget_gives_an_empty_list(invoke: Invoke, tmp_path: Path) -> None:
    """Without budget options the json has an empty budgets list (the key is always there)."""
    code, body, _ = _status_json(invoke, tmp_path / "l.sqlite3")
    assert code == 0
    assert body["budgets"] == []


def test_over_budget_exits_3_and_exactly_at_it_does_not(invoke: Invoke, tmp_path: Path) -> None:
    """Spent more than the budget: exit 3 and one stderr line per budget over; equal passes."""
    db = tmp_path / "l.sqlite3"
    assert invoke("sync", "--db", str(db)).exit_code == 0
    spent = _month_spent(db, AS_OF)
    total = sum(spent.values(), Decimal(0))
    action = max(spent, key=lambda name: spent[name])
    code, _, err = _status_json(
        invoke, db, "--no-sync", "--monthly-budget", str(total), "--budget", f"{action}=1000000"
    )
    assert code == 0, err
    assert "over budget" not in err
    code, body, err = _status_json(
        invoke,
        db,
        "--no-sync",
        "--monthly-budget",
        str(total - Decimal("0.01")),
        "--budget",
        f"{action}={spent[action] / 2}",
    )
    assert code == 3
    lines = [line for line in err.splitlines() if "over budget" in line]
    assert len(lines) == 2
    assert f"--monthly-budget {total - Decimal('0.01')}" in lines[0]
    assert f"--budget {action}=" in lines[1]
    assert [use["over"] for use in body["budgets"]] == [True, True]


def test_over_budget_and_below_threshold_share_exit_3(invoke: Invoke, tmp_path: Path) -> None:
    """One rule: any threshold crossed, budget or balance, exits 3 and names each reason."""
    run = invoke(
        "status",
        "--db",
        str(tmp_path / "l.sqlite3"),
        "--as-of",
        AS_OF,
        "--monthly-budget",
        "0.01",
        "--min-balance",
        "100000000",
    )
    assert run.exit_code == 3
    assert "below threshold" in run.stderr
    assert "over budget" in run.stderr


def test_the_table_shows_each_budget(invoke: Invoke, tmp_path: Path) -> None:
    """The table has one line per budget, with the month and the share used."""
    run = invoke(
        "status",
        "--db",
        str(tmp_path / "l.sqlite3"),
        "--as-of",
        AS_OF,
        "--monthly-budget",
        "100000",
        "--budget",
        "nothing_like_it=5",
    )
    assert run.exit_code == 0, run.stderr
    assert "of 100,000 units spent in 2026-10" in run.stdout
    assert "budget    0 of 5 units spent on nothing_like_it in 2026-10 (0.0%)" in run.stdout


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (("--monthly-budget", "0"), "--monthly-budget"),
        (("--monthly-budget", "lots"), "--monthly-budget"),
        (("--budget", "ai_photo_enhance"), "ACTION=UNITS"),
        (("--budget", "=5"), "ACTION=UNITS"),
        (("--budget", "a=-1"), "--budget"),
        (("--budget", "a=NaN"), "--budget"),
        (("--budget", "a=1", "--budget", "a=2"), "given twice"),
    ],
)
def test_a_bad_budget_is_one_line_before_any_request(
    invoke: Invoke, service: MockService, tmp_path: Path, options: tuple[str, ...], says: str
) -> None:
    """A budget that is not ACTION=UNITS with units above 0: exit 2, one line, no request."""
    run = invoke("status", "--db", str(tmp_path / "l.sqlite3"), *options)
    assert run.exit_code == 2
    assert says in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert service.log.count == 0
