"""The command line's use of the accounts file: ``--account``, and what an account supplies.

Every command that reads the service or a ledger takes ``--account NAME`` (or
``YOUCAM_UNITS_ACCOUNT``; else the file's ``default_account``). The chosen account is kept in
click's context (``ctx.meta``) and read where the inputs are found (``_sources``, ``_options``,
``unit_price``, ``StatusQuery``), so no command repeats it. Precedence, per setting:

1. an option given for this run: ``--token-file``, ``--api-key-file``, ``--db``, ``--base-url``
   (and the variables of the last two, ``YOUCAM_UNITS_DB`` and ``YOUCAM_BASE_URL``),
   ``--unit-price``/``--currency`` and ``--monthly-budget``/``--budget`` (``--budget`` given at
   all replaces the file's per-action budgets; ``--unit-price`` alone takes the account's
   currency);
2. the account's setting (with ``--account all``, each account's own while it is read; with
   ``--demo``, whose data is the mock's, neither its money nor its budgets);
3. with no account: ``YOUCAM_ACCESS_TOKEN`` / ``YOUCAM_API_KEY``, the default ledger, no money
   and no budget.

The credentials of a chosen account beat ``YOUCAM_ACCESS_TOKEN``/``YOUCAM_API_KEY``: a token
left in the shell for one account is never sent on behalf of another.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

import click
from click.core import ParameterSource

from youcam_units._cli._runtime import PROG, CliError
from youcam_units._config import ALL_ACCOUNTS, ENV_ACCOUNT

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from decimal import Decimal

    from youcam_units._accounts import Account, AccountsConfig

__all__ = [
    "account_base_url",
    "account_budgets",
    "account_in_use",
    "account_option",
    "account_price",
    "account_token_pacing",
    "accounts_config",
    "current_account",
    "each_accounts_own",
    "given",
    "wants_all_accounts",
]

_NAME_KEY: Final = "youcam_units.account_name"
_ACCOUNT_KEY: Final = "youcam_units.account"
_CONFIG_KEY: Final = "youcam_units.accounts_config"


def _remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    ctx.meta[_NAME_KEY] = value.strip() if value and value.strip() else None
    return value


account_option = click.option(
    "--account",
    metavar="NAME",
    envvar=ENV_ACCOUNT,
    show_envvar=True,
    expose_value=False,
    callback=_remember,
    help="Use this account of the config file: its credentials, base URL and ledger.",
)
"""``--account NAME``: recorded in the context, read by ``current_account``."""


def accounts_config() -> AccountsConfig:
    """The accounts file, read once per command; a mistake in it is one line."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and _CONFIG_KEY in ctx.meta:
        config: AccountsConfig = ctx.meta[_CONFIG_KEY]
        return config
    from youcam_units._accounts import ConfigError  # noqa: PLC0415
    from youcam_units._accounts_file import load_config  # noqa: PLC0415

    try:
        config = load_config()
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    if ctx is not None:
        ctx.meta[_CONFIG_KEY] = config
    return config


def wants_all_accounts() -> bool:
    """``--account all``: the command is to run over every account."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.meta.get(_NAME_KEY) == ALL_ACCOUNTS


def picked() -> bool:
    """Whether an account is in use by name already (``using`` sets one for ``--account all``)."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and _ACCOUNT_KEY in ctx.meta


def current_account() -> Account | None:
    """The account this command uses: ``--account``, else the default; None without one."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return None
    if _ACCOUNT_KEY in ctx.meta:
        chosen: Account | None = ctx.meta[_ACCOUNT_KEY]
        return chosen
    name = ctx.meta.get(_NAME_KEY)
    if name == ALL_ACCOUNTS:
        raise CliError(
            f"--account {ALL_ACCOUNTS} is for sync (as --all), summary, status and metrics; "
            "name one account here"
        )
    from youcam_units._accounts import ConfigError  # noqa: PLC0415

    config = accounts_config()
    try:
        account = config.account(name)
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    ctx.meta[_ACCOUNT_KEY] = account
    return account


@contextmanager
def using(account: Account) -> Iterator[None]:
    """Run the body as if ``--account NAME`` had named ``account`` (``sync --all``'s loop)."""
    meta = click.get_current_context().meta
    before = meta.get(_ACCOUNT_KEY, _ACCOUNT_KEY)
    meta[_ACCOUNT_KEY] = account
    try:
        yield
    finally:
        if before == _ACCOUNT_KEY:
            meta.pop(_ACCOUNT_KEY, None)
        else:
            meta[_ACCOUNT_KEY] = before


def account_base_url() -> str | None:
    """The account's ``base_url``, when an account is in use and names one."""
    account = current_account()
    return None if account is None else account.base_url


def account_token_pacing() -> str | None:
    """The account's ``token_pacing`` URL, when an account is in use and names one."""
    account = current_account()
    return None if account is None else account.token_pacing


# -- the money and budget options' defaults -------------------------------------------------------


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
    if wants_all_accounts() and not picked():
        return None
    return current_account()


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


# -- every account at once ------------------------------------------------------------------------


def every_account(option: str) -> list[Account]:
    """The accounts of the file, in name order; one line when there are none."""
    config = accounts_config()
    if not config.accounts:
        where = f"in {config.path}" if config.exists else f"(no config file at {config.path})"
        raise CliError(f"{option}: no accounts are configured {where}")
    return [config.accounts[name] for name in sorted(config.accounts)]


ONE_ACCOUNT_OPTIONS: Final = ("db", "demo", "token_file", "api_key_file", "base_url")
"""Each account has its own: with --account all these would name one for all."""


def refuse_with_all(option: str) -> None:
    """Options that name one account's settings make no sense for every account at once."""
    ctx = click.get_current_context()
    for name in ONE_ACCOUNT_OPTIONS:
        if ctx.params.get(name) and ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            flag = "--" + name.replace("_", "-")
            raise click.UsageError(
                f"{flag} names one account's setting; it cannot go with {option}"
            )


def each_accounts_own(options: dict[str, Any]) -> dict[str, Any]:
    """A command's options for ``--account all``, without a ledger or service from a variable.

    ``YOUCAM_UNITS_DB`` and ``YOUCAM_BASE_URL`` name one account's settings, as ``--db`` and
    ``--base-url`` do (refused with every account): each account reads its own ledger and
    service, as ``sync --all`` and ``summary --account all`` do.
    """
    return {**options, "db": None, "source": replace(options["source"], base_url=None)}


def report_failure(name: str, error: click.ClickException) -> None:
    """One account's failure, in the command's one-line form; the loop goes on."""
    click.echo(f"{PROG}: error: account {name}: {error.format_message()}", err=True)
