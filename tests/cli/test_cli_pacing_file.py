"""The shared pacing file in the CLI: one that cannot be used is named, with a fix to apply."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import pytest
from support import free_port
from youcam_units import RateLimit
from youcam_units._cli._commands import Runtime

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units.mock import MockService

    from cli.conftest import Invoke, Run

COMMANDS = [("balance",), ("history", "--limit", "5", "--format", "jsonl")]


def _paced(service: MockService) -> Runtime:
    """The CLI as against the real service: pacing through the shared file."""
    return Runtime(
        transport=service.transport(), client_options={"rate_limit": RateLimit(1000, 1.0)}
    )


def _error_line(run: Run) -> str:
    assert run.exit_code == 1, run.output
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


def test_a_directory_as_the_pacing_file_is_named_with_the_fix(
    invoke: Invoke, service: MockService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """YOUCAM_UNITS_PACING_FILE naming a directory: the fix is the variable, not pacing_file=."""
    monkeypatch.setenv("YOUCAM_UNITS_PACING_FILE", str(tmp_path))
    line = _error_line(invoke("balance", runtime=_paced(service)))
    assert f"the pacing file {tmp_path} is a directory" in line
    assert "set YOUCAM_UNITS_PACING_FILE to another file, or to none" in line
    assert "pacing_file" not in line
    assert service.log.count == 0


def test_an_unreachable_token_pacing_database_is_fixed_through_the_variable(
    invoke: Invoke, service: MockService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """YOUCAM_UNITS_TOKEN_PACING that cannot be reached: the way out is the CLI's, not Python's."""
    pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    monkeypatch.setenv("YOUCAM_UNITS_TOKEN_PACING", f"postgresql://u@127.0.0.1:{free_port()}/x")
    line = _error_line(invoke("balance", runtime=_paced(service)))
    assert "the token pacing database postgresql://u@127.0.0.1:" in line
    assert "cannot be reached" in line
    assert "token_pacing=None" not in line
    assert "YOUCAM_UNITS_TOKEN_PACING" in line
    assert service.log.count == 0


@pytest.mark.parametrize("command", COMMANDS)
def test_a_foreign_pacing_file_is_named_with_the_fix(
    invoke: Invoke,
    service: MockService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    """A ledger given as the pacing file: one line naming the pacing file, not a ledger error."""
    ledger = tmp_path / "ledger.sqlite3"
    with closing(sqlite3.connect(ledger)) as db:
        db.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY)")
        db.commit()
    before = ledger.read_bytes()
    monkeypatch.setenv("YOUCAM_UNITS_PACING_FILE", str(ledger))
    line = _error_line(invoke(*command, runtime=_paced(service)))
    assert f"the pacing file {ledger} is not a youcam-units pacing file" in line
    assert "YOUCAM_UNITS_PACING_FILE" in line
    assert "ledger database" not in line
    assert "pacing_file=" not in line  # the library's argument means nothing to a CLI user
    assert ledger.read_bytes() == before
    assert service.log.count == 0


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unwritable_cache_dir_has_a_way_out(
    invoke: Invoke,
    service: MockService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    """No usable cache dir: the error says how to go on, and going on that way works."""
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache dir should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    line = _error_line(invoke(*command, runtime=_paced(service)))
    assert "the pacing file" in line
    assert "set YOUCAM_UNITS_PACING_FILE to another file, or to none" in line
    monkeypatch.setenv("YOUCAM_UNITS_PACING_FILE", "none")
    run = invoke(*command, runtime=_paced(service))
    assert run.exit_code == 0, run.output
    elsewhere = tmp_path / "elsewhere" / "pacing.sqlite3"
    monkeypatch.setenv("YOUCAM_UNITS_PACING_FILE", str(elsewhere))
    run = invoke(*command, runtime=_paced(service))
    assert run.exit_code == 0, run.output
    assert elsewhere.exists()


def test_a_pacing_file_locked_mid_run_is_named(
    invoke: Invoke, service: MockService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locked by another program past the busy timeout: the pacing file is named, not the ledger."""
    from youcam_units import _config  # noqa: PLC0415

    monkeypatch.setattr(_config, "PACING_FILE_BUSY_TIMEOUT", 0.05)
    state = tmp_path / "pacing.sqlite3"
    monkeypatch.setenv("YOUCAM_UNITS_PACING_FILE", str(state))
    assert invoke("balance", runtime=_paced(service)).exit_code == 0
    with closing(sqlite3.connect(state, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        line = _error_line(invoke("balance", runtime=_paced(service)))
        holder.rollback()
    assert f"the pacing file {state}" in line
    assert "locked" in line
    assert "ledger" not in line
