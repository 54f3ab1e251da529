"""balance, costs and status as users run them: a real process at 60, 80 and 120 columns."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from youcam_units import _json as exact_json
from youcam_units._cli._fit import amounts

ENTRY_POINT = shutil.which("youcam-units", path=str(Path(sys.executable).parent))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ENTRY_POINT is None, reason="youcam-units is not installed"),
]

WIDTHS = (60, 80, 120)
FIGURE = re.compile(r"^\d[\d,]*(\.\d+)?$")


def run(*args: str, columns: int = 200, **env: str) -> subprocess.CompletedProcess[str]:
    """The entry point with no credential in its environment, at ``columns`` columns."""
    assert ENTRY_POINT is not None
    base = {k: v for k, v in os.environ.items() if not k.startswith("YOUCAM_")}
    return subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        [ENTRY_POINT, *args],
        capture_output=True,
        text=True,
        env={**base, "COLUMNS": str(columns), **env},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("columns", WIDTHS)
def test_balance_table_keeps_every_amount_whole(columns: int) -> None:
    """Each bucket's amount and the total, as the json has them, fit whole on their lines."""
    table = run("balance", "--demo", columns=columns)
    exported = run("balance", "--demo", "--format", "json")
    assert table.returncode == 0, table.stderr
    body = exact_json.loads(exported.stdout)
    lines = table.stdout.splitlines()
    assert all(len(line.rstrip()) <= columns for line in lines)
    rows = [line.split() for line in lines if line.startswith(("Api", "total"))]
    assert len(rows) == len(body["buckets"]) + 1
    assert all(FIGURE.match(cells[1]) for cells in rows)
    expected = [f"{Decimal(b['amount']):,}" for b in body["buckets"]]
    assert sorted(cells[1] for cells in rows[:-1]) == sorted(expected)
    assert rows[-1][:2] == ["total", f"{Decimal(body['total']):,}"]


@pytest.mark.parametrize("columns", WIDTHS)
def test_costs_table_keeps_every_amount_whole(columns: int) -> None:
    """Every SKU's units, as the json has them, is a whole cell; descriptions may fold."""
    table = run("costs", "--demo", columns=columns)
    exported = run("costs", "--demo", "--format", "json")
    assert table.returncode == 0, table.stderr
    skus = exact_json.loads(exported.stdout)
    lines = table.stdout.splitlines()
    assert all(len(line.rstrip()) <= columns for line in lines)
    rows = [line for line in lines if re.search(r"\d ((result_image)|(second))\s*$", line)]
    assert len(rows) == len(skus) == 50
    figures = amounts([Decimal(sku["amount"]) for sku in skus])  # one number of decimals
    for line, sku, figure in zip(rows, skus, figures, strict=True):
        cells = line.split()
        assert cells[-3] == figure
        assert cells[-2] == f"{sku['proc_unit']:,}"


@pytest.mark.parametrize("columns", WIDTHS)
def test_status_lines_keep_the_balance_whole(columns: int, tmp_path: Path) -> None:
    """The balance figure is whole; no line is wider than the terminal."""
    db = tmp_path / "demo.sqlite3"
    status = run("status", "--demo", "--db", str(db), columns=columns)
    balance = run("balance", "--demo", "--format", "json")
    assert status.returncode == 0, status.stderr
    total = f"{Decimal(exact_json.loads(balance.stdout)['total']):,}"
    assert all(len(line.rstrip()) <= columns for line in status.stdout.splitlines())
    assert re.search(rf"^balance\s+{re.escape(total)} units", status.stdout, re.MULTILINE)
    assert "runs out" in status.stdout


def test_status_exit_3_in_a_real_process(tmp_path: Path) -> None:
    """For cron: exit status 3 and the reason on stderr."""
    result = run(
        "status", "--demo", "--db", str(tmp_path / "d.sqlite3"), "--min-balance", "99999999"
    )
    assert result.returncode == 3
    assert "below threshold" in result.stderr
    assert "--min-balance 99999999" in result.stderr


def test_the_api_key_is_never_an_argument() -> None:
    """There is no --api-key option: a key on the command line would show in ps and history."""
    result = run("costs", "--api-key", "sk-123")
    assert result.returncode == 2
    assert "--api-key-file" in run("costs", "--help").stdout


def test_costs_without_a_key_is_one_line() -> None:
    """An access token alone cannot read costs: one line, exit 1, no traceback."""
    result = run("costs", YOUCAM_ACCESS_TOKEN="tok-123456789")  # noqa: S106 - a fake token
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "need the API key" in result.stderr


def test_status_chart_without_utf8_output(tmp_path: Path) -> None:
    """A latin-1 stdout gets an ASCII sparkline, not a UnicodeEncodeError."""
    result = run(
        "status", "--demo", "--db", str(tmp_path / "d.sqlite3"), PYTHONIOENCODING="latin-1"
    )
    assert result.returncode == 0, result.stderr
    chart = next(line for line in result.stdout.splitlines() if line.startswith("spent"))
    assert chart.isascii()
    assert "#" in chart
