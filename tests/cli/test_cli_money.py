"""Units in money: --unit-price and --currency on summary and status, exact until shown."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING

import pytest
from youcam_units import _json as exact_json
from youcam_units._money import UnitPrice

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units.mock import MockService

    from cli.conftest import Invoke

PRICE = "0.0123456789"
CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def test_fractional_units_total_is_exact_to_the_cent_after_rounding_once() -> None:
    """Three 0.5-unit spends at a 9-decimal price: the total rounds once, not row by row."""
    price = UnitPrice.parse("0.0123456789", "usd")
    units = [Decimal("0.5")] * 3 + [Decimal("1.25")]
    exact = sum((price.value(u) for u in units), Decimal(0))
    assert exact == Decimal("0.03395061697500")  # 2.75 units * the price, no digit lost
    assert price.display(exact) == "0.03 USD"
    # Rounded row by row the same rows would add up to two cents more: what display must not do.
    assert sum((_cents(price.value(u)) for u in units), Decimal(0)) == Decimal("0.05")
    big = price.value(Decimal("123456.789"))
    assert price.display(big) == "1,524.16 USD"  # 1524.157881..., half up at the cent


def test_money_past_28_digits_is_shown_to_the_cent_whole() -> None:
    """10**30 units at 0.05: every digit, to the cent (the default 28-digit context raised)."""
    price = UnitPrice.parse("0.05", "USD")
    money = price.value(Decimal("1000000000000000000000000000000.1"))  # 10**30 + 0.1
    assert price.display(money) == f"{5 * 10**28:,}.01 USD"  # 0.005 rounds half up


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("0.0000001", "0.0000001"), ("1e-8", "0.00000001"), ("5E+1", "50"), ("0.05", "0.05")],
)
def test_the_price_is_shown_in_plain_digits(typed: str, shown: str) -> None:
    """A price per unit reads as a finance person writes it: never 1E-7 (Decimal's str)."""
    assert UnitPrice.parse(typed, "usd").per_unit() == f"{shown} USD per unit"


def test_a_price_keeps_every_digit_and_zero_loses_its_sign() -> None:
    """Parsing added 0 in the default context, which rounded a price past 28 digits."""
    wide = "0.123456789012345678901234567890123"
    assert UnitPrice.parse(wide, "usd").amount == Decimal(wide)
    assert str(UnitPrice.parse("-0.00", "usd").amount) == "0.00"
    assert str(UnitPrice.parse("5E+1", "usd").amount) == "50"


@pytest.mark.parametrize(
    ("amount", "currency", "match"),
    [(0.05, "USD", "Decimal"), ("0.05", "USD", "Decimal"), (Decimal("0.05"), 840, "currency")],
)
def test_a_price_of_the_wrong_type_is_a_type_error(
    amount: object, currency: object, match: str
) -> None:
    """UnitPrice(0.05, "USD") raised AttributeError ('float' object has no attribute ...)."""
    with pytest.raises(TypeError, match=match):
        UnitPrice(amount, currency)  # type: ignore[arg-type] # the wrong types are the test


def test_summary_json_adds_exact_money_to_every_row(invoke: Invoke, tmp_path: Path) -> None:
    """Each row's money is its units times the price, exactly (no rounding in JSON)."""
    db = tmp_path / "l.sqlite3"
    assert invoke("sync", "--db", str(db)).exit_code == 0
    run = invoke("summary", "--db", str(db), "--format", "json", "--unit-price", PRICE)
    assert run.exit_code == 0, run.stderr
    rows = exact_json.loads(run.stdout)
    assert rows
    assert any(row["spent"] != row["spent"].to_integral_value() for row in rows)  # fractions
    for row in rows:
        assert row["currency"] == "USD"
        for field in ("spent", "granted", "expired", "net"):
            assert row[f"{field}_money"] == row[field] * Decimal(PRICE)


def test_summary_table_total_is_the_exact_total_rounded_once(
    invoke: Invoke, tmp_path: Path
) -> None:
    """The table's money column: each figure and the total rounded once from the exact value."""
    db = tmp_path / "l.sqlite3"
    assert invoke("sync", "--db", str(db)).exit_code == 0
    exact = exact_json.loads(invoke("summary", "--db", str(db), "--format", "json").stdout)
    run = invoke("summary", "--db", str(db), "--unit-price", PRICE, "--currency", "eur", "--all")
    assert run.exit_code == 0, run.stderr
    assert "spent EUR" in run.stdout
    table = run.stdout.partition("units per action: ")[0]  # the table, not the chart
    lines = {line.split()[0]: line.split() for line in table.splitlines() if line.strip()}
    for row in exact:
        assert Decimal(lines[row["action"]][-1].replace(",", "")) == _cents(
            row["spent"] * Decimal(PRICE)
        )
    total = sum((row["spent"] for row in exact), Decimal(0))
    assert Decimal(lines["total"][-1].replace(",", "")) == _cents(total * Decimal(PRICE))


def test_status_shows_money_and_its_json_is_exact(invoke: Invoke, tmp_path: Path) -> None:
    """status: every figure's value in the table, exact under "money" in JSON."""
    db = tmp_path / "l.sqlite3"
    at = ("--as-of", "2026-11-01T00:00Z")
    plain = exact_json.loads(invoke("status", "--db", str(db), *at, "--format", "json").stdout)
    run = invoke("status", "--db", str(db), *at, "--format", "json", "--unit-price", "0.05")
    body = exact_json.loads(run.stdout)
    money = body.pop("money")
    assert body == plain
    with localcontext(prec=200):  # exact products: no digit rounded away
        assert money == {
            "currency": "USD",
            "unit_price": Decimal("0.05"),
            "balance": plain["balance"] * Decimal("0.05"),
            "spend_per_day": plain["spend_per_day"] * Decimal("0.05"),
            "expiring_total": plain["expiring_total"] * Decimal("0.05"),
        }
    table = invoke("status", "--db", str(db), *at, "--no-sync", "--unit-price", "0.05").stdout
    assert f"({_cents(plain['balance'] * Decimal('0.05')):,} USD)" in table
    assert "0.05 USD per unit" in table


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--unit-price", "abc"), "--unit-price"),
        (("--unit-price", "-0.01"), "--unit-price"),
        (("--unit-price", "NaN"), "--unit-price"),
        (("--unit-price", "Infinity"), "--unit-price"),
        (("--unit-price", "0.05", "--currency", "US"), "--currency"),
        (("--unit-price", "0.05", "--currency", "US$"), "--currency"),
        (("--currency", "dollars"), "--currency"),
    ],
)
@pytest.mark.parametrize("command", ["summary", "status", "report"])
def test_a_bad_price_or_currency_is_one_line_exit_2_before_any_request(  # noqa: PLR0917
    invoke: Invoke,
    service: MockService,
    tmp_path: Path,
    command: str,
    args: tuple[str, ...],
    option: str,
) -> None:
    """Not a number, negative, or not a three-letter code: one line naming the option."""
    extra = ("-o", str(tmp_path / "r.html")) if command == "report" else ()
    run = invoke(command, "--db", str(tmp_path / "l.sqlite3"), *extra, *args)
    assert run.exit_code == 2
    assert len(run.stderr.strip().splitlines()) == 1
    assert option in run.stderr
    assert service.log.count == 0
    assert list(tmp_path.iterdir()) == []
