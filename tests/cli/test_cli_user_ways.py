"""The command as users run it: real process, COLUMNS width, real pipe, non-UTF-8 stdout.

Each test reproduces a way the CLI once showed a wrong or cut figure, crashed or went silent.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from youcam_units import HistoryEntry
from youcam_units._cli._commands import EXIT_BROKEN_PIPE
from youcam_units._cli._fit import amounts
from youcam_units.mock import DEFAULT_TOKEN

ENTRY_POINT = shutil.which("youcam-units", path=str(Path(sys.executable).parent))
FAULTY_CLI = Path(__file__).with_name("faulty_cli.py")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ENTRY_POINT is None, reason="youcam-units is not installed"),
]

WIDTHS = (60, 80, 120)
ROW = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) ")
FIGURE = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")


def environment(**extra: str) -> dict[str, str]:
    """The test's environment without YOUCAM_ settings, plus ``extra``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("YOUCAM_")}
    return {**base, "YOUCAM_ACCESS_TOKEN": DEFAULT_TOKEN, **extra}


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``youcam-units ARGS`` as a process, its stdout and stderr pipes read as text."""
    assert ENTRY_POINT is not None
    return subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        [ENTRY_POINT, *args],
        capture_output=True,
        text=True,
        env=environment(**env),
        timeout=120,
        check=False,
    )


def run_faulty(faults: dict[int, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``youcam-units ARGS`` as a process whose service fails the scripted requests."""
    return subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, str(FAULTY_CLI), "7", "200", json.dumps(faults), *args],
        capture_output=True,
        text=True,
        env=environment(COLUMNS="200"),
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo history synced into a ledger once, for the summary tests."""
    path = tmp_path_factory.mktemp("ledger") / "demo.sqlite3"
    result = run("sync", "--demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    return path


# -- every figure whole, at any width ------------------------------------------------------------


@pytest.mark.parametrize("columns", WIDTHS)
def test_history_table_shows_each_figure_as_json_has_it(columns: int) -> None:
    """Time, units and id in the table are exactly the json's, at 60, 80 and 120 columns."""
    table = run("history", "--demo", "--limit", "75", "--format", "table", COLUMNS=str(columns))
    exported = run("history", "--demo", "--limit", "75", "--format", "json")
    assert table.returncode == 0, table.stderr
    entries = [
        HistoryEntry.from_dict(item) for item in json.loads(exported.stdout, parse_float=Decimal)
    ]
    lines = table.stdout.splitlines()
    assert all(len(line.rstrip()) <= columns for line in lines)
    header = next(line for line in lines if line.startswith("time (UTC)"))
    rows = [line.split() for line in lines if ROW.match(line)]
    assert len(rows) == len(entries) == 75
    for cells, entry in zip(rows, entries, strict=True):
        assert entry.timestamp is not None  # the mock's times are all within years 1-9999
        assert f"{cells[0]} {cells[1]}" == entry.timestamp.strftime("%Y-%m-%d %H:%M:%S")
        assert Decimal(cells[3].replace(",", "")) == entry.amount
        assert len(cells[3].partition(".")[2]) >= 2  # to the cent at least, lined up
        if " id " in header:
            assert cells[4] == str(entry.id)
    if " id " not in header or "target" not in header:
        assert f"not shown at {columns} columns" in table.stdout  # the table says so
    if columns >= 120:
        assert "target" in header
        assert " id " in header


def _summary_rows(text: str, figures: int) -> list[list[str]]:
    """The table's rows (the line holding the figures) up to the chart, total included."""
    table = text.split(
        "units per action:" if "units per action:" in text else "units per month:", maxsplit=1
    )[0]
    rows = []
    for line in table.splitlines():
        cells = line.split()
        if len(cells) > figures and all(FIGURE.match(cell) for cell in cells[-figures:]):
            rows.append(cells[-figures:])
    return rows


def _chart_figures(text: str) -> tuple[list[str], list[tuple[Decimal, ...]]]:
    """The chart's columns, and each row's figures in them, told apart by where they sit."""
    chart = text.split("on its own scale", maxsplit=1)[1].splitlines()
    header = next(line for line in chart if "granted" in line)
    names = header.split()[1:]
    starts = [header.index(name) for name in names]
    figures = []
    for line in chart[chart.index(header) + 1 :]:
        found = [
            (m.start(), Decimal(m.group().replace(",", "")))
            for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", line)
            if m.start() >= starts[0]  # not the group's own digits (a month, a day)
        ]
        if not found:
            continue  # a folded group name's second line
        figures.append(
            tuple(
                sum(
                    (value for at, value in found if start <= at < end),
                    Decimal(0),
                )
                for start, end in zip(starts, [*starts[1:], len(line) + 1], strict=True)
            )
        )
    return names, figures


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("by", ["action", "month"])
def test_summary_table_and_chart_show_each_figure_as_json_has_it(
    ledger: Path, columns: int, by: str
) -> None:
    """Every total, net and chart figure equals the json's (the net of -251 once showed -2)."""
    table = run("summary", "--db", str(ledger), "--by", by, COLUMNS=str(columns))
    exported = run("summary", "--db", str(ledger), "--by", by, "--format", "json")
    assert table.returncode == 0, table.stderr
    groups = json.loads(exported.stdout, parse_float=Decimal)
    assert all(len(line.rstrip()) <= columns for line in table.stdout.splitlines())
    keys = ("entries", "spent", "granted", "expired", "net")
    values = {key: [Decimal(g[key]) for g in groups] for key in keys}
    for key in keys:  # the total, over every group
        values[key].append(sum(values[key], Decimal(0)))
    shown = next(line.split() for line in table.stdout.splitlines() if line.startswith(f"{by} "))
    # A column's amounts share one number of decimals; the entry counts are whole numbers.
    formatted = {
        key: [f"{v:,}" for v in column] if key == "entries" else amounts(column, sign=key == "net")
        for key, column in values.items()
    }
    expected = [[formatted[key][i] for key in keys if key in shown] for i in range(len(groups) + 1)]
    if len(shown) < len(keys) + 1:  # the entry counts go first, and the table says so
        assert columns < 80
        assert "not shown at" in table.stdout
        assert "entries" not in shown
    assert _summary_rows(table.stdout, len(expected[0])) == expected
    names, figures = _chart_figures(table.stdout)
    assert figures == [tuple(g[name] for name in names) for g in groups]


# -- any stream ----------------------------------------------------------------------------------


def test_summary_on_a_cp1252_stdout_draws_ascii_bars(ledger: Path) -> None:
    """A redirected Windows stream cannot encode block characters: the bars fall back to '#'."""
    result = run("summary", "--db", str(ledger), COLUMNS="80", PYTHONIOENCODING="cp1252")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "#" in result.stdout
    assert "█" not in result.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "table"])
def test_a_closed_pipe_stops_quietly(fmt: str) -> None:
    """``| head -1`` takes one line; the command stops with no message, as Unix tools do."""
    assert ENTRY_POINT is not None
    pipeline = f"set -o pipefail; '{ENTRY_POINT}' history --demo --format {fmt} | head -1"
    result = subprocess.run(  # noqa: S603 - a fixed pipeline of our own entry point
        ["bash", "-c", pipeline],  # noqa: S607 - bash from PATH, as a user's shell
        capture_output=True,
        text=True,
        env=environment(COLUMNS="80"),
        timeout=120,
        check=False,
    )
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1
    assert result.returncode == EXIT_BROKEN_PIPE


def _ids(fmt: str, text: str) -> list[int]:
    """The entry ids in one ``history`` output, which must parse as a whole."""
    if fmt == "json":
        return [item["id"] for item in json.loads(text)]
    if fmt == "jsonl":
        return [json.loads(line)["id"] for line in text.splitlines()]
    return [int(row["id"]) for row in csv.DictReader(io.StringIO(text))]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_an_error_mid_stream_leaves_valid_output_and_a_way_to_continue(fmt: str) -> None:
    """Request 3 fails: stdout parses, stderr names error, request id and token; resuming works.

    ``--starting-token`` reads the rest: the two runs together are the whole history, once.
    """
    failed = run_faulty({3: "500"}, "history", "--format", fmt)
    assert failed.returncode == 1
    first = _ids(fmt, failed.stdout)  # parses: a closed array, whole lines
    assert len(first) == 60
    (line,) = failed.stderr.splitlines()
    assert "HTTP 500" in line
    assert re.search(r"\(request id [\w-]+\)", line), line
    token = re.search(r"--starting-token (\S+)", line)
    assert token is not None, line
    rest = run_faulty({}, "history", "--format", fmt, "--starting-token", token.group(1))
    assert rest.returncode == 0, rest.stderr
    whole = run_faulty({}, "history", "--format", fmt)
    assert first + _ids(fmt, rest.stdout) == _ids(fmt, whole.stdout)
    assert len(_ids(fmt, whole.stdout)) == 200


def test_the_error_line_carries_the_request_id_without_verbose() -> None:
    """What the vendor's support asks for is on the one line, --verbose or not."""
    result = run_faulty({1: "503"}, "history", "--format", "jsonl")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("youcam-units: error: ")
    assert re.search(r"\(request id [\w-]+\)", line), line


# -- --action ------------------------------------------------------------------------------------


def test_an_action_typo_is_warned_about_with_the_close_matches() -> None:
    """``--action api_hair_styl`` matches nothing: stderr says so and suggests the real one."""
    result = run("history", "--demo", "--action", "api_hair_styl", "--format", "jsonl")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "warning: --action api_hair_styl" in result.stderr
    assert "api_hair_style" in result.stderr


def test_documented_and_seen_actions_get_no_warning() -> None:
    """A documented action, and one the read met though the spec does not list it, pass quietly."""
    documented = run("history", "--demo", "--action", "api_hair_style", "--format", "jsonl")
    assert documented.returncode == 0
    assert documented.stdout
    assert documented.stderr == ""
    seen = run("history", "--demo", "--action", "skin_analysis", "--format", "jsonl")
    assert seen.returncode == 0
    assert seen.stdout
    assert seen.stderr == ""
