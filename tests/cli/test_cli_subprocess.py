"""The installed ``youcam-units`` entry point, run as a real process (against the mock)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import free_port
from youcam_units import _json as exact_json
from youcam_units._cli._commands import DEMO_ENTRIES, DEMO_SEED
from youcam_units.ledger import Ledger
from youcam_units.mock import DEFAULT_TOKEN, MockService

if TYPE_CHECKING:
    from collections.abc import Iterator

ENTRY_POINT = shutil.which("youcam-units", path=str(Path(sys.executable).parent))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ENTRY_POINT is None, reason="youcam-units is not installed"),
]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the entry point with a clean environment (no token unless ``env`` gives one)."""
    assert ENTRY_POINT is not None
    base = {k: v for k, v in os.environ.items() if not k.startswith("YOUCAM_")}
    return subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        [ENTRY_POINT, *args],
        capture_output=True,
        text=True,
        env={**base, "COLUMNS": "200", **(env or {})},
        timeout=120,
        check=False,
    )


def wait_for_port(port: int, process: subprocess.Popen[str]) -> None:
    """Block until something accepts connections on ``port`` (or the server died)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the server exited early: {process.stderr.read() if process.stderr else ''}"
            )
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    pytest.fail(f"nothing listened on port {port}")


@pytest.fixture
def served_mock() -> Iterator[tuple[str, MockService]]:
    """``youcam-units mock`` serving 100 entries (seed 9) on a free 127.0.0.1 port, then stopped."""
    assert ENTRY_POINT is not None
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own entry point, fixed arguments
        [ENTRY_POINT, "mock", "--port", str(port), "--entries", "100", "--seed", "9"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", MockService(seed=9, entries=100)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def test_help_lists_the_commands() -> None:
    """``youcam-units --help`` exits 0 and names every command."""
    done = run("--help")
    assert done.returncode == 0
    for command in ("history", "sync", "summary", "mock"):
        assert command in done.stdout


def test_demo_history_jsonl() -> None:
    """``history --demo --format jsonl`` prints the demo's newest entries and nothing on stderr."""
    done = run("history", "--demo", "--limit", "50", "--format", "jsonl")
    assert done.returncode == 0
    assert done.stderr == ""
    demo = MockService(seed=DEMO_SEED, entries=DEMO_ENTRIES)
    assert [exact_json.loads(line) for line in done.stdout.splitlines()] == [
        demo.entry(i) for i in range(50)
    ]


def test_no_token_is_one_line_without_traceback() -> None:
    """Without a token the process exits 1 with one line on stderr."""
    done = run("history")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("youcam-units: error: no access token")
    assert done.stderr.count("\n") == 1


def test_bad_date_exits_2() -> None:
    """A malformed --since is a usage error: exit 2, one line."""
    done = run("history", "--demo", "--since", "last tuesday")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "'--since'" in done.stderr


def test_mock_command_serves_history_and_sync_over_http(
    served_mock: tuple[str, MockService], tmp_path: Path
) -> None:
    """``youcam-units mock`` serves over HTTP; csv history and sync read it exactly."""
    url, expected = served_mock
    env = {"YOUCAM_BASE_URL": url, "YOUCAM_ACCESS_TOKEN": DEFAULT_TOKEN}
    done = run("history", "--format", "csv", env=env)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [int(row["id"]) for row in rows] == [e["id"] for e in expected.iter_entries()]

    db = tmp_path / "ledger.sqlite3"
    done = run("sync", "--db", str(db), env=env)
    assert done.returncode == 0, done.stderr
    assert "100 new entries from 4 requests" in done.stdout
    with Ledger(db) as ledger:
        assert list(ledger.raw_entries()) == list(expected.iter_entries())


def test_bad_token_over_http_never_prints_it(served_mock: tuple[str, MockService]) -> None:
    """A refused token over HTTP: exit 1, one line, and the token is printed nowhere."""
    url, _ = served_mock
    secret = "not-the-right-token-93"  # noqa: S105 - a made-up token the test looks for
    done = run("history", "--verbose", env={"YOUCAM_BASE_URL": url, "YOUCAM_ACCESS_TOKEN": secret})
    assert done.returncode == 1
    assert "refused the access token" in done.stderr.splitlines()[-1]
    assert secret not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_mock_on_port_0_shows_the_port_it_listens_on() -> None:
    """``mock --port 0``: the banner names the free port picked, and that port answers."""
    assert ENTRY_POINT is not None
    process = subprocess.Popen(  # noqa: S603 - our own entry point, fixed arguments
        [ENTRY_POINT, "mock", "--port", "0", "--entries", "3"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        banner = process.stderr.readline()  # printed once the port is bound
        url = banner.partition(" on ")[2].partition(";")[0]
        assert url.startswith("http://127.0.0.1:"), banner
        assert not url.endswith(":0"), banner
        done = run(
            "history",
            "--format",
            "jsonl",
            env={"YOUCAM_ACCESS_TOKEN": DEFAULT_TOKEN, "YOUCAM_BASE_URL": url},
        )
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.splitlines()) == 3
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
