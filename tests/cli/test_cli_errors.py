"""Expected failures: one line on stderr, exit 2 for usage and 1 otherwise, never a traceback."""

from __future__ import annotations

import re
import socket
from typing import TYPE_CHECKING

import pytest
from support import free_port
from youcam_units._cli._commands import Runtime
from youcam_units.mock import FaultKind, FaultPlan, MockService

if TYPE_CHECKING:
    from pathlib import Path

    from cli.conftest import Invoke, Run

SECRET = "s3cret-Token-value-42"  # noqa: S105 - a made-up token whose leaks the tests look for


def assert_one_line_failure(run: Run, code: int, *fragments: str) -> None:
    """Exit ``code``, nothing on stdout, exactly one ``youcam-units: error:`` line on stderr."""
    assert run.exit_code == code, run.output
    assert run.stdout == ""
    assert run.stderr.startswith("youcam-units: error: ")
    assert run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.output
    for fragment in fragments:
        assert fragment in run.stderr


def test_no_token(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without YOUCAM_ACCESS_TOKEN or --token-file the command says how to give one."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    run = invoke("history")
    assert_one_line_failure(run, 1, "no access token", "YOUCAM_ACCESS_TOKEN", "--token-file")


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_no_token_writes_nothing_to_stdout(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """No credential: the one line, and no '[]' or csv header to mistake for an empty export."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    run = invoke("history", "--format", fmt)
    assert_one_line_failure(run, 1, "no access token")


@pytest.mark.parametrize("command", ["history", "sync"])
def test_bad_token(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    """A token the service refuses (401) is reported as such, and the token is not echoed."""
    monkeypatch.setenv("YOUCAM_ACCESS_TOKEN", SECRET)
    run = (
        invoke(command, "--db", str(tmp_path / "l.sqlite3"))
        if command == "sync"
        else invoke(command)
    )
    assert_one_line_failure(run, 1, "refused the access token from YOUCAM_ACCESS_TOKEN (HTTP 401")
    assert SECRET not in run.output


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["history", "--since", "2026-13-01"], "'--since'"),
        (["history", "--until", "someday"], "'--until'"),
        (["history", "--since", "2026-11-02", "--until", "2026-11-01"], "must not be after"),
        (["history", "--format", "xml"], "'--format'"),
        (["history", "--limit", "-1"], "'--limit'"),
        (["history", "--bogus"], "--bogus"),
        (["summary", "--by", "week"], "'--by'"),
        (["history", "--token-file", "/nonexistent/token"], "'--token-file'"),
        (["mock", "--port", "70000"], "'--port'"),
        (["nosuchcommand"], "nosuchcommand"),
    ],
)
def test_bad_arguments_exit_2(invoke: Invoke, args: list[str], fragment: str) -> None:
    """Bad options and arguments exit 2 with one line naming the culprit, before any request."""
    run = invoke(*args)
    assert_one_line_failure(run, 2, fragment, "--help")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["report", "--demo", "-o", "-"], "'-o'"),
        (["metrics", "--demo", "-o", "-"], "'-o'"),
        (["sync", "--demo", "--db", "-"], "'--db'"),
        (["history", "--token-file", "-"], "'--token-file'"),
    ],
)
def test_a_dash_is_not_taken_for_a_file_named_dash(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], option: str
) -> None:
    """'-' (stdout or stdin, to Unix tools) is refused in one line, not written as a file '-'."""
    monkeypatch.chdir(tmp_path)
    run = invoke(*args)
    assert_one_line_failure(run, 2, option, "name a file")
    assert list(tmp_path.iterdir()) == []


def test_network_down(invoke: Invoke) -> None:
    """An unreachable service is one 'cannot reach' line after the retries."""
    runtime = Runtime(client_options={"rate_limit": None})
    run = invoke("history", "--base-url", f"http://127.0.0.1:{free_port()}", runtime=runtime)
    assert_one_line_failure(run, 1, "cannot reach the service")


def test_plain_http_to_a_remote_host_is_refused(invoke: Invoke) -> None:
    """The token is never sent in clear: http:// is allowed for loopback hosts only."""
    run = invoke("history", "--base-url", "http://example.com", runtime=Runtime())
    assert_one_line_failure(run, 1, "plain http")


def test_rate_limited_past_the_retries(invoke: Invoke, service: MockService) -> None:
    """429 on every attempt ends in one line that explains the limit and what to do."""
    service.faults = FaultPlan.random(1.0, kinds=[FaultKind.RATE_LIMITED])
    run = invoke("history")
    assert_one_line_failure(run, 1, "rate limited", "250 requests per 300 s")


def test_server_failing_past_the_retries(invoke: Invoke, service: MockService) -> None:
    """A 502 HTML page on every attempt is one line, no HTML, no traceback."""
    service.faults = FaultPlan.random(1.0, kinds=[FaultKind.BAD_GATEWAY])
    run = invoke("history")
    assert_one_line_failure(run, 1, "HTTP 502")
    assert "<html>" not in run.output


def test_the_way_to_continue_keeps_the_commands_own_options(
    invoke: Invoke, service: MockService
) -> None:
    """A read failing part-way: the hint is the same command with the token, not a bare one.

    ``youcam-units history --starting-token T`` alone would drop --since, --format, --account
    or --demo: another output, another account or another service than the one that failed.
    """
    service.faults = FaultPlan.script({2: FaultKind.SERVER_ERROR, 3: FaultKind.SERVER_ERROR})
    run = invoke("history", "--since", "2000-01-01", "--format", "csv")
    assert run.exit_code == 1
    (line,) = run.stderr.splitlines()
    assert re.search(r"run the same command with --starting-token \S+$", line), line
    assert "youcam-units history --starting-token" not in line


def test_unusable_ledger_file(invoke: Invoke, tmp_path: Path) -> None:
    """--db pointing at a file that is not a ledger fails with one line and leaves it alone."""
    db = tmp_path / "notes.txt"
    text = "my notes, not a database\n" * 50
    db.write_text(text)
    run = invoke("sync", "--db", str(db))
    assert_one_line_failure(run, 1, "not a youcam-units ledger")
    assert db.read_text() == text


def test_verbose_shows_request_ids_and_retries_but_never_the_token(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--verbose logs each page's request id and each retry; the token appears nowhere."""
    service = MockService(seed=5, entries=40, tokens=[SECRET])
    service.faults = FaultPlan.script({2: FaultKind.SERVER_ERROR})
    monkeypatch.setenv("YOUCAM_ACCESS_TOKEN", SECRET)
    runtime = Runtime(transport=service.transport(), client_options={"rate_limit": None})
    run = invoke("history", "--verbose", runtime=runtime)
    assert run.exit_code == 0
    assert "retrying after 500" in run.stderr
    request_ids = [line for line in run.stderr.splitlines() if "request id" in line]
    assert len(request_ids) >= 3
    assert SECRET not in run.output


def test_verbose_failure_names_the_request_id(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --verbose the failure line carries the request id support asks for, not the token."""
    monkeypatch.setenv("YOUCAM_ACCESS_TOKEN", SECRET)
    run = invoke("history", "--verbose")
    last = run.stderr.splitlines()[-1]
    assert run.exit_code == 1
    assert last.startswith("youcam-units: error: the service refused the access token")
    assert "request id" in last
    assert SECRET not in run.output
    assert "Traceback" not in run.output


def test_ledger_path_that_cannot_be_created(invoke: Invoke, tmp_path: Path) -> None:
    """A --db whose folder cannot be made (a file is in the way) is one line, no traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    run = invoke("sync", "--db", str(blocker / "ledger.sqlite3"))
    assert_one_line_failure(run, 1, "cannot create the ledger")


@pytest.mark.slow  # it listens on a port: a socket server is the slow tier's
def test_mock_on_a_busy_port_says_why_in_one_line(invoke: Invoke) -> None:
    """A port in use: one line with the reason (not uvicorn's exit status), no banner, exit 1."""
    pytest.importorskip("uvicorn", reason="serving the mock needs the mock extra (uvicorn)")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        run = invoke("mock", "--port", str(port))
    assert_one_line_failure(run, 1, f"cannot serve on 127.0.0.1:{port}: address already in use")
    assert "serving" not in run.stderr


def test_summary_of_all_accounts_names_the_account_whose_ledger_fails(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One unreadable ledger among the accounts: the one line says which account's it is."""
    (tmp_path / "good.sqlite3").write_bytes(b"")
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a ledger, just bytes")
    config = tmp_path / "config.toml"
    config.write_text(
        '[accounts.good]\naccess_token_env = "YOUCAM_ACCESS_TOKEN"\ndb = "good.sqlite3"\n'
        '[accounts.broken]\naccess_token_env = "YOUCAM_ACCESS_TOKEN"\ndb = "bad.sqlite3"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUCAM_UNITS_CONFIG", str(config))
    assert invoke("sync", "--account", "good").exit_code == 0
    run = invoke("summary", "--account", "all")
    assert run.exit_code == 1
    assert run.stderr.startswith("youcam-units: error: account broken: "), run.stderr
    assert run.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("action", "hint"),
    [("photo_enhanc", "did you mean photo_enhance"), ("", "no documented action is close")],
)
def test_an_action_that_matches_nothing_is_named(invoke: Invoke, action: str, hint: str) -> None:
    """A typo in --action is a warning on stderr naming it (an empty one shows as "")."""
    run = invoke("history", "--action", action, "--format", "jsonl")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    shown = action or '""'
    warning = f"youcam-units: warning: --action {shown} is neither a documented action nor "
    assert run.stderr.startswith(warning), run.stderr
    assert f"the history read; {hint}" in run.stderr
