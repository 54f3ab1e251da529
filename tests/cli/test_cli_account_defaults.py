"""An account's price and budgets are the defaults of the money and budget options.

Precedence, each checked here: an option given beats the account's setting, the account's
setting beats nothing, and an account without a price shows no money.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from cli.test_cli_accounts import PORTS, SECRETS, run, services

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from cli.conftest import Run

__all__ = ["run", "services"]  # the fixtures, used here by name

AS_OF = "2026-10-31T23:00:00Z"
"""Within the mock's history: October has spending for the budgets."""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Account a (the default) with a price in EUR and budgets; account b with neither."""
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
default_account = "a"
[accounts.a]
access_token_env = "TOKEN_A"
base_url = "http://127.0.0.1:{PORTS["a"]}"
db = "a.sqlite3"
unit_price = 0.0123456789
currency = "EUR"
monthly_budget = 40
[accounts.a.budgets]
unheard_of = 9
[accounts.b]
access_token_env = "TOKEN_B"
base_url = "http://127.0.0.1:{PORTS["b"]}"
db = "b.sqlite3"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUCAM_UNITS_CONFIG", str(path))
    return path


def _json(result: Run) -> Any:
    assert result.exit_code in {0, 3}, result.output
    return json.loads(result.stdout, parse_float=Decimal)


def _status(run: Callable[..., Run], *args: str) -> dict[str, Any]:
    body: dict[str, Any] = _json(run("status", "--format", "json", "--as-of", AS_OF, *args))
    return body


def test_the_accounts_price_is_the_default(run: Callable[..., Run], config: Path) -> None:
    """No option: the default account's price and currency give the status its money."""
    del config
    money = _status(run)["money"]
    assert money["currency"] == "EUR"
    assert money["unit_price"] == Decimal("0.0123456789")
    assert money["balance"] == _status(run, "--no-sync")["balance"] * Decimal("0.0123456789")


def test_the_price_option_beats_the_account(run: Callable[..., Run], config: Path) -> None:
    """--unit-price wins; without --currency it is in the account's currency, with it in that."""
    del config
    alone = _status(run, "--unit-price", "0.5")["money"]
    assert (alone["unit_price"], alone["currency"]) == (Decimal("0.5"), "EUR")
    both = _status(run, "--unit-price", "0.5", "--currency", "usd")["money"]
    assert (both["unit_price"], both["currency"]) == (Decimal("0.5"), "USD")


def test_a_currency_alone_that_is_not_the_accounts_is_refused(
    run: Callable[..., Run], config: Path
) -> None:
    """--currency USD alone would relabel the account's EUR price: one line, exit 2."""
    del config
    result = run("status", "--as-of", AS_OF, "--currency", "USD")
    assert result.exit_code == 2
    assert "give --unit-price too" in result.stderr
    assert "USD is not the currency of the unit_price of account 'a' (EUR)" in result.stderr
    assert _status(run, "--currency", "EUR")["money"]["currency"] == "EUR"


def test_an_account_without_a_price_shows_no_money(run: Callable[..., Run], config: Path) -> None:
    """Account b has no price: no money in status json, summary json or the table."""
    del config
    assert "money" not in _status(run, "--account", "b")
    rows = _json(run("summary", "--account", "b", "--format", "json"))
    assert rows
    assert all("currency" not in row for row in rows)
    assert "EUR" not in run("summary", "--account", "b").stdout


def test_summary_takes_the_accounts_price(run: Callable[..., Run], config: Path) -> None:
    """Summary json with no option: every row priced at the account's price, exactly."""
    del config
    assert run("sync").exit_code == 0
    rows = _json(run("summary", "--format", "json"))
    assert rows
    for row in rows:
        assert row["currency"] == "EUR"
        assert row["spent_money"] == row["spent"] * Decimal("0.0123456789")
    assert "EUR" in run("summary").stdout


def test_summary_of_all_accounts_prices_each_accounts_rows(
    run: Callable[..., Run], config: Path
) -> None:
    """--account all: a's rows at a's price, b's without money; an option prices them all."""
    del config
    assert run("sync", "--all").exit_code == 0
    combined = _json(run("summary", "--account", "all", "--format", "json"))
    assert combined["accounts"]["a"] == _json(run("summary", "--account", "a", "--format", "json"))
    assert all("currency" in row for row in combined["accounts"]["a"])
    assert all("currency" not in row for row in combined["accounts"]["b"])
    assert all("currency" not in row for row in combined["total"])
    given = _json(run("summary", "--account", "all", "--format", "json", "--unit-price", "2"))
    for rows in given["accounts"].values():
        assert all(row["spent_money"] == row["spent"] * 2 for row in rows)


def test_the_accounts_budgets_are_the_default(run: Callable[..., Run], config: Path) -> None:
    """No option: the account's budgets, the very figures the same options would give."""
    del config
    from_file = _status(run)["budgets"]
    assert [(use["action"], use["budget"]) for use in from_file] == [
        (None, Decimal(40)),
        ("unheard_of", Decimal(9)),
    ]
    given = _status(run, "--no-sync", "--monthly-budget", "40", "--budget", "unheard_of=9")
    assert given["budgets"] == from_file
    assert from_file[1]["spent"] == 0
    assert from_file[0]["spent"] > 0


def test_budget_options_beat_the_accounts(run: Callable[..., Run], config: Path) -> None:
    """--monthly-budget replaces the file's; --budget given at all replaces its per-action ones."""
    del config
    from_file = _status(run)["budgets"]
    monthly = _status(run, "--monthly-budget", "1e9")["budgets"]
    assert [(u["action"], u["budget"]) for u in monthly] == [
        (None, Decimal("1e9")),
        ("unheard_of", Decimal(9)),
    ]
    assert monthly[0]["spent"] == from_file[0]["spent"]
    per_action = _status(run, "--budget", "other=5")["budgets"]
    assert [(u["action"], u["budget"]) for u in per_action] == [
        (None, Decimal(40)),
        ("other", Decimal(5)),
    ]


def test_over_the_accounts_budget_exits_3(run: Callable[..., Run], config: Path) -> None:
    """The file's budget holds status to it as the option does: over it, exit 3 naming it."""
    del config
    spent = _status(run)["budgets"][0]["spent"]
    assert spent > 40  # the mock's October spending is over the file's 40 units
    result = run("status", "--as-of", AS_OF, "--no-sync")
    assert result.exit_code == 3
    assert "over budget: spent" in result.stderr
    assert "--monthly-budget 40" in result.stderr


def test_each_account_of_all_has_its_own_budgets(run: Callable[..., Run], config: Path) -> None:
    """Status --account all: a's budgets from a's table, none for b."""
    del config
    combined = _status(run, "--account", "all")
    assert [u["action"] for u in combined["accounts"]["a"]["budgets"]] == [None, "unheard_of"]
    assert combined["accounts"]["b"]["budgets"] == []


def test_demo_uses_no_accounts_settings(run: Callable[..., Run], config: Path) -> None:
    """--demo reads the mock, not the account: neither its price nor its budgets apply."""
    del config
    body = _status(run, "--demo")
    assert "money" not in body
    assert body["budgets"] == []


def test_a_zero_budget_in_the_file_is_one_line(run: Callable[..., Run], config: Path) -> None:
    """A budget of 0 would divide by zero: refused when the file is read, naming the key."""
    config.write_text(
        config.read_text(encoding="utf-8").replace("monthly_budget = 40", "monthly_budget = 0"),
        encoding="utf-8",
    )
    result = run("status", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "accounts.a.monthly_budget must be above 0" in result.stderr


def test_status_of_all_accounts_prices_each_and_holds_each_to_its_budget(
    run: Callable[..., Run], config: Path
) -> None:
    """--account all: a in money at a's price and over a's budget (exit 3, named); b neither."""
    del config
    result = run("status", "--account", "all", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 3, result.output
    body = json.loads(result.stdout, parse_float=Decimal)
    assert body["accounts"]["a"]["money"]["currency"] == "EUR"
    assert body["accounts"]["a"] == _status(run, "--account", "a", "--no-sync")
    assert "money" not in body["accounts"]["b"]
    assert "over budget: account a: spent" in result.stderr
    assert "account b" not in result.stderr
    table = run("status", "--account", "all", "--as-of", AS_OF, "--no-sync")
    assert table.exit_code == 3
    assert "EUR" in table.stdout


def test_the_readmes_team_setup_is_a_valid_config(tmp_path: Path) -> None:
    """The README's team config reads as written: two accounts, PostgreSQL, prices, budgets."""
    import re  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from youcam_units._accounts_file import load_config  # noqa: PLC0415

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A team's setup, in a few lines", 1)[1]
    found = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert found is not None
    path = tmp_path / "config.toml"
    path.write_text(found[1], encoding="utf-8")
    config = load_config(path)
    assert sorted(config.accounts) == ["prod", "staging"]
    for account in config.accounts.values():
        assert str(account.ledger_target).startswith("postgresql://")
        assert (account.unit_price, account.currency) == (Decimal("0.05"), "USD")
        assert account.monthly_budget is not None
    assert dict(config.accounts["prod"].budgets) == {"api_hair_style": Decimal(800)}
