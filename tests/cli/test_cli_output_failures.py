"""Real processes whose stdout fails or is not UTF-8, and inputs that would block or flood them.

``>/dev/full`` and a closed stdout (``>&-``) for every command and format: one line on stderr,
exit 74, never a traceback and never exit 0 with the output lost. ``PYTHONIOENCODING=ascii``:
tables degrade, json/jsonl/csv stay exact UTF-8. A FIFO or a device as a credential file or a
ledger: refused at once, not waited on or read without end.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest
from youcam_units import _json as exact_json
from youcam_units._cli._output import EXIT_OUTPUT_FAILED
from youcam_units.mock import DEFAULT_API_KEY, DEFAULT_TOKEN

from .test_cli_hostile_text import CLEAR_SCREEN, MARKUP, NON_ASCII

ENTRY_POINT = shutil.which("youcam-units", path=str(Path(sys.executable).parent))
HOSTILE_CLI = Path(__file__).with_name("hostile_cli.py")
DEV_FULL = Path("/dev/full")
MEMORY_LIMIT = 1 << 30
"""Address space for a child that must not read a device without end (1 GiB)."""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ENTRY_POINT is None, reason="youcam-units is not installed"),
]


def environment(home: Path, **extra: str) -> dict[str, str]:
    """No YOUCAM_ settings but the mock's credentials; private data and cache dirs."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("YOUCAM_")}
    return {
        **base,
        "YOUCAM_ACCESS_TOKEN": DEFAULT_TOKEN,
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "COLUMNS": "120",
        **extra,
    }


def forms(db: Path) -> list[list[str]]:
    """Every command and output format that writes to stdout (all on the in-process demo)."""
    demo = ["--demo", "--entries", "90"]
    ledger = [*demo, "--db", str(db)]
    return [
        ["--help"],
        ["history", *demo, "--format", "table"],
        ["history", *demo, "--format", "json"],
        ["history", *demo, "--format", "jsonl"],
        ["history", *demo, "--format", "csv"],
        ["sync", *ledger],
        ["summary", *ledger],
        ["summary", *ledger, "--format", "json"],
        ["balance", "--demo"],
        ["balance", "--demo", "--format", "json"],
        ["costs", "--demo"],
        ["costs", "--demo", "--format", "json"],
        ["costs", "--demo", "--format", "csv"],
        ["status", *ledger],
        ["status", *ledger, "--format", "json"],
        ["export", *ledger, "--format", "csv"],
        ["export", *ledger, "--format", "jsonl"],
    ]


def run(
    command: list[str], home: Path, stdout: int | IO[bytes] | None = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    """The process, with stderr read; a hang fails the test after 120 s."""
    return subprocess.run(  # noqa: S603 - our own entry point or this interpreter
        command,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=environment(home),
        timeout=120,
        check=False,
    )


def assert_one_line(result: subprocess.CompletedProcess[bytes], code: int, *fragments: str) -> str:
    """Exit ``code`` with exactly one ``youcam-units: error:`` line on stderr."""
    stderr = result.stderr.decode()
    assert result.returncode == code, (result.args, stderr)
    assert stderr.startswith("youcam-units: error: "), stderr
    assert stderr.count("\n") == 1, stderr
    for fragment in fragments:
        assert fragment in stderr
    return stderr


@pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full on this system (Linux has one)")
def test_a_full_disk_is_one_line_and_exit_74_for_every_form(tmp_path: Path) -> None:
    """``>/dev/full``: ENOSPC gave a traceback in 13 of 16 forms; now one line, exit 74."""
    assert ENTRY_POINT is not None
    for args in forms(tmp_path / "ledger.sqlite3"):
        with DEV_FULL.open("wb") as full:
            result = run([ENTRY_POINT, *args], tmp_path, stdout=full)
        assert_one_line(result, EXIT_OUTPUT_FAILED, "cannot write to stdout", "No space left")


def test_a_closed_stdout_is_one_line_and_exit_74_for_every_form(tmp_path: Path) -> None:
    """``>&-``: exit 0 with the output lost in 10 of 16 forms, tracebacks in 5; now exit 74."""
    assert ENTRY_POINT is not None
    for args in forms(tmp_path / "ledger.sqlite3"):
        closed = ["sh", "-c", 'exec "$0" "$@" >&-', ENTRY_POINT, *args]
        result = run(closed, tmp_path, stdout=None)
        assert_one_line(result, EXIT_OUTPUT_FAILED, "stdout is closed")


def test_every_form_still_writes_whole_output_to_a_pipe(tmp_path: Path) -> None:
    """The guard changes nothing when stdout works: exit 0, output there, stderr quiet."""
    assert ENTRY_POINT is not None
    for args in forms(tmp_path / "ledger.sqlite3"):
        result = run([ENTRY_POINT, *args], tmp_path)
        assert result.returncode == 0, (args, result.stderr.decode())
        assert result.stdout, args
        assert b"Traceback" not in result.stderr


def hostile(text: str, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    """``youcam-units ARGS`` as a process, every service string replaced by ``text``."""
    return subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, str(HOSTILE_CLI), text, *args],
        capture_output=True,
        env={**os.environ, "YOUCAM_API_KEY": DEFAULT_API_KEY, "COLUMNS": "120", **env},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("args", [["balance"], ["costs"], ["history", "--format", "table"]])
def test_tables_on_an_ascii_stdout_degrade_in_a_real_process(args: list[str]) -> None:
    """PYTHONIOENCODING=ascii: a UnicodeEncodeError traceback before; now escapes, exit 0."""
    result = hostile(NON_ASCII, *args, PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.isascii()
    # history folds its action column: look for pieces no fold splits
    for piece in (b"Hautanalyse", b"f\\xfcr", b"B\\xe4ume", b"\\u2713", b"\\u808c"):
        assert piece in result.stdout, piece


@pytest.mark.parametrize(
    "args",
    [
        ["balance", "--format", "json"],
        ["costs", "--format", "json"],
        ["costs", "--format", "csv"],
        ["history", "--format", "csv"],
        ["history", "--format", "jsonl"],
    ],
)
def test_machine_formats_on_an_ascii_stdout_are_exact_utf8(args: list[str]) -> None:
    """Json and csv parse back to the service's own text, whatever the locale."""
    result = hostile(NON_ASCII, *args, PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode("utf-8")
    if args[-1] == "json":
        text = exact_json.dumps(exact_json.loads(text), ensure_ascii=False)
    assert NON_ASCII in text


@pytest.mark.parametrize("args", [["balance"], ["costs"], ["history", "--format", "table"]])
def test_markup_and_escapes_reach_a_real_stdout_as_text(args: list[str]) -> None:
    """No escape byte on stdout, and the markup is there as the characters it is."""
    assert MARKUP.startswith("[bold red]PWNED[link=http://evil]")
    result = hostile(f"{MARKUP}{CLEAR_SCREEN}", *args)
    assert result.returncode == 0, result.stderr.decode()
    assert b"\x1b" not in result.stdout
    # history folds its action column: look for pieces no fold splits
    for piece in (b"red]PWNED[link=http://evil", b"\\x1b[2J"):
        assert piece in result.stdout, piece


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize(
    "args",
    [
        ["history", "--token-file", "{fifo}"],
        ["balance", "--api-key-file", "{fifo}"],
        ["summary", "--db", "{fifo}"],
        ["export", "--db", "{fifo}"],
        ["history", "--token-file", "/dev/zero"],
        ["balance", "--api-key-file", "/dev/zero"],
    ],
)
def test_a_fifo_or_a_device_is_refused_at_once(tmp_path: Path, args: list[str]) -> None:
    """They blocked forever (a FIFO) or read without end (a device); now exit 2 at once."""
    assert ENTRY_POINT is not None
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    command = [ENTRY_POINT, *(arg.format(fifo=fifo) for arg in args)]
    result = subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        command,
        capture_output=True,
        env=environment(tmp_path, YOUCAM_API_KEY=DEFAULT_API_KEY),
        timeout=30,
        check=False,
        preexec_fn=_limited,
    )
    assert_one_line(result, 2, "is not a regular file")
