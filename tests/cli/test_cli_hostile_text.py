"""Text from the service or the user is shown literally: no markup read, no control code sent.

In-process (CliRunner) against the mock with its strings replaced (``hostile_cli``); the same
runs as real processes, on an ASCII stdout, are in ``test_cli_output_failures``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest
from click.testing import CliRunner
from youcam_units import _json as exact_json
from youcam_units._cli import cli
from youcam_units._cli._commands import Runtime
from youcam_units._cli._text import literal, printable
from youcam_units.mock import DEFAULT_API_KEY, MockService

from .hostile_cli import ENTRIES, SEED, hostile_transport

if TYPE_CHECKING:
    from pathlib import Path

MARKUP = "[bold red]PWNED[link=http://evil]x"
CLOSING_TAG = "[/]"
CLEAR_SCREEN = "\x1b[2J"
EMOJI_CODE = ":smile:"
NON_ASCII = "Hautanalyse für Bäume ✓ 肌"


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mock's API key too: costs needs it."""
    monkeypatch.setenv("YOUCAM_API_KEY", DEFAULT_API_KEY)


def run_hostile(text: str, *args: str, charset: str = "utf-8") -> tuple[int, bytes, str]:
    """``youcam-units ARGS`` against the mock with every service string replaced by ``text``."""
    service = MockService(seed=SEED, entries=ENTRIES)
    runtime = Runtime(
        transport=hostile_transport(service, text), client_options={"rate_limit": None}
    )
    result = CliRunner(charset=charset).invoke(cli, list(args), obj=runtime, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


def commands(db: Path) -> list[list[str]]:
    """Every command form that draws service text in a table, a chart or a line."""
    return [
        ["balance"],
        ["costs"],
        ["history", "--format", "table"],
        ["sync", "--db", str(db)],
        ["summary", "--db", str(db)],
        ["status", "--db", str(db), "--no-sync"],
    ]


@pytest.mark.parametrize("text", [MARKUP, CLOSING_TAG, EMOJI_CODE])
def test_markup_from_the_service_is_shown_as_written(tmp_path: Path, text: str) -> None:
    """``[/]`` no longer crashes a table; ``[bold]…[link=…]`` is not styled or linked."""
    for args in commands(tmp_path / "ledger.sqlite3"):
        code, stdout, stderr = run_hostile(text, *args)
        assert code == 0, (args, stderr)
        assert "Traceback" not in stderr
        if args[0] not in {"sync", "status"}:  # these show no service text
            assert text in stdout.decode(), (args, stdout.decode())


def test_control_codes_from_the_service_are_escaped(tmp_path: Path) -> None:
    """An escape sequence in a bucket type, a description or an action never reaches stdout."""
    for args in commands(tmp_path / "ledger.sqlite3"):
        code, stdout, stderr = run_hostile(f"A{CLEAR_SCREEN}B\u202eC", *args)
        assert code == 0, (args, stderr)
        assert b"\x1b" not in stdout
        assert "\u202e".encode() not in stdout
        if args[0] not in {"sync", "status"}:
            assert "A\\x1b[2JB\\u202eC" in stdout.decode(), args


def test_costs_search_with_markup_is_shown_as_written() -> None:
    """``costs --search '[/]'`` crashed rich; now it says nothing matches, the text as given."""
    code, stdout, stderr = run_hostile("Skin", "costs", "--search", "[/]")
    assert code == 0, stderr
    assert stdout.decode() == "no feature matches --search '[/]'\n"


def test_an_error_text_from_the_service_is_one_escaped_line() -> None:
    """A 4xx body's ``error`` with markup and escapes: one line, shown literally."""

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        body = {"status": 400, "error": f"bad {MARKUP}{CLEAR_SCREEN}\nsecond", "error_code": "X"}
        return httpx.Response(400, content=exact_json.dumps(body).encode())

    runtime = Runtime(transport=httpx.MockTransport(handler), client_options={"rate_limit": None})
    result = CliRunner().invoke(cli, ["balance"], obj=runtime, catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "\x1b" not in result.stderr
    assert MARKUP in result.stderr


def test_printable_escapes_only_what_does_not_show() -> None:
    """Letters of any script stay; controls, bidi overrides and separators become escapes."""
    assert printable(NON_ASCII) == NON_ASCII
    assert printable("a\tb\nc\x1b\x7f\u200b\u2028") == "a\\tb\\nc\\x1b\\x7f\\u200b\\u2028"
    assert literal(MARKUP).plain == MARKUP


@pytest.mark.parametrize(
    "args",
    [
        ["balance"],
        ["costs"],
        ["history", "--format", "table"],
        ["summary", "--demo", "--entries", str(ENTRIES)],
    ],
)
def test_tables_on_an_ascii_stdout_degrade_to_escapes(args: list[str]) -> None:
    """PYTHONIOENCODING=ascii: no UnicodeEncodeError; what cannot be encoded is an escape."""
    code, stdout, stderr = run_hostile(NON_ASCII, *args, charset="ascii")
    assert code == 0, stderr
    shown = stdout.decode("ascii")  # every byte is ASCII
    if args[0] != "summary":
        assert NON_ASCII.encode("ascii", "backslashreplace").decode() in shown


@pytest.mark.parametrize(
    ("args", "fmt"),
    [
        (["balance", "--format", "json"], "json"),
        (["costs", "--format", "json"], "json"),
        (["costs", "--format", "csv"], "csv"),
        (["history", "--format", "jsonl"], "jsonl"),
        (["history", "--format", "csv"], "csv"),
        (["history", "--format", "json"], "json"),
    ],
)
def test_json_and_csv_on_an_ascii_stdout_stay_exact_utf8(args: list[str], fmt: str) -> None:
    """The machine formats are UTF-8 whatever the locale: the text comes back exactly."""
    code, stdout, stderr = run_hostile(NON_ASCII, *args, charset="ascii")
    assert code == 0, stderr
    text = stdout.decode("utf-8")
    if fmt == "json":
        assert NON_ASCII in exact_json.dumps(exact_json.loads(text), ensure_ascii=False)
    else:
        assert NON_ASCII in text


def test_export_and_summary_json_on_an_ascii_stdout_stay_exact(tmp_path: Path) -> None:
    """From a ledger whose actions are not ASCII: export csv/jsonl and summary json, exact."""
    db = str(tmp_path / "ledger.sqlite3")
    assert run_hostile(NON_ASCII, "sync", "--db", db)[0] == 0
    for args in (
        ["export", "--db", db, "--format", "csv"],
        ["export", "--db", db, "--format", "jsonl"],
        ["summary", "--db", db, "--format", "json"],
    ):
        code, stdout, stderr = run_hostile(NON_ASCII, *args, charset="ascii")
        assert code == 0, (args, stderr)
        text = stdout.decode("utf-8")
        assert NON_ASCII in text or NON_ASCII in exact_json.dumps(
            exact_json.loads(text), ensure_ascii=False
        ), args
    code, stdout, stderr = run_hostile(NON_ASCII, "summary", "--db", db, charset="ascii")
    assert code == 0, stderr
    assert NON_ASCII.encode("ascii", "backslashreplace") in stdout


def test_a_user_given_action_is_escaped_in_the_warning() -> None:
    """``--action`` with an escape code: the warning names it, escaped."""
    code, _, stderr = run_hostile("fine", "history", "--format", "jsonl", "--action", "zz\x1b[2J")
    assert code == 0
    assert "warning: --action zz\\x1b[2J is neither" in stderr
    assert "\x1b" not in stderr
