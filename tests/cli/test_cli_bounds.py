"""Bounded inputs, figures of any size, the 401 line, and exit codes: in-process (CliRunner).

The same at the level of real processes (FIFOs, /dev/full, a closed stdout) is in
``test_cli_output_failures``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from click.testing import CliRunner
from youcam_units import _json as exact_json
from youcam_units._cli import cli
from youcam_units._cli._commands import Runtime
from youcam_units._cli._runtime import EXIT_CODES
from youcam_units._config import ENV_TRACEBACK, MAX_CREDENTIAL_FILE_BYTES
from youcam_units.mock import BALANCE_PATH, DEFAULT_API_KEY, MockService

if TYPE_CHECKING:
    from .conftest import Invoke

README = Path(__file__).parents[2] / "README.md"
SECRET_TEXT = "do-not-print-this-0123456789"  # noqa: S105 - a fake the test hunts for


def test_a_huge_api_key_file_is_refused_unread(invoke: Invoke, tmp_path: Path) -> None:
    """A 20 MB key file: one line, no request, without reading it all (it cost 3 GB before)."""
    big = tmp_path / "key"
    big.write_bytes(b"a" * 20_000_000)
    big.chmod(0o600)
    run = invoke("balance", "--api-key-file", str(big))
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1
    assert "more than 64 KiB" in run.stderr


def test_a_token_file_at_the_size_limit_is_still_read(
    invoke: Invoke, service: MockService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap refuses only what no token could be: the mock's key, padded to 64 KiB, works."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    key = tmp_path / "key"
    key.write_text(DEFAULT_API_KEY.ljust(MAX_CREDENTIAL_FILE_BYTES - 1) + "\n")
    key.chmod(0o600)
    run = invoke("balance", "--api-key-file", str(key), "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert service.log.count == 1


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31T23:59:59Z", "1969-12-31"])
def test_an_as_of_beyond_what_a_forecast_can_reach_is_a_usage_error(
    invoke: Invoke, tmp_path: Path, as_of: str
) -> None:
    """It raised OverflowError (a traceback); now one line, exit 2, naming the range."""
    run = invoke("status", "--db", str(tmp_path / "l.sqlite3"), "--as-of", as_of)
    assert run.exit_code == 2, run.output
    assert "'--as-of'" in run.stderr
    assert "1970-01-01" in run.stderr
    assert run.stderr.count("\n") == 1


def test_a_balance_of_1e30_is_shown_whole(tmp_path: Path) -> None:
    """The status lines rounded with the default 28 digits (InvalidOperation); now a figure."""
    service = MockService(seed=5, entries=60)

    def handler(request: httpx.Request) -> httpx.Response:
        response = service.handle_httpx(request)
        if request.url.path != BALANCE_PATH:
            return response
        body = exact_json.loads(response.content)
        body["results"] = [{**body["results"][0], "amount": 10**30, "amount_dec": 10**30}]
        return httpx.Response(200, content=exact_json.dumps(body).encode())

    runtime = Runtime(transport=httpx.MockTransport(handler), client_options={"rate_limit": None})
    result = CliRunner().invoke(
        cli,
        ["status", "--db", str(tmp_path / "l.sqlite3"), "--as-of", "2026-11-25"],
        obj=runtime,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    lines = dict(line.split(maxsplit=1) for line in result.stdout.splitlines())
    assert re.fullmatch(r"1[.,\dE+]+ units", lines["balance"])
    runs_out = lines["runs"].split(maxsplit=1)[1]
    assert re.fullmatch(r"after 9999 \(in about \d{30}\.\d days\)", runs_out)


@pytest.mark.parametrize("token", ["tök", "a" * 5000, "a\x1bb"])
def test_a_starting_token_that_cannot_be_one_is_a_usage_error(
    invoke: Invoke, service: MockService, token: str
) -> None:
    """It was a 41-line ValueError traceback, exit 1; now exit 2, one line, no request."""
    run = invoke("history", "--starting-token", token)
    assert run.exit_code == 2
    assert "'--starting-token'" in run.stderr
    assert run.stderr.count("\n") == 1
    assert token not in run.stderr
    assert service.log.count == 0


def _refusing(error_code: str) -> Runtime:
    def handler(request: httpx.Request) -> httpx.Response:
        del request
        body = {"status": 401, "error": "no", "error_code": error_code}
        return httpx.Response(401, content=exact_json.dumps(body).encode())

    return Runtime(transport=httpx.MockTransport(handler), client_options={"rate_limit": None})


def test_an_api_key_error_with_only_an_access_token_names_what_to_set(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 401 ``InvalidApiKey`` when no API key was sent said "from  ... in  " (blanks)."""
    monkeypatch.delenv("YOUCAM_API_KEY", raising=False)
    run = invoke("balance", runtime=_refusing("InvalidApiKey"))
    assert run.exit_code == 1
    assert "  " not in run.stderr.removeprefix("youcam-units: error: ")
    assert "YOUCAM_API_KEY" in run.stderr
    assert "--api-key-file" in run.stderr
    assert "access token from YOUCAM_ACCESS_TOKEN" in run.stderr


@pytest.mark.parametrize(
    ("error_code", "named"),
    [
        ("InvalidApiKey", "refused the API key from YOUCAM_API_KEY"),
        ("InvalidAccessToken", "refused the access token from YOUCAM_ACCESS_TOKEN"),
    ],
)
def test_a_401_with_both_credentials_names_the_one_refused(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, error_code: str, named: str
) -> None:
    """With both sent, the error code decides which one the line names, with its source."""
    monkeypatch.setenv("YOUCAM_API_KEY", DEFAULT_API_KEY)
    run = invoke("balance", runtime=_refusing(error_code))
    assert run.exit_code == 1
    assert named in run.stderr


def _crashing(monkeypatch: pytest.MonkeyPatch, *, traceback: bool) -> tuple[int, str, str]:
    def handler(request: httpx.Request) -> httpx.Response:
        del request
        raise RuntimeError(SECRET_TEXT)

    if traceback:
        monkeypatch.setenv(ENV_TRACEBACK, "1")
    runtime = Runtime(transport=httpx.MockTransport(handler), client_options={"rate_limit": None})
    result = CliRunner().invoke(cli, ["balance"], obj=runtime, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_an_unexpected_error_is_one_line_with_its_own_exit_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug exits 70 (not 1, as a documented failure), says how to report it, shows no text."""
    code, stdout, stderr = _crashing(monkeypatch, traceback=False)
    assert code == 70
    assert stdout == ""
    assert stderr.count("\n") == 1
    assert "internal error: RuntimeError" in stderr
    assert "report" in stderr
    assert ENV_TRACEBACK in stderr
    assert SECRET_TEXT not in stderr


def test_the_traceback_of_an_unexpected_error_is_there_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """YOUCAM_UNITS_TRACEBACK=1: the traceback first, then the same one line."""
    code, _, stderr = _crashing(monkeypatch, traceback=True)
    assert code == 70
    assert stderr.startswith("Traceback")
    assert stderr.splitlines()[-1].startswith("youcam-units: error: internal error")


def test_every_exit_code_is_in_help_and_in_the_readme(invoke: Invoke) -> None:
    """--help's epilog and the README list the same exit codes, 130 and 141 among them."""
    run = invoke("--help")
    assert run.exit_code == 0
    readme = README.read_text(encoding="utf-8")
    in_readme = {int(code) for code in re.findall(r"^  \| (\d+) \|", readme, re.MULTILINE)}
    assert in_readme == {code for code, _ in EXIT_CODES}
    for code, meaning in EXIT_CODES:
        assert re.search(rf"^\s+{code}\s+{re.escape(meaning[:30])}", run.stdout, re.MULTILINE)
        assert f"| {code} | {meaning.replace('|', chr(92) + '|')} |" in readme
    assert {130, 141} <= in_readme
