"""Every table as users see it: a real process at 40 to 200 columns, piped and on a terminal.

No line is wider than the terminal, no figure or date is split or rounded, amounts line up on
the point, the chart tells spent from expired without colour, and no line ends in blanks.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len
from youcam_units import HistoryEntry
from youcam_units import _json as exact_json

from .test_cli_units_widths import run

ENTRY_POINT = shutil.which("youcam-units", path=str(Path(sys.executable).parent))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ENTRY_POINT is None, reason="youcam-units is not installed"),
]

WIDTHS = (40, 60, 80, 120, 200)
DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})\s")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s")
AMOUNT = re.compile(r"^[+-]?\d{1,3}(,\d{3})*\.\d+$")
TABLES = {
    "history": ("history", "--demo", "--format", "table", "--limit", "60"),
    "summary-action": ("summary", "--demo", "--by", "action"),
    "summary-day": ("summary", "--demo", "--by", "day"),
    "summary-month": ("summary", "--demo", "--by", "month"),
    "summary-day-all-priced": ("summary", "--demo", "--by", "day", "--all", "--unit-price", "0.05"),
    "summary-action-all-priced": ("summary", "--demo", "--all", "--unit-price", "0.05"),
    "balance": ("balance", "--demo"),
    "costs": ("costs", "--demo"),
    "status": ("status", "--demo"),
    "status-budgets": (
        "status",
        "--demo",
        "--unit-price",
        "0.05",
        "--monthly-budget",
        "1000000",
        "--budget",
        "compensation_from_customer_service=123456.5",
    ),
}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One demo ledger for every summary and status run of the module."""
    return str(tmp_path_factory.mktemp("screens") / "demo.sqlite3")


def shown(name: str, columns: int, ledger: str, **env: str) -> list[str]:
    """The lines ``TABLES[name]`` prints at ``columns`` columns, piped."""
    args = TABLES[name]
    if args[0] in {"summary", "status"}:
        args = (*args, "--db", ledger)
    done = run(*args, columns=columns, **env)
    assert done.returncode in {0, 3}, done.stderr  # 3: a budget is over
    return done.stdout.splitlines()


def cents(value: Decimal, *, sign: bool = False) -> str:
    """``value`` as a table shows it: to two decimals (the demo's amounts have at most two)."""
    assert value == round(value, 2)
    return f"{value:{'+' if sign else ''},.2f}"


def too_wide(lines: list[str], columns: int) -> list[str]:
    """The lines wider than ``columns`` cells."""
    return [line for line in lines if cell_len(line) > columns]


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("name", sorted(TABLES))
def test_no_line_is_wider_than_the_terminal(name: str, columns: int, ledger: str) -> None:
    """Every line of every table fits ``columns`` cells, and none ends in blanks."""
    lines = shown(name, columns, ledger)
    assert lines
    assert too_wide(lines, columns) == []
    assert [line for line in lines if line != line.rstrip()] == []


@pytest.mark.parametrize("columns", WIDTHS)
def test_accounts_listing_fits_and_keeps_paths_whole(columns: int, tmp_path: Path) -> None:
    """A value too long for its line goes under its label, whole.

    Only a value longer than the terminal itself is wider, alone on its line.
    """
    config = tmp_path / "config.toml"
    config.write_text(
        '[accounts.a]\naccess_token_env = "TOKEN_A"\ndb = "a.sqlite3"\n'
        'base_url = "https://yce-api-01.perfectcorp.com"\n'
        '[accounts.b]\napi_key_env = "LONG_NAME_FOR_THE_API_KEY"\n'
        'db = "postgresql://ledger:pw@db.internal/youcam"\n',
        encoding="utf-8",
    )
    done = run("accounts", columns=columns, YOUCAM_UNITS_CONFIG=str(config))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    values = (str(tmp_path / "a.sqlite3"), "https://yce-api-01.perfectcorp.com")
    for value in (*values, "$LONG_NAME_FOR_THE_API_KEY (MISSING)"):
        assert any(line.endswith(value) for line in lines), value
    wide = too_wide(lines[1:], columns)  # the first line names the file: a long tmp path
    assert all(" " not in line and len(line) > columns for line in wide), wide


@pytest.mark.parametrize("columns", WIDTHS)
def test_summary_by_day_keeps_every_date_and_figure_whole(columns: int, ledger: str) -> None:
    """Each day is one line of the table and one of the chart.

    Its spent and granted are as JSON has them, with two decimals; a figure column left out is
    named above the table.
    """
    lines = shown("summary-day", columns, ledger)
    exported = run("summary", "--demo", "--by", "day", "--db", ledger, "--format", "json")
    days = {row["day"]: row for row in exact_json.loads(exported.stdout)}
    dated = [(match.group(1), line) for line in lines if (match := DAY.match(line))]
    newest = sorted(days)[-30:]
    assert [day for day, _ in dated] == newest + newest  # the table, then the chart
    header = next(line.split() for line in lines if line.startswith("day "))
    for day, line in dated[:30]:
        cells = line.split()[1:]
        assert len(cells) == len(header) - 1, line
        assert all(AMOUNT.match(cell) or cell.isdigit() for cell in cells), line
        for column in ("spent", "granted"):
            figure = cells[header.index(column) - 1]
            assert figure == cents(Decimal(days[day][column])), line
    hidden = {"entries", "net", "expired"} - set(header)
    words = " ".join(" ".join(lines).split())
    assert not hidden or f"not shown at {columns} columns: " in words
    assert all(name in words for name in hidden)


@pytest.mark.parametrize("columns", WIDTHS)
def test_history_keeps_every_amount_whole_and_to_the_point(columns: int) -> None:
    """Each entry's time and amount are whole on its first line, all with two decimals."""
    lines = shown("history", columns, "")
    exported = run("history", "--demo", "--format", "jsonl", "--limit", "60")
    entries = [
        HistoryEntry.from_dict(exact_json.loads(line)) for line in exported.stdout.splitlines()
    ]
    rows = [line for line in lines if TIME.match(line)]
    assert len(rows) == len(entries) == 60
    for line, entry in zip(rows, entries, strict=True):
        figure = next(cell for cell in line.split()[2:] if AMOUNT.match(cell))
        assert figure == cents(entry.amount, sign=True), line
        assert len(figure.split(".")[1]) == 2, line


def test_history_action_is_whole_at_200_columns_and_a_pipe_is_not_padded() -> None:
    """At 200 columns the longest action is one line; piped, no line is padded to 160."""
    wide = shown("history", 200, "")
    assert any(" compensation_from_customer_service " in line for line in wide)
    assert ENTRY_POINT is not None
    env = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES"}}
    piped = subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        [ENTRY_POINT, "history", "--demo", "--format", "table", "--limit", "60"],
        capture_output=True,
        text=True,
        env={k: v for k, v in env.items() if not k.startswith("YOUCAM_")},
        timeout=120,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    lines = piped.stdout.splitlines()
    assert [line for line in lines if line != line.rstrip()] == []
    assert max(cell_len(line) for line in lines) < 160  # as wide as its content, not the page


@pytest.mark.parametrize(
    ("columns", "encoding", "glyph"), [(80, "utf-8", "░"), (200, "cp1252", "-")]
)
def test_the_chart_tells_expired_from_spent_without_colour(
    columns: int, encoding: str, glyph: str, ledger: str
) -> None:
    """Piped (no colour), expired bars have a glyph of their own and the legend names it.

    By action, the expire row does not set the scale of the spending bars.
    """
    by_day = shown("summary-day", columns, ledger, PYTHONIOENCODING=encoding)
    legend = next(line for line in by_day if line.startswith("units per day:"))
    assert f"{glyph} expired" in legend
    chart = by_day[by_day.index(legend) :]
    assert any(DAY.match(line) and f" {glyph * 2}" in line for line in chart)
    by_action = shown("summary-action", columns, ledger, PYTHONIOENCODING=encoding)
    legend = next(line for line in by_action if line.startswith("units per action:"))
    chart = by_action[by_action.index(legend) + 2 :]
    full = "█" if encoding == "utf-8" else "#"
    spending = [line for line in chart if not line.startswith("expire ")]
    bars = [re.findall(rf"\d [{full}▏▎▍▌▋▊▉]+", line) for line in spending]
    assert max(len(found[0]) - 2 for found in bars if found) >= 8


def on_a_terminal(*args: str, columns: int) -> list[str]:
    """The lines the entry point draws on a pseudo-terminal ``columns`` wide, colours removed."""
    assert ENTRY_POINT is not None
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YOUCAM_", "NO_COLOR"))}
    with subprocess.Popen(  # noqa: S603 - our own entry point, fixed arguments
        [ENTRY_POINT, *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**env, "COLUMNS": str(columns), "TERM": "xterm-256color"},
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is done writing
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=120) == 0
    os.close(leader)
    text = b"".join(chunks).decode()
    return [ANSI.sub("", line) for line in text.replace("\r\n", "\n").splitlines()]


@pytest.mark.parametrize("columns", [40, 80])
def test_on_a_terminal_history_fits_in_colour(columns: int) -> None:
    """On a terminal (the table by default, in colour) every line fits and amounts are whole."""
    lines = on_a_terminal("history", "--demo", "--limit", "5", columns=columns)
    assert too_wide(lines, columns) == []
    assert [line for line in lines if line != line.rstrip()] == []
    rows = [line for line in lines if TIME.match(line)]
    assert len(rows) == 5
    assert rows[0].split()[-1 if columns == 40 else -2] == "+100.00"
