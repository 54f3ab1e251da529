"""Credentials handled with care by the CLI, and pacing shared across its processes."""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING

import click
import pytest
from rich.console import Console
from youcam_units import RateLimit, RetryEvent, ServerError
from youcam_units._cli._commands import Runtime, cli
from youcam_units._cli._sources import default_pacing_path
from youcam_units._cli._terminal import WaitNotice
from youcam_units._credential_file import read_credential_file
from youcam_units.mock import DEFAULT_API_KEY, DEFAULT_TOKEN, MockService

if TYPE_CHECKING:
    from pathlib import Path

    from cli.conftest import Invoke, Run

SECRET = "s3cret-Token-value-42"  # noqa: S105 - a made-up token whose leaks the tests look for


def one_line_error(run: Run) -> str:
    """The single ``youcam-units: error:`` line, after checking it is the only output."""
    assert run.exit_code == 1, run.output
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    line: str = lines[0]
    assert line.startswith("youcam-units: error: ")
    return line


def token_file(tmp_path: Path, content: bytes, mode: int = 0o600) -> Path:
    """A token file holding ``content`` with file mode ``mode``."""
    path = tmp_path / "token"
    path.write_bytes(content)
    path.chmod(mode)
    return path


def test_non_ascii_token_is_one_line_naming_the_problem_not_the_token(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, service: MockService
) -> None:
    """Curly quotes pasted around a token: one line, no traceback, no token, no request."""
    monkeypatch.setenv("YOUCAM_ACCESS_TOKEN", f"\u201c{SECRET}\u201d")
    line = one_line_error(invoke("history"))
    assert "non-ASCII" in line
    assert "YOUCAM_ACCESS_TOKEN" in line
    assert SECRET not in line
    assert service.log.count == 0


def test_token_file_with_a_bom_and_quotes_is_read(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A UTF-8 BOM (Windows editors) and straight quotes around the token are dropped."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    path = token_file(tmp_path, b'\xef\xbb\xbf"' + DEFAULT_TOKEN.encode() + b'"\r\n')
    run = invoke("history", "--token-file", str(path), "--limit", "2", "--format", "jsonl")
    assert run.exit_code == 0, run.output
    assert len(run.stdout.splitlines()) == 2
    assert "warning" not in run.stderr


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_token_file_readable_by_others_gets_a_warning(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As ssh does for keys: a token file others can read is used, with a warning and the fix."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    path = token_file(tmp_path, DEFAULT_TOKEN.encode(), mode=0o644)
    run = invoke("history", "--token-file", str(path), "--limit", "1", "--format", "jsonl")
    assert run.exit_code == 0, run.output
    assert "can be read by other users (mode 0644)" in run.stderr
    assert f"chmod 600 {path}" in run.stderr


def test_refused_token_from_a_file_names_the_file(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A 401 names where the token came from (the file), not a variable the user did not set."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    path = token_file(tmp_path, SECRET.encode())
    line = one_line_error(invoke("history", "--token-file", str(path)))
    assert f"from --token-file {path} (HTTP 401" in line
    assert f"put a fresh one in --token-file {path}" in line
    assert SECRET not in line


def test_bad_token_in_a_file_blames_the_file(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A token file problem is reported against the file, not 'the access_token argument'."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    path = token_file(tmp_path, b"abc def\n")
    line = one_line_error(invoke("history", "--token-file", str(path)))
    assert f"--token-file {path}" in line
    assert "access_token argument" not in line


def test_pacing_state_is_shared_by_default(
    invoke: Invoke, service: MockService, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Against a service the CLI paces through one file in the user cache dir, on by default."""
    del tmp_path_factory
    path = default_pacing_path()
    assert path is not None
    assert not path.exists()
    runtime = Runtime(
        transport=service.transport(), client_options={"rate_limit": RateLimit(1000, 1.0)}
    )
    run = invoke("history", "--limit", "40", "--format", "jsonl", runtime=runtime)
    assert run.exit_code == 0, run.output
    assert path.exists()
    import sqlite3  # noqa: PLC0415
    from contextlib import closing  # noqa: PLC0415

    # closing(): a connection's own `with` does not close it (Python 3.13 warns of the leak).
    with closing(sqlite3.connect(path)) as db:
        (sends,) = db.execute("SELECT COUNT(*) FROM sends").fetchone()
    assert sends == service.log.count == 2


def test_wait_notice_says_what_it_waits_for() -> None:
    """Waits of a second or more are announced; the 5-per-second pacing gaps are not."""
    out = io.StringIO()
    notice = WaitNotice(Console(file=out, force_terminal=True, width=80))
    notice.pacing(0.2)
    notice.pacing(40.3)
    error = ServerError("boom", status_code=503)
    notice.retry(RetryEvent(1, 6, 2.5, error, 503, None, None))
    lines = out.getvalue().splitlines()
    assert lines == [
        "waiting 41 s for the rate-limit window",
        "waiting 3 s before retrying (HTTP 503)",
    ]


@pytest.mark.parametrize("command", [("history", "--limit", "1"), ("sync",)])
def test_history_and_sync_take_the_api_key_from_a_file(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """--api-key-file works wherever the API key does: it stands in for a missing token."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    monkeypatch.delenv("YOUCAM_API_KEY", raising=False)
    path = token_file(tmp_path, DEFAULT_API_KEY.encode())
    db = () if command[0] == "history" else ("--db", str(tmp_path / "ledger.sqlite3"))
    run = invoke(*command, *db, "--api-key-file", str(path))
    assert run.exit_code == 0, run.output


def test_a_refused_api_key_file_is_named_with_the_way_to_continue(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, service: MockService
) -> None:
    """History's 401 is the same line as balance's (the key and its file), plus the resume hint."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    monkeypatch.delenv("YOUCAM_API_KEY", raising=False)
    path = token_file(tmp_path, SECRET.encode())
    line = one_line_error(invoke("history", "--api-key-file", str(path)))
    assert f"refused the API key from --api-key-file {path} (HTTP 401" in line
    assert line.endswith("; nothing was read past the first request")
    assert SECRET not in line
    assert service.log.by_status[401] == 1


API_KEY_COMMANDS: dict[str, tuple[str, ...]] = {
    "balance": (),
    "costs": (),
    "history": ("--limit", "1"),
    "metrics": ("--db", "{db}"),
    "report": ("--db", "{db}", "-o", "{out}"),
    "status": ("--db", "{db}"),
    "sync": ("--db", "{db}"),
}
"""Every command that reads the service, with what it needs besides a credential."""


def test_every_command_that_takes_token_file_takes_api_key_file() -> None:
    """--api-key-file is offered wherever --token-file is: the API key works for every read."""
    context = click.Context(cli)
    offers = {
        name: {opt for param in command.params for opt in param.opts}
        for name in cli.list_commands(context)
        if (command := cli.get_command(context, name)) is not None
    }
    with_token_file = {name for name, opts in offers.items() if "--token-file" in opts}
    with_key_file = {name for name, opts in offers.items() if "--api-key-file" in opts}
    assert with_token_file == with_key_file == set(API_KEY_COMMANDS)


@pytest.mark.parametrize("command", sorted(API_KEY_COMMANDS))
def test_each_command_reads_with_the_api_key_from_a_file_alone(
    invoke: Invoke,
    service: MockService,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: str,
) -> None:
    """No variable set: the key in --api-key-file is what the service accepts."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    monkeypatch.delenv("YOUCAM_API_KEY", raising=False)
    path = token_file(tmp_path, DEFAULT_API_KEY.encode())
    extra = [
        arg.format(db=tmp_path / "ledger.sqlite3", out=tmp_path / "report.html")
        for arg in API_KEY_COMMANDS[command]
    ]
    run = invoke(command, *extra, "--api-key-file", str(path))
    assert run.exit_code == 0, run.output
    assert service.log.count > 0
    assert 401 not in service.log.by_status


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"", "access token"),
        (b"x" * (65 * 1024), "API key"),
        (b"\xff\xfe not text", "access token"),
        (b"abc def\n", "API key"),
    ],
)
def test_the_cli_and_the_library_refuse_a_credential_file_in_the_same_words(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes, kind: str
) -> None:
    """One reader: --token-file and --api-key-file fail with the library's own message."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    path = token_file(tmp_path, content)
    option = "--token-file" if kind == "access token" else "--api-key-file"
    with pytest.raises(ValueError, match=r".") as refused:
        read_credential_file(path, source=f"{option} {path}", kind=kind)
    line = one_line_error(invoke("balance", option, str(path)))
    assert line == f"youcam-units: error: {refused.value}"
