"""What an account of the config file sets for the money and budget options, when it is in use.

An account's ``unit_price``/``currency`` and ``monthly_budget``/``budgets`` are the defaults of
``--unit-price``/``--currency`` and ``--monthly-budget``/``--budget``. Resolved here, once, where
those options become a ``UnitPrice`` and ``Budgets`` (``_money_options.unit_price`` and
``StatusQuery``), so no command repeats it. Precedence, per option:

1. the option given for this run (``--budget`` given at all replaces the file's per-action
   budgets; ``--unit-price`` without ``--currency`` takes the account's currency);
2. the setting of the account in use (``--account``, ``YOUCAM_UNITS_ACCOUNT``, the file's
   ``default_account``; with ``--account all``, each account's own while it is read);
3. nothing: no money, no budget.

With ``--demo`` no account is in use (its data is the mock's), so none of its settings apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from youcam_units._cli import _accounts

if TYPE_CHECKING:
    from collections.abc import Mapping
    from decimal import Decimal

    from youcam_units._accounts import Account

__all__ = ["account_budgets", "account_price", "given"]


def given(name: str) -> bool:
    """Whether option ``name`` was given for this run (command line or its variable)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return True  # called outside a command (a test, the library): the value is the caller's
    source = ctx.get_parameter_source(name)
    return source in {ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT}


def account_in_use() -> Account | None:
    """The account whose settings apply now.

    ``None`` without one, with ``--demo``, or before ``--account all`` picks each in turn.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.params.get("demo"):
        return None
    if _accounts.wants_all_accounts() and not _accounts.picked():
        return None
    return _accounts.current_account()


def account_price(price: str | None, currency: str) -> tuple[str | None, str]:
    """``--unit-price``/``--currency`` with the account's price and currency filled in.

    A ``--currency`` given alone that is not the account's is refused: it would relabel the
    account's price as another currency's.
    """
    account = account_in_use()
    if account is None or account.unit_price is None or account.currency is None:
        return price, currency
    if given("unit_price"):
        return price, currency if given("currency") else account.currency
    if given("currency") and currency.strip().upper() != account.currency:
        raise click.BadParameter(
            f"{currency} is not the currency of the unit_price of account {account.name!r} "
            f"({account.currency}): give --unit-price too, or drop --currency",
            param_hint="'--currency'",
        )
    return str(account.unit_price), account.currency


def account_budgets(
    monthly: Decimal | None, per_action: Mapping[str, Decimal]
) -> tuple[Decimal | None, Mapping[str, Decimal]]:
    """``--monthly-budget``/``--budget``, the account's budgets filled in (each option whole)."""
    account = account_in_use()
    if account is None:
        return monthly, per_action
    if not given("monthly_budget"):
        monthly = account.monthly_budget
    if not given("action_budgets"):
        per_action = dict(account.budgets)
    return monthly, per_action
