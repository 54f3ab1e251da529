"""metrics: the text format checked against status/summary json; -o, --serve, bad input."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support import free_port
from youcam_units import Balance, RateLimit, UnitBucket, forecast
from youcam_units import _json as exact_json
from youcam_units._cli._budgets import Budgets
from youcam_units._cli._commands import Runtime
from youcam_units._cli._metrics import (
    Refresher,
    Snapshot,
    registry_for,
    serve,
    text,
    write_atomically,
)
from youcam_units._cli._metrics_command import MIN_INTERVAL
from youcam_units._cli._sources import _Source
from youcam_units._cli._status_options import StatusQuery
from youcam_units._cli._status_reading import StatusReading, read_status
from youcam_units.mock import DEFAULT_API_KEY, MockService

if TYPE_CHECKING:
    from .conftest import Invoke

AS_OF = "2026-10-31T23:00:00+00:00"
"""Within the mock's history (it ends at 2026-11-01): October has spending for the budgets."""
BUDGETS = ("--monthly-budget", "3000", "--budget", "api_colorize=40", "--budget", "unheard_of=9")


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mock's API key in the environment, beside the conftest's access token."""
    monkeypatch.setenv("YOUCAM_API_KEY", DEFAULT_API_KEY)


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _samples(text: str) -> Samples:
    """Every sample, parsed by prometheus-client's own parser: (name, sorted labels) -> value."""
    found: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            assert key not in found, key
            found[key] = sample.value
    return found


def _one(samples: Samples, name: str, **labels: str) -> float:
    return samples.pop((name, tuple(sorted({"account": "default", **labels}.items()))))


def _expiring_within(status: dict[str, Any], days: int) -> Decimal:
    limit = datetime.fromisoformat(status["as_of"]) + timedelta(days=days)
    return sum(
        (
            Decimal(item["amount"])
            for item in status["expiring"]
            if datetime.fromisoformat(item["expires_at"]) <= limit
        ),
        Decimal(0),
    )


def test_every_metric_equals_status_and_summary_json(invoke: Invoke, tmp_path: Path) -> None:
    """Each sample is the status json's (or summary json's) figure as a float; none is left over."""
    db = tmp_path / "l.sqlite3"
    before = time.time()
    run = invoke("metrics", "--db", str(db), "--as-of", AS_OF, *BUDGETS)
    after = time.time()
    assert run.exit_code == 0, run.stderr
    samples = _samples(run.stdout)
    status_run = invoke(
        "status", "--db", str(db), "--no-sync", "--as-of", AS_OF, "--format", "json", *BUDGETS
    )
    assert status_run.exit_code == 3  # api_colorize is over its 40 units this month
    status = exact_json.loads(status_run.stdout)
    summary = exact_json.loads(invoke("summary", "--db", str(db), "--format", "json").stdout)

    assert _one(samples, "youcam_units_balance_units") == float(status["balance"])
    assert _one(samples, "youcam_units_spend_rate_units_per_day") == float(status["spend_per_day"])
    assert _one(samples, "youcam_units_days_left") == float(status["days_left"])
    assert _one(samples, "youcam_units_expiring_units", within_days="30") == float(
        status["expiring_total"]
    )
    assert _one(samples, "youcam_units_expiring_units", within_days="7") == float(
        _expiring_within(status, 7)
    )
    for use in status["budgets"]:
        action = use["action"] or ""
        assert _one(samples, "youcam_units_budget_units", action=action) == float(use["budget"])
        assert _one(samples, "youcam_units_budget_spent_units", action=action) == float(
            use["spent"]
        )
        assert _one(samples, "youcam_units_budget_used_ratio", action=action) == float(use["used"])
    assert [use["over"] for use in status["budgets"]] == [False, True, False]
    for row in summary:
        if row["action"] == "expire":
            assert _one(samples, "youcam_units_expired_units_total") == float(row["expired"])
        else:
            assert _one(samples, "youcam_units_spent_units_total", action=row["action"]) == float(
                row["spent"]
            )
    for name in ("last_sync", "last_refresh"):
        assert before <= _one(samples, f"youcam_units_{name}_timestamp_seconds") <= after
    assert samples == {}


def test_no_sync_has_no_last_sync_time(invoke: Invoke, tmp_path: Path) -> None:
    """--no-sync reads no history: the last-sync gauge is left out rather than made up."""
    db = tmp_path / "l.sqlite3"
    assert invoke("sync", "--db", str(db)).exit_code == 0
    run = invoke("metrics", "--db", str(db), "--no-sync")
    assert run.exit_code == 0, run.stderr
    names = {name for name, _ in _samples(run.stdout)}
    assert "youcam_units_last_refresh_timestamp_seconds" in names
    assert "youcam_units_last_sync_timestamp_seconds" not in names
    assert not any(name.startswith("youcam_units_budget") for name in names)


def test_a_balance_that_never_runs_out_has_infinite_days_left() -> None:
    """days_left is null in status json when nothing is spent: +Inf as a metric."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    balance = Balance((UnitBucket(1, "permanent", Decimal("12.5")),))
    reading = StatusReading(
        balance, forecast(balance, [], now=now), [], "2026-11", {}, {}, None, []
    )
    samples = _samples(text(Snapshot(reading, now.timestamp()), "default").decode())
    assert _one(samples, "youcam_units_days_left") == float("inf")
    assert _one(samples, "youcam_units_balance_units") == 12.5


def test_output_file_is_written_whole_and_readable(invoke: Invoke, tmp_path: Path) -> None:
    """-o replaces the file in one rename, readable by others (node_exporter), no temp left."""
    out = tmp_path / "youcam.prom"
    out.write_text("old\n")
    run = invoke("metrics", "--db", str(tmp_path / "l.sqlite3"), "-o", str(out))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    assert "youcam_units_balance_units" in _samples(out.read_text()).__repr__()
    assert out.stat().st_mode & 0o777 == 0o644
    assert sorted(path.name for path in tmp_path.iterdir() if "youcam.prom" in path.name) == [
        "youcam.prom"
    ]


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails before the rename leaves the old file as it was, and no temp file."""
    out = tmp_path / "youcam.prom"
    out.write_text("old\n")

    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomically(out, b"new\n")
    assert out.read_text() == "old\n"
    assert [path.name for path in tmp_path.iterdir()] == ["youcam.prom"]


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (("-o", "{tmp}/missing/youcam.prom"), "no directory"),
        (("-o", "{tmp}"), "is a directory"),
        (("--serve", "--interval", str(MIN_INTERVAL - 1)), f"minimum of {MIN_INTERVAL} s"),
        (("--serve", "--interval", "x"), "--interval"),
        (("--port", "9999"), "--port is for --serve"),
        (("--interval", "600"), "--interval is for --serve"),
        (("--serve", "-o", "{tmp}/youcam.prom"), "choose one"),
        (("--serve", "--port", "70000"), "--port"),
    ],
)
def test_bad_input_is_one_line_before_any_request(
    invoke: Invoke, service: MockService, tmp_path: Path, options: tuple[str, ...], says: str
) -> None:
    """Each mistake: exit 2, one line naming it, and no request sent."""
    args = [option.format(tmp=tmp_path) for option in options]
    run = invoke("metrics", "--db", str(tmp_path / "l.sqlite3"), *args)
    assert run.exit_code == 2
    assert says in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert service.log.count == 0


@pytest.mark.slow
def test_a_port_in_use_is_one_line_and_exit_1(
    invoke: Invoke, service: MockService, tmp_path: Path
) -> None:
    """Another listener on the port: one line saying so, exit 1, before any request."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = invoke("metrics", "--db", str(tmp_path / "l.sqlite3"), "--serve", "--port", str(port))
    assert run.exit_code == 1
    assert run.stderr.strip() == (
        f"youcam-units: error: cannot serve metrics on 127.0.0.1:{port}: the port is in use; "
        "choose another with --port"
    )
    assert service.log.count == 0


def test_without_the_extra_one_line_names_it(
    invoke: Invoke, service: MockService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """prometheus-client missing: one line naming the metrics extra, before any request."""
    monkeypatch.setitem(sys.modules, "prometheus_client", None)
    run = invoke("metrics", "--db", str(tmp_path / "l.sqlite3"))
    assert run.exit_code == 1
    assert run.stderr.strip().endswith("pip install 'youcam-units[metrics]'")
    assert service.log.count == 0


@pytest.mark.slow
def test_a_scrape_is_answered_while_a_refresh_waits_on_the_rate_limit(tmp_path: Path) -> None:
    """A scrape is answered at once, from memory, while a refresh waits on the rate limit.

    A real HTTP server on 127.0.0.1: the second refresh waits for the rate-limit window, and a
    scrape meanwhile gets the first reading's values without sending a request of its own.
    """
    service = MockService(seed=3, entries=20)  # one history page: a refresh is two requests
    waiting = threading.Event()

    def on_wait(seconds: float) -> None:
        if seconds > 1:
            waiting.set()

    runtime = Runtime(
        transport=service.transport(),
        client_options={"rate_limit": RateLimit(2, 6.0), "on_wait": on_wait, "max_retries": 0},
    )
    query = StatusQuery(
        source=_Source(demo=False, token_file=None, base_url=None, seed=0, entries=0),
        path=tmp_path / "l.sqlite3",
        api_key_file=None,
        no_sync=False,
        as_of=None,
        budgets=Budgets(),
        verbose=False,
    )
    failures: list[BaseException] = []
    refresher = Refresher(
        lambda: read_status(query, runtime), 0.01, "default", on_failure=failures.append
    )
    port = free_port()
    server = serve(registry_for(refresher.collector), "127.0.0.1", port)
    try:
        first = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert first.status_code == 200  # before any reading: only the failure counter
        assert "youcam_units_balance_units" not in first.text
        refresher.start()
        assert refresher.refreshed.wait(10), failures
        assert waiting.wait(10), "the second refresh never waited on the rate limit"
        requests = service.log.count
        started = time.monotonic()
        scrape = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        elapsed = time.monotonic() - started
        assert scrape.status_code == 200
        assert elapsed < 1, f"the scrape took {elapsed:.2f} s"
        samples = _samples(scrape.text)
        balance = sum(
            (Decimal(str(b.get("amount_dec", b.get("amount")))) for b in service.buckets()),
            Decimal(0),
        )
        assert _one(samples, "youcam_units_balance_units") == float(balance)
        assert service.log.count == requests  # the scrape sent nothing
        assert failures == []
    finally:
        refresher.stop(timeout=0)
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_the_command_serves_until_sigterm(tmp_path: Path) -> None:
    """``metrics --serve --demo`` as a real process stops cleanly on SIGTERM.

    It says where it listens, serves the demo's balance, and exits 0 on SIGTERM, as a service
    manager stops it.
    """
    entry_point = shutil.which("youcam-units", path=str(Path(sys.executable).parent))
    assert entry_point is not None, "youcam-units is not installed in this environment"
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOUCAM_")}
    with subprocess.Popen(  # noqa: S603 - our own entry point, fixed arguments
        [entry_point, "metrics", "--serve", "--demo", "--port", "0", "--db", str(tmp_path / "l")],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as process:
        _scrape_then_stop(process)


def _scrape_then_stop(process: subprocess.Popen[str]) -> None:
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        url = line.split(" on ", 1)[1].split(",", 1)[0]
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/metrics")
        deadline = time.monotonic() + 60
        while "youcam_units_balance_units" not in (body := httpx.get(url, timeout=5).text):
            assert time.monotonic() < deadline, body
            time.sleep(0.1)
        assert _one(_samples(body), "youcam_units_balance_units") > 0
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
