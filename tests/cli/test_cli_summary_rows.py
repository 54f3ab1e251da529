"""``summary`` draws at most ``--rows`` groups, says how many it left out, and totals them all."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from rich.console import Console
from youcam_units import _json as exact_json
from youcam_units._cli._fit import amounts
from youcam_units._cli._render_summary import pick_rows, render_summary
from youcam_units._cli._summary_command import SUMMARY_ROWS
from youcam_units.ledger import SummaryRow

if TYPE_CHECKING:
    from pathlib import Path

    from cli.conftest import Invoke

DEMO_DAYS_ENTRIES = "1000"
"""The demo mock's 1,000 entries span 42 UTC days: more than the default 30 rows."""
DAY_ROW = re.compile(r"^(\d{4}-\d\d-\d\d)\s+[\d,]+\s")
LEFT_OUT = re.compile(r"^([\d,]+) older days not shown \(the total includes them\)")


@pytest.fixture
def ledger(invoke: Invoke, tmp_path: Path) -> Path:
    """The 1,000-entry demo history, synced."""
    path = tmp_path / "demo.sqlite3"
    run = invoke("sync", "--demo", "--entries", DEMO_DAYS_ENTRIES, "--db", str(path))
    assert run.exit_code == 0, run.stderr
    return path


def days_as_json(invoke: Invoke, ledger: Path) -> list[dict[str, object]]:
    """``summary --by day --format json``: every day, parsed."""
    run = invoke("summary", "--db", str(ledger), "--by", "day", "--format", "json")
    assert run.exit_code == 0, run.stderr
    days: list[dict[str, object]] = exact_json.loads(run.stdout)
    return days


def table_days(text: str) -> list[str]:
    """The days the table lists (the chart's rows start with a day too, but no count)."""
    table = re.split(r"units per \w+: ", text, maxsplit=1)[0]  # the chart's legend
    return [m.group(1) for line in table.splitlines() if (m := DAY_ROW.match(line))]


def test_by_day_draws_the_newest_rows_and_says_how_many_it_left_out(
    invoke: Invoke, ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Default: the newest 30 days, a line naming the other 12, and a total over all 42."""
    monkeypatch.setenv("COLUMNS", "80")
    days = days_as_json(invoke, ledger)
    assert len(days) > SUMMARY_ROWS  # json: every day, uncapped
    run = invoke("summary", "--db", str(ledger), "--by", "day")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines)
    assert table_days(run.stdout) == [str(day["day"]) for day in days[-SUMMARY_ROWS:]]
    assert f"the newest {SUMMARY_ROWS} of {len(days)}" in run.stdout
    chart = run.stdout.split("on its own scale")[1]  # after the legend
    assert sum("█" in line for line in chart.splitlines()) == SUMMARY_ROWS
    note = " ".join(lines[lines.index(next(x for x in lines if LEFT_OUT.match(x))) :])
    left_out = LEFT_OUT.match(note)
    assert left_out is not None
    assert int(left_out.group(1).replace(",", "")) == len(days) - SUMMARY_ROWS
    assert "--all" in note
    assert "--format json" in note
    total = next(line for line in lines if line.startswith("total")).split()
    entries = sum(int(str(day["entries"])) for day in days)
    spent = sum((Decimal(str(day["spent"])) for day in days), Decimal(0))
    assert total[1:3] == [f"{entries:,}", amounts([spent])[0]]  # every day, not just those shown


@pytest.mark.parametrize(("option", "shown"), [(("--all",), 42), (("--rows", "5"), 5)])
def test_rows_and_all_choose_how_many_groups_are_drawn(
    invoke: Invoke, ledger: Path, option: tuple[str, ...], shown: int
) -> None:
    """``--rows N`` draws N groups; ``--all`` draws every one and has nothing to say."""
    days = days_as_json(invoke, ledger)
    assert len(days) == 42
    run = invoke("summary", "--db", str(ledger), "--by", "day", *option)
    assert run.exit_code == 0, run.stderr
    assert table_days(run.stdout) == [str(day["day"]) for day in days[-shown:]]
    left_out = len(days) - shown
    assert (f"{left_out} older days not shown" in run.stdout) == bool(left_out)
    assert ("the newest" in run.stdout) == bool(left_out)


def test_rows_must_be_at_least_one(invoke: Invoke, ledger: Path) -> None:
    """``--rows 0`` is a usage error that says what to give."""
    run = invoke("summary", "--db", str(ledger), "--rows", "0")
    assert run.exit_code == 2
    assert "--rows" in run.stderr
    assert "x>=1" in run.stderr


def row(group: str, spent: str = "0", granted: str = "0", expired: str = "0") -> SummaryRow:
    """One group's totals, of one entry."""
    return SummaryRow(group, 1, Decimal(spent), Decimal(granted), Decimal(expired))


def test_actions_kept_are_those_that_moved_the_most_units() -> None:
    """A rare large grant outranks small spenders; the kept rows keep their order."""
    rows = [
        row("api_a", spent="30"),
        row("api_b", spent="20"),
        row("api_c", spent="10"),
        row("renew", granted="500"),
        row("expire", expired="25"),
    ]
    kept = pick_rows(rows, "action", 3)
    assert [r.group for r in kept] == ["api_a", "renew", "expire"]
    assert pick_rows(rows, "action", 5) == rows
    assert pick_rows(rows, "action", None) == rows
    assert [r.group for r in pick_rows(rows, "day", 2)] == ["renew", "expire"]  # the last two


def render(rows: list[SummaryRow], by: str, *, limit: int | None, encoding: str = "utf-8") -> str:
    """What ``render_summary`` writes at 80 columns to a stream of ``encoding``."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding=encoding)
    console = Console(file=out, width=80, highlight=False, color_system=None)
    render_summary(rows, by, console, limit=limit)
    out.flush()
    return raw.getvalue().decode(encoding)


def test_the_chart_keeps_the_longest_figure_whole() -> None:
    """1,164.50 is wider than the largest value 1,275: the chart sizes for it, never cuts it."""
    rows = [row("2026-10-28", granted="1164.50"), row("2026-10-31", granted="1275")]
    text = render(rows, "day", limit=None)
    assert "…" not in text
    chart = text.split("units per day: ")[1]
    assert "1,164.50" in chart
    assert "1,275.00" in chart


def test_actions_left_out_are_named_as_such_on_an_ascii_stream() -> None:
    """The note for actions, at 80 columns on a stream that cannot encode block characters."""
    rows = [row(f"api_{i:02}", spent=str(100 - i)) for i in range(12)]
    text = render(rows, "action", limit=10, encoding="cp1252")
    assert all(len(line.rstrip()) <= 80 for line in text.splitlines())
    words = " ".join(text.split())  # the title and the note wrap at 80 columns
    assert "units per action (UTC), the 10 of 12 that moved the most units" in words
    assert words.endswith(
        "2 actions that moved fewer units not shown (the total includes them): see every "
        "action with --all, or --format json"
    )
    assert "█" not in text
    assert "#" in text
