"""Start-up: what each command imports, so an eager import anywhere fails a test, not a stopwatch.

``--help`` needs click and the command declarations only; a command that reads the history needs
httpx, but neither pacing nor an event loop it does not use. Timings live in ``scripts/bench``;
these tests pin the cause (the imports) instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from youcam_units._cli._commands import COMMANDS

ENTRY_POINT = shutil.which("youcam-units", path=str(Path(sys.executable).parent))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ENTRY_POINT is None, reason="youcam-units is not installed"),
]

MARK = "loaded modules: "
DRIVER = """
import atexit, json, runpy, sys

def report():
    loaded = sorted(name for name, module in sys.modules.items() if module is not None)
    sys.__stderr__.write({mark!r} + json.dumps(loaded) + "\\n")

atexit.register(report)
sys.argv = [{entry_point!r}, *{args!r}]
runpy.run_path({entry_point!r}, run_name="__main__")
"""
"""Runs the installed entry point script as its own process would, then reports what is loaded
(``None`` entries are imports that were blocked, not loaded)."""

NOT_FOR_HELP = (
    "httpx",
    "rich",
    "sqlite3",
    "pyrate_limiter",
    "youcam_units._errors",
    "youcam_units._access_token",
    "youcam_units._filtering",
    "stamina",
    "asyncio",
    "platformdirs",
    "importlib.metadata",
    "logging",
    "youcam_units_api",
    "youcam_units._client",
    "youcam_units.ledger",
    "youcam_units.mock._service",
)
"""What ``--help`` never imports: the network stack, the renderer, the ledger, the mock."""


NOT_FOR_SUMMARY = (
    "youcam_units.ledger._sync",
    "youcam_units.ledger._forecast",
    "youcam_units.ledger._rows",
    "youcam_units._forecast",
    "youcam_units._errors",
    "youcam_units._client",
    "asyncio",
    "email",
)
"""What ``summary`` never imports: it reads totals, it neither syncs nor forecasts nor writes."""


def imported(*args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run the installed entry point: its result, and every module loaded when it exits."""
    assert ENTRY_POINT is not None
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("YOUCAM_", "PYTHON"))}
    result = subprocess.run(  # noqa: S603 - the interpreter running our own entry point
        [sys.executable, "-c", DRIVER.format(mark=MARK, entry_point=ENTRY_POINT, args=args)],
        capture_output=True,
        text=True,
        env={**clean, "COLUMNS": "80", **env},
        timeout=120,
        check=False,
    )
    reports = [line for line in result.stderr.splitlines() if line.startswith(MARK)]
    assert len(reports) == 1, result.stderr
    modules = set(json.loads(reports[0].removeprefix(MARK)))
    assert "click" in modules  # the report is real: an empty set would prove nothing
    return result, modules


def loaded(modules: set[str], package: str) -> list[str]:
    """``package`` and its submodules among ``modules``."""
    return sorted(m for m in modules if m == package or m.startswith(f"{package}."))


@pytest.mark.parametrize("args", [("--help",), ("history", "--help"), ("summary", "--help")])
def test_help_imports_only_click_and_the_declarations(args: tuple[str, ...]) -> None:
    """``--help`` of the group and of a command: none of the heavy modules is imported."""
    result, modules = imported(*args)
    assert result.returncode == 0, result.stderr
    assert "Usage: youcam-units" in result.stdout
    assert {name: loaded(modules, name) for name in NOT_FOR_HELP} == {
        name: [] for name in NOT_FOR_HELP
    }


def test_listing_the_commands_imports_none_of_them() -> None:
    """The group's ``--help`` lists every command from ``COMMANDS``, loading no command module."""
    result, modules = imported("--help")
    assert result.returncode == 0, result.stderr
    for name, lazy in COMMANDS.items():
        assert f"  {name}  " in result.stdout
        assert lazy.target.partition(":")[0] not in modules, name


def test_a_demo_request_loads_neither_pacing_nor_an_event_loop() -> None:
    """``history --demo``: the in-process mock is read through httpx, unpaced, without asyncio."""
    result, modules = imported("history", "--demo", "--limit", "1", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line]
    assert set(json.loads(line)) >= {"id", "action", "timestamp"}  # read through httpx
    assert "httpx" in modules
    # The in-process mock is not paced: pyrate-limiter is for clients that pace.
    assert loaded(modules, "pyrate_limiter") == []
    # A sync client has no event loop; the exact-JSON marker needs no cryptography module; the
    # history needs none of the balance's and feature costs' types.
    assert "youcam_units._retry" in modules  # the check below looks at a run that could retry
    unused = ("asyncio", "secrets", "youcam_units._unit_system")
    assert {name: loaded(modules, name) for name in unused} == {name: [] for name in unused}


def test_a_table_on_a_forced_terminal_still_uses_rich() -> None:
    """FORCE_COLOR makes rich see a terminal: the command asks rich, and draws the table."""
    result, modules = imported("history", "--demo", "--limit", "1", FORCE_COLOR="1")
    assert result.returncode == 0, result.stderr
    assert "time (UTC)" in result.stdout  # the table, not jsonl
    assert "rich.table" in modules


def test_a_missing_cli_dependency_in_a_command_names_the_extra() -> None:
    """A command imports rich where it draws; without rich it names the extra to install."""
    assert ENTRY_POINT is not None
    code = (
        "import sys\n"
        "sys.modules['rich'] = None  # as if the cli extra were half installed\n"
        f"sys.argv = [{ENTRY_POINT!r}, 'history', '--demo', '--limit', '1', '--format', 'table']\n"
        "from youcam_units._cli import main\n"
        "main()\n"
    )
    result = subprocess.run(  # noqa: S603 - the interpreter with fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        (
            "youcam-units: error: the command needs the cli extra (rich is missing): "
            "pip install 'youcam-units[cli]'"
        )
    ]


def test_the_choices_spelt_out_for_help_are_the_real_ones() -> None:
    """``--by`` and ``--format`` are declared without importing the ledger or the renderer."""
    from youcam_units._cli import _history_command, _render, _summary_command  # noqa: PLC0415
    from youcam_units.ledger import GROUPINGS  # noqa: PLC0415

    assert _summary_command.GROUPINGS == GROUPINGS
    assert _history_command.FORMATS == _render.FORMATS


def test_a_summary_reads_the_ledger_without_the_network_stack(tmp_path: Path) -> None:
    """``summary`` needs sqlite3 and rich's table, never httpx, the generated client or the sync."""
    db = str(tmp_path / "ledger.sqlite3")
    synced, _ = imported("sync", "--demo", "--entries", "60", "--db", db)
    assert synced.returncode == 0, synced.stderr
    for fmt, drawn in (("json", False), ("table", True)):
        result, modules = imported("summary", "--db", db, "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "sqlite3" in modules
        assert loaded(modules, "httpx") == []
        assert loaded(modules, "youcam_units_api") == []
        assert loaded(modules, "rich.progress") == []
        assert ("rich.table" in modules) == drawn
        # Only what reads a summary: not the sync, the forecast, the row writer, nor asyncio.
        assert {name: loaded(modules, name) for name in NOT_FOR_SUMMARY} == {
            name: [] for name in NOT_FOR_SUMMARY
        }
        # (youcam_units._json is no longer a writer only: the one parse path reads entries with it.)
