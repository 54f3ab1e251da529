"""One rule for --format: a command that lists rows writes json, jsonl and csv, alike, exact."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click
import pytest
from youcam_units import _json as exact_json
from youcam_units._cli import cli
from youcam_units.ledger import SummaryRow
from youcam_units.ledger._summary import SUMMARY_FIELDS as SUMMARY_COLUMNS
from youcam_units.mock import DEFAULT_API_KEY

if TYPE_CHECKING:
    from pathlib import Path

    from .conftest import Invoke

ROWS_AND_TABLE = ("table", "json", "jsonl", "csv")
FORMATS = {
    "history": ROWS_AND_TABLE,
    "summary": ROWS_AND_TABLE,
    "balance": ROWS_AND_TABLE,
    "costs": ROWS_AND_TABLE,
    "export": ("csv", "jsonl", "json"),  # a file to keep: no table
    "status": ("table", "json"),  # one record, not rows
    "accounts": ROWS_AND_TABLE,
}


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Costs needs the API key."""
    monkeypatch.setenv("YOUCAM_API_KEY", DEFAULT_API_KEY)


def test_every_commands_formats_follow_the_rule() -> None:
    """The --format choices of each command, pinned: rows get json, jsonl and csv."""
    assert isinstance(cli, click.Group)
    found = {}
    context = click.Context(cli)
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert command is not None
        for param in command.params:
            if param.name == "fmt":
                assert isinstance(param.type, click.Choice)
                found[name] = tuple(param.type.choices)
    assert found == FORMATS


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _jsonl(text: str) -> list[Any]:
    return [exact_json.loads(line) for line in text.splitlines()]


def _same(rows: list[dict[str, str]], json_rows: list[dict[str, Any]]) -> None:
    """Csv cells equal the json values: numbers exactly, nulls as empty cells."""
    assert len(rows) == len(json_rows)
    for row, expected in zip(rows, json_rows, strict=True):
        assert list(row) == list(expected)
        for key, value in expected.items():
            if value is None:
                assert row[key] == ""
            elif isinstance(value, Decimal | int):
                assert Decimal(row[key]) == value, key
            else:
                assert row[key] == str(value)


@pytest.mark.parametrize("by", ["action", "day", "month"])
def test_summary_csv_and_jsonl_are_its_json_exactly(invoke: Invoke, by: str) -> None:
    """Summary --format csv and jsonl hold every group of --format json, amounts exact.

    The demo's history spans several months, so each grouping has several groups.
    """
    outputs = {
        fmt: invoke("summary", "--demo", "--by", by, "--format", fmt, "--rows", "1")
        for fmt in ("json", "jsonl", "csv")
    }
    assert all(run.exit_code == 0 for run in outputs.values())
    expected = exact_json.loads(outputs["json"].stdout)
    assert len(expected) > 1  # --rows caps the table only
    assert _jsonl(outputs["jsonl"].stdout) == expected
    assert list(_csv(outputs["csv"].stdout)[0]) == [by, *SUMMARY_COLUMNS]
    _same(_csv(outputs["csv"].stdout), expected)
    assert any(Decimal(row["spent"]) % 1 for row in expected)  # fractions survive


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_summary_csv_and_jsonl_carry_the_price_as_json_does(invoke: Invoke, fmt: str) -> None:
    """With --unit-price, csv and jsonl have json's money fields too, exactly (not units alone)."""
    price = ("--demo", "--by", "month", "--unit-price", "0.05", "--currency", "EUR")
    expected = exact_json.loads(invoke("summary", *price, "--format", "json").stdout)
    assert expected[0]["currency"] == "EUR"  # json carries the money
    run = invoke("summary", *price, "--format", fmt)
    assert run.exit_code == 0
    if fmt == "jsonl":
        assert _jsonl(run.stdout) == expected
    else:
        _same(_csv(run.stdout), expected)


def test_summary_columns_are_the_rows_fields() -> None:
    """The csv header is SummaryRow.to_dict's keys, in its order."""
    row = SummaryRow("x", 1, Decimal(1), Decimal(2), Decimal(0))
    assert tuple(row.to_dict("day")) == ("day", *SUMMARY_COLUMNS)


def test_summary_csv_of_an_empty_period_is_the_header(invoke: Invoke, tmp_path: Path) -> None:
    """No entries in the period: csv is the header alone, jsonl is empty."""
    db = tmp_path / "l.sqlite3"
    assert invoke("sync", "--db", str(db)).exit_code == 0
    window = ("--since", "1999-01-01", "--until", "1999-01-02")
    run = invoke("summary", "--db", str(db), "--format", "csv", *window)
    assert run.stdout == "action,entries,spent,granted,expired,net\n"
    assert invoke("summary", "--db", str(db), "--format", "jsonl", *window).stdout == ""


def test_balance_rows_are_its_json_buckets(invoke: Invoke) -> None:
    """Balance --format jsonl/csv: one bucket a row, as in --format json."""
    buckets = exact_json.loads(invoke("balance", "--format", "json").stdout)["buckets"]
    assert _jsonl(invoke("balance", "--format", "jsonl").stdout) == buckets
    _same(_csv(invoke("balance", "--format", "csv").stdout), buckets)


def test_costs_rows_are_its_json(invoke: Invoke) -> None:
    """Costs --format jsonl/csv: one SKU a row, as in --format json."""
    skus = exact_json.loads(invoke("costs", "--format", "json").stdout)
    assert _jsonl(invoke("costs", "--format", "jsonl").stdout) == skus
    _same(_csv(invoke("costs", "--format", "csv").stdout), skus)


def test_export_json_is_its_jsonl_as_one_array(invoke: Invoke, tmp_path: Path) -> None:
    """Export --format json: the same entries as jsonl, in one array."""
    db = tmp_path / "l.sqlite3"
    assert invoke("sync", "--db", str(db)).exit_code == 0
    lines = _jsonl(invoke("export", "--db", str(db), "--format", "jsonl").stdout)
    assert exact_json.loads(invoke("export", "--db", str(db), "--format", "json").stdout) == lines
    assert len(lines) == 150
