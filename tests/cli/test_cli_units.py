"""balance, costs, status and export: in-process against the mock (CliRunner), credentials."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from youcam_units import _json as exact_json
from youcam_units._cli._commands import Runtime
from youcam_units.ledger import Ledger
from youcam_units.mock import (
    BALANCE_PATH,
    DEFAULT_API_KEY,
    FEATURE_COST_PATH,
    HISTORY_PATH,
    MOCK_NOW_MS,
    SKUS,
    MockService,
)

if TYPE_CHECKING:
    from pathlib import Path

    from .conftest import Invoke

MOCK_NOW = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=MOCK_NOW_MS)).isoformat()
SECRET_KEY = "sk-Cli-Api-Key-0123456789abcdef"  # noqa: S105 - a fake key the tests hunt for


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mock's API key in the environment, beside the conftest's access token."""
    monkeypatch.setenv("YOUCAM_API_KEY", DEFAULT_API_KEY)


def _requests(service: MockService, path: str) -> int:
    return sum(1 for record in service.log.records if record.path == path)


def _exact_buckets(service: MockService) -> dict[int, Decimal]:
    return {
        item["id"]: Decimal(str(item.get("amount_dec", item.get("amount"))))
        for item in service.buckets()
    }


# -- balance -------------------------------------------------------------------------------


def test_balance_json_is_total_and_buckets_exactly(invoke: Invoke, service: MockService) -> None:
    """An object with total and buckets; amounts are the mock's, digit for digit."""
    run = invoke("balance", "--format", "json")
    assert run.exit_code == 0, run.stderr
    body = exact_json.loads(run.stdout)
    assert set(body) == {"total", "buckets"}
    shown = {bucket["id"]: Decimal(bucket["amount"]) for bucket in body["buckets"]}
    assert shown == _exact_buckets(service)
    assert Decimal(body["total"]) == sum(shown.values(), Decimal(0))
    assert {"id", "type", "amount", "expiry", "expires_at"} <= set(body["buckets"][0])
    assert _requests(service, BALANCE_PATH) == 1


def test_balance_table_shows_each_bucket_and_the_total(
    invoke: Invoke, service: MockService
) -> None:
    """Every bucket's amount and the total appear whole."""
    run = invoke("balance")
    assert run.exit_code == 0, run.stderr
    amounts = _exact_buckets(service)
    for amount in amounts.values():
        assert f"{amount:,}" in run.stdout
    assert f"{sum(amounts.values(), Decimal(0)):,}" in run.stdout
    assert "total" in run.stdout
    assert "never" in run.stdout  # the mock's permanent bucket


def test_balance_with_the_api_key_alone(
    invoke: Invoke, service: MockService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No access token: the API key reads the balance too."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    run = invoke("balance", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert _requests(service, BALANCE_PATH) == 1


def test_no_credential_at_all_is_one_line_before_any_request(
    invoke: Invoke, service: MockService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither variable nor file: exit 1 naming both, nothing sent."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    monkeypatch.delenv("YOUCAM_API_KEY")
    run = invoke("balance")
    assert run.exit_code == 1
    assert "no credential" in run.stderr
    assert "YOUCAM_API_KEY" in run.stderr
    assert service.log.count == 0


# -- costs -----------------------------------------------------------------------------------


def test_costs_json_is_the_list_of_skus_exactly(invoke: Invoke, service: MockService) -> None:
    """All 50 SKUs in three requests, amounts exact."""
    run = invoke("costs", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert exact_json.loads(run.stdout) == [
        {**sku, "amount": Decimal(str(sku["amount"]))} for sku in SKUS
    ]
    assert _requests(service, FEATURE_COST_PATH) == math.ceil(len(SKUS) / 20)


def test_costs_search_is_case_insensitive(invoke: Invoke) -> None:
    """--search skin keeps exactly the SKUs whose description mentions it, in any case."""
    run = invoke("costs", "--search", "SKIN", "--format", "json")
    assert run.exit_code == 0, run.stderr
    expected = [sku["description"] for sku in SKUS if "skin" in str(sku["description"]).lower()]
    assert expected
    assert [sku["description"] for sku in exact_json.loads(run.stdout)] == expected


def test_costs_csv_and_table(invoke: Invoke) -> None:
    """CSV: a header and one row per SKU; the table names each feature and its units."""
    run = invoke("costs", "--format", "csv")
    assert run.exit_code == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert len(rows) == len(SKUS)
    assert rows[0]["description"] == SKUS[0]["description"]
    assert Decimal(rows[0]["amount"]) == Decimal(str(SKUS[0]["amount"]))
    table = invoke("costs")
    assert table.exit_code == 0
    assert str(SKUS[0]["description"]) in table.stdout
    nothing = invoke("costs", "--search", "no-such-feature")
    assert nothing.exit_code == 0
    assert "no feature matches" in nothing.stdout


def test_costs_without_api_key_fails_before_any_request(
    invoke: Invoke, service: MockService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An access token alone: exit 1, a line saying the API key is needed; nothing sent."""
    monkeypatch.delenv("YOUCAM_API_KEY")
    run = invoke("costs")
    assert run.exit_code == 1
    assert "need the API key" in run.stderr
    assert "--api-key-file" in run.stderr
    assert service.log.count == 0


def test_api_key_file_is_read_and_a_refused_key_is_never_printed(
    invoke: Invoke, service: MockService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--api-key-file gives the key; a key the service refuses is named by source, not shown."""
    monkeypatch.delenv("YOUCAM_API_KEY")
    good = tmp_path / "good"
    good.write_text(DEFAULT_API_KEY + "\n")
    good.chmod(0o600)
    assert invoke("costs", "--api-key-file", str(good), "--format", "json").exit_code == 0
    bad = tmp_path / "bad"
    bad.write_text(SECRET_KEY)
    bad.chmod(0o600)
    run = invoke("costs", "--api-key-file", str(bad))
    assert run.exit_code == 1
    assert "refused the API key from --api-key-file" in run.stderr
    assert SECRET_KEY not in run.output
    assert service.log.by_status[401] == 1


def test_readable_api_key_file_gets_a_warning(invoke: Invoke, tmp_path: Path) -> None:
    """Like --token-file: a key file others can read is warned about."""
    key = tmp_path / "key"
    key.write_text(DEFAULT_API_KEY)
    key.chmod(0o644)
    run = invoke("costs", "--api-key-file", str(key), "--format", "json")
    assert run.exit_code == 0
    assert "--api-key-file" in run.stderr
    assert "chmod 600" in run.stderr


# -- status ----------------------------------------------------------------------------------


def _status(invoke: Invoke, db: Path, *extra: str) -> tuple[int, str, str]:
    run = invoke("status", "--db", str(db), "--as-of", MOCK_NOW, *extra)
    return run.exit_code, run.stdout, run.stderr


def test_status_syncs_first_with_ceil_k_over_30_plus_one_requests(
    invoke: Invoke, service: MockService, tmp_path: Path
) -> None:
    """A first run reads the history; 60 new entries then cost ceil(60/30)+1 = 3 requests.

    (The third page is the one holding the ledger's newest entry; 40 new would cost 2.)
    """
    db = tmp_path / "ledger.sqlite3"
    code, _, stderr = _status(invoke, db, "--format", "json")
    assert code == 0, stderr
    with Ledger(db, read_only=True) as ledger:
        assert len(ledger) == 150
    before = _requests(service, HISTORY_PATH)
    service.add_entries(60)
    code, out, _ = _status(invoke, db, "--format", "json")
    assert code == 0
    assert _requests(service, HISTORY_PATH) - before == math.ceil(60 / 30) + 1
    assert _requests(service, BALANCE_PATH) == 2
    body = exact_json.loads(out)
    assert Decimal(body["balance"]) == sum(_exact_buckets(service).values(), Decimal(0))


def test_status_no_sync_sends_only_the_balance_request(
    invoke: Invoke, service: MockService, tmp_path: Path
) -> None:
    """--no-sync: the ledger as it is; one request, the balance."""
    db = tmp_path / "ledger.sqlite3"
    assert _status(invoke, db)[0] == 0
    service.log.clear()
    code, out, _ = _status(invoke, db, "--no-sync")
    assert code == 0
    assert [record.path for record in service.log.records] == [BALANCE_PATH]
    assert "runs out" in out
    assert "spent" in out


def test_status_no_sync_without_a_ledger_says_what_to_do(
    invoke: Invoke, service: MockService, tmp_path: Path
) -> None:
    """No ledger and --no-sync: exit 1 before any request."""
    run = invoke("status", "--db", str(tmp_path / "none.sqlite3"), "--no-sync")
    assert run.exit_code == 1
    assert "no ledger" in run.stderr
    assert service.log.count == 0


@pytest.mark.parametrize(
    ("options", "code", "reasons"),
    [
        (("--min-balance", "0"), 0, []),
        (("--min-balance", "1000000"), 3, ["--min-balance 1000000"]),
        (("--min-days", "0"), 0, []),
        (("--min-days", "100000"), 3, ["--min-days 100000"]),
        (
            ("--min-balance", "1000000", "--min-days", "100000"),
            3,
            ["--min-balance 1000000", "--min-days 100000"],
        ),
        (("--min-balance", "1000000", "--min-days", "0"), 3, ["--min-balance 1000000"]),
    ],
)
def test_thresholds_exit_3_and_say_why(
    invoke: Invoke, tmp_path: Path, options: tuple[str, ...], code: int, reasons: list[str]
) -> None:
    """Below --min-balance or --min-days: exit 3, one line per reason on stderr; else 0."""
    exit_code, out, err = _status(invoke, tmp_path / "l.sqlite3", *options)
    assert exit_code == code, err
    lines = [line for line in err.splitlines() if "below threshold" in line]
    assert len(lines) == len(reasons)
    for reason, line in zip(reasons, lines, strict=True):
        assert reason in line
    assert "balance" in out  # the report is printed either way


def test_threshold_at_the_exact_balance_is_not_below(
    invoke: Invoke, service: MockService, tmp_path: Path
) -> None:
    """--min-balance equal to the balance passes; a cent more fails."""
    total = sum(_exact_buckets(service).values(), Decimal(0))
    db = tmp_path / "l.sqlite3"
    assert _status(invoke, db, "--min-balance", str(total))[0] == 0
    assert _status(invoke, db, "--no-sync", "--min-balance", str(total + Decimal("0.01")))[0] == 3


@pytest.mark.parametrize("value", ["abc", "-1", "NaN", "inf"])
def test_a_bad_threshold_is_a_usage_error(
    invoke: Invoke, service: MockService, tmp_path: Path, value: str
) -> None:
    """Not a number of 0 or more: exit 2, before any request."""
    run = invoke("status", "--db", str(tmp_path / "l.sqlite3"), "--min-days", value)
    assert run.exit_code == 2
    assert "--min-days" in run.stderr
    assert service.log.count == 0


def test_status_json_agrees_with_itself(invoke: Invoke, tmp_path: Path) -> None:
    """runs_out_at is as_of plus days_left; the expiring total is the sum of its items.

    The mock's 150 entries span under 30 days: the window starts at the ledger's oldest entry.
    """
    db = tmp_path / "l.sqlite3"
    code, out, _ = _status(invoke, db, "--format", "json")
    assert code == 0
    body = exact_json.loads(out)
    assert body["as_of"].startswith(MOCK_NOW[:19])
    with Ledger(db, read_only=True) as ledger:
        ((oldest,),) = ledger.query("SELECT MIN(timestamp_ms) FROM entries")
    assert Decimal(body["window_days"]) == Decimal(MOCK_NOW_MS - oldest) / 86_400_000 < 30
    assert Decimal(body["expiring_total"]) == sum(
        (Decimal(item["amount"]) for item in body["expiring"]), Decimal(0)
    )
    if body["runs_out_at"] is not None:
        as_of = datetime.fromisoformat(body["as_of"])
        runs_out = datetime.fromisoformat(body["runs_out_at"])
        days = Decimal((runs_out - as_of) / timedelta(milliseconds=1)) / 86_400_000
        assert abs(days - Decimal(body["days_left"])) < Decimal("0.000001")


def test_status_json_as_of_is_utc_whatever_offset_it_was_given(
    invoke: Invoke, tmp_path: Path
) -> None:
    """--as-of with an offset: as_of is that moment in UTC with a Z, as every other time."""
    db = tmp_path / "l.sqlite3"
    code, out, _ = _status(invoke, db, "--format", "json", "--as-of", "2026-11-01T02:00+05:00")
    assert code == 0
    assert exact_json.loads(out)["as_of"] == "2026-10-31T21:00:00.000Z"


# -- export ----------------------------------------------------------------------------------


def test_export_writes_the_ledger_without_any_request(
    invoke: Invoke, service: MockService, tmp_path: Path
) -> None:
    """jsonl: every ledger entry, exactly as stored; csv with --since/--until; no request."""
    db = tmp_path / "l.sqlite3"
    assert invoke("sync", "--db", str(db)).exit_code == 0
    service.log.clear()
    run = invoke("export", "--db", str(db), "--format", "jsonl")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    with Ledger(db, read_only=True) as ledger:
        assert [exact_json.loads(line) for line in lines] == list(ledger.raw_entries())
        assert len(lines) == len(ledger) == 150
        day = next(iter(ledger.entries())).timestamp
    assert day is not None
    iso_day = day.date().isoformat()
    run = invoke(
        "export", "--db", str(db), "--format", "csv", "--since", iso_day, "--until", iso_day
    )
    assert run.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert rows
    assert all(row["time"].startswith(iso_day) for row in rows)
    assert service.log.count == 0


def test_export_without_a_ledger_says_run_sync(invoke: Invoke, tmp_path: Path) -> None:
    """Nothing to export: exit 1 naming the command to run."""
    run = invoke("export", "--db", str(tmp_path / "none.sqlite3"))
    assert run.exit_code == 1
    assert "sync" in run.stderr


# -- --demo ----------------------------------------------------------------------------------


def test_demo_works_for_every_unit_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, invoke: Invoke
) -> None:
    """No credentials: balance, costs, status and export all answer from the mock."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    monkeypatch.delenv("YOUCAM_API_KEY")
    demo = MockService(seed=3, entries=200)
    runtime = Runtime(demo_service=demo)
    db = tmp_path / "demo.sqlite3"
    for args in (
        ("balance", "--demo"),
        ("costs", "--demo", "--format", "json"),
        ("status", "--demo", "--db", str(db)),
        ("export", "--demo", "--db", str(db)),
    ):
        run = invoke(*args, runtime=runtime)
        assert run.exit_code == 0, (args, run.stderr)
        assert run.stdout.strip()
    assert demo.log.by_status[200] >= 4


def test_history_and_sync_take_the_api_key_when_no_access_token_is_set(
    invoke: Invoke, service: MockService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API key works for every operation, so the history commands accept it too."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    run = invoke("history", "--limit", "5", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert len(exact_json.loads(run.stdout)) == 5
    assert invoke("sync", "--db", str(tmp_path / "l.sqlite3")).exit_code == 0
    assert service.log.by_status[401] == 0
    assert _requests(service, HISTORY_PATH) >= 2


def test_status_names_a_run_out_past_year_9999_with_its_days() -> None:
    """A run-out no datetime can hold is still shown, as 'after 9999' and its day count."""
    from rich.console import Console  # noqa: PLC0415 - rich only for this rendering test
    from youcam_units import Balance, UnitBucket, UnitType, forecast  # noqa: PLC0415
    from youcam_units._cli._unit_render import render_status  # noqa: PLC0415

    now = datetime(2026, 11, 1, tzinfo=UTC)
    bucket = UnitBucket(1, UnitType.SUBSCRIPTION, Decimal(10_000))
    outlook = forecast(
        Balance((bucket,)),
        [(int(now.timestamp() * 1000) - 86_400_000, Decimal("-0.001"))],
        now=now,
        window=timedelta(days=1),
        started_at=now - timedelta(days=1),
    )
    out = io.StringIO()
    render_status(outlook, [], Console(file=out, width=80))
    assert "after 9999 (in about 10000000.0 days)" in out.getvalue()


def test_balance_json_lists_buckets_in_the_tables_order(invoke: Invoke) -> None:
    """The JSON and the table both list buckets soonest-expiring first (one order, not two)."""
    body = exact_json.loads(invoke("balance", "--format", "json").stdout)
    table = invoke("balance").stdout
    shown = [bucket["amount"] for bucket in body["buckets"]]
    positions = [table.index(f"{amount:,}") for amount in shown]
    assert positions == sorted(positions)
    expiries = [b["expiry"] for b in body["buckets"]]
    dated = [e for e in expiries if e is not None]
    assert dated == sorted(dated)
    assert expiries[: len(dated)] == dated  # never-expiring buckets last


def test_status_keeps_an_expired_bucket_out_of_expiring_and_the_run_out(
    invoke: Invoke, service: MockService, tmp_path: Path
) -> None:
    """As of a day after the first bucket's expiry it is 'expired', not expiring or spendable."""
    first = min(
        (b for b in service.buckets() if b.get("expiry") is not None), key=lambda b: b["expiry"]
    )
    after = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=first["expiry"] + 86_400_000)
    db = tmp_path / "ledger.sqlite3"
    run = invoke("status", "--db", str(db), "--as-of", after.isoformat(), "--format", "json")
    assert run.exit_code == 0, run.stderr
    body = exact_json.loads(run.stdout)
    assert first["id"] in [item["bucket"] for item in body["expired"]]
    assert first["id"] not in [item["bucket"] for item in body["expiring"]]
    assert Decimal(body["spendable"]) == Decimal(body["balance"]) - Decimal(body["expired_total"])
    text = invoke("status", "--db", str(db), "--as-of", after.isoformat(), "--no-sync").stdout
    assert "expired" in text
    assert "not spendable" in text
