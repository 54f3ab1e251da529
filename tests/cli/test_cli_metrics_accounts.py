"""metrics per account: the account label, --account all in one output and one server."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support import free_port
from youcam_units._cli._metrics import AccountsRefresher

from cli.test_cli_account_defaults import config
from cli.test_cli_accounts import run, services, use_sqlite_for_b

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from youcam_units._cli._status_reading import StatusReading

    from cli.conftest import Run

__all__ = ["config", "run", "services"]  # the fixtures, used here by name

AS_OF = "2026-10-31T23:00:00Z"

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _samples(text: str) -> Samples:
    """Every sample by prometheus-client's parser; each metric name is one family, once."""
    found: Samples = {}
    names = [family.name for family in text_string_to_metric_families(text)]
    assert len(names) == len(set(names)), names
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            assert key not in found, key
            found[key] = sample.value
    return found


def _status(run: Callable[..., Run], account: str) -> dict[str, Any]:
    result = run("status", "--account", account, "--no-sync", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code in {0, 3}, result.output
    body: dict[str, Any] = json.loads(result.stdout, parse_float=Decimal)
    return body


def _check_account(samples: Samples, account: str, status: dict[str, Any]) -> None:
    """The account's series equal its status json, budgets included."""

    def one(name: str, **labels: str) -> float:
        return samples[(name, tuple(sorted({"account": account, **labels}.items())))]

    assert one("youcam_units_balance_units") == float(status["balance"])
    assert one("youcam_units_spend_rate_units_per_day") == float(status["spend_per_day"])
    assert one("youcam_units_expiring_units", within_days="30") == float(status["expiring_total"])
    left = status["days_left"]
    assert one("youcam_units_days_left") == (float("inf") if left is None else float(left))
    for use in status["budgets"]:
        action = use["action"] or ""
        assert one("youcam_units_budget_units", action=action) == float(use["budget"])
        assert one("youcam_units_budget_spent_units", action=action) == float(use["spent"])
    accounts = {dict(labels)["account"] for _name, labels in samples}
    assert account in accounts


def test_the_account_label_is_the_accounts_name(run: Callable[..., Run], config: Path) -> None:
    """Metrics --account b: every series labelled b, with b's status figures."""
    use_sqlite_for_b(config)
    result = run("metrics", "--account", "b", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    samples = _samples(result.stdout)
    assert {dict(labels)["account"] for _name, labels in samples} == {"b"}
    _check_account(samples, "b", _status(run, "b"))


def test_the_default_account_names_its_series(run: Callable[..., Run], config: Path) -> None:
    """No --account: the file's default account (a), its name as the label, its budgets."""
    del config
    result = run("metrics", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    samples = _samples(result.stdout)
    assert {dict(labels)["account"] for _name, labels in samples} == {"a"}
    status = _status(run, "a")
    assert [use["action"] for use in status["budgets"]] == [None, "unheard_of"]
    _check_account(samples, "a", status)


def test_every_account_in_one_output(run: Callable[..., Run], config: Path) -> None:
    """--account all: one family per metric, a series per account, each equal to its status."""
    use_sqlite_for_b(config)
    result = run("metrics", "--account", "all", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    samples = _samples(result.stdout)
    assert {dict(labels)["account"] for _name, labels in samples} == {"a", "b"}
    for account in ("a", "b"):
        _check_account(samples, account, _status(run, account))


def test_account_all_refuses_one_accounts_options(run: Callable[..., Run], config: Path) -> None:
    """--db names one ledger: with --account all it is a usage error before any request."""
    del config
    result = run("metrics", "--account", "all", "--db", "x.sqlite3")
    assert result.exit_code == 2
    assert "--db names one account's setting" in result.stderr


@pytest.mark.slow
def test_one_server_serves_every_account(
    run: Callable[..., Run], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Metrics --serve --account all: one /metrics with both accounts' series.

    Each account's credentials are read in the refresher's thread, so the account in use
    must follow the reading there (b's token is only in b's variable).
    """
    use_sqlite_for_b(config)
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    port = free_port()
    scraped: list[str] = []

    def scrape_then_stop() -> None:
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline:
                try:
                    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
                except httpx.TransportError:
                    time.sleep(0.05)
                    continue
                if 'youcam_units_balance_units{account="b"}' in text and (
                    'youcam_units_balance_units{account="a"}' in text
                ):
                    scraped.append(text)
                    return
                time.sleep(0.05)
        finally:
            os.kill(os.getpid(), signal.SIGTERM)  # the command's own handler stops it

    def not_stopped_by_the_command(_signum: int, _frame: object) -> None:
        # The command's own handler was not in place: fail this test, never the test process.
        raise AssertionError("metrics --serve was not running to receive SIGTERM")

    before = signal.signal(signal.SIGTERM, not_stopped_by_the_command)
    scraper = threading.Thread(target=scrape_then_stop)
    scraper.start()
    try:
        result = run("metrics", "--serve", "--account", "all", "--port", str(port))
    finally:
        scraper.join()
        signal.signal(signal.SIGTERM, before)
    assert result.exit_code == 0, result.output
    assert scraped, result.stderr
    samples = _samples(scraped[0])
    assert samples[("youcam_units_refresh_failures_total", (("account", "a"),))] == 0
    assert samples[("youcam_units_refresh_failures_total", (("account", "b"),))] == 0


def test_one_loop_reads_each_account_in_turn_and_goes_on_after_a_failure() -> None:
    """The accounts are read one after another in one thread; one failing keeps the others."""
    calls: list[tuple[str, str]] = []
    failures: list[str] = []

    def reader(name: str) -> Callable[[], StatusReading]:
        def read() -> StatusReading:
            calls.append((name, threading.current_thread().name))
            raise RuntimeError(name)

        return read

    refresher = AccountsRefresher(
        {"a": reader("a"), "b": reader("b")},
        60,
        on_failure=lambda account, _exc: failures.append(account),
    )
    refresher.start()
    deadline = time.monotonic() + 5
    while len(failures) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    refresher.stop(timeout=0)
    assert failures == ["a", "b"]  # one round: both, in order, then the interval's wait
    assert {thread for _name, thread in calls} == {"youcam-units-refresh"}
    counted = {
        sample.labels["account"]: sample.value
        for family in refresher.collector.collect()
        for sample in family.samples
        if sample.name == "youcam_units_refresh_failures_total"
    }
    assert counted == {"a": 1, "b": 1}


def test_account_all_goes_on_after_a_failure(
    run: Callable[..., Run], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B's token unset: a's metrics are still printed, b named, exit 1."""
    use_sqlite_for_b(config)
    monkeypatch.delenv("TOKEN_B")
    result = run("metrics", "--account", "all", "--as-of", AS_OF)
    assert result.exit_code == 1
    samples = _samples(result.stdout)
    assert {dict(labels)["account"] for _name, labels in samples} == {"a"}
    _check_account(samples, "a", _status(run, "a"))
    assert "error: account b: $TOKEN_B" in result.stderr
    assert "1 of 2 accounts failed: b" in result.stderr
