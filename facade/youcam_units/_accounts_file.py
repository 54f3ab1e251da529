"""The accounts file: one TOML file of accounts, read and checked into an ``AccountsConfig``.

One file (``config.toml`` in the user config dir of ``youcam-units``, or the file
``YOUCAM_UNITS_CONFIG`` names), written by hand::

    default_account = "prod"

    [accounts.prod]
    access_token_env = "YOUCAM_PROD_TOKEN"   # or access_token_file = "~/.config/youcam/prod.token"
    api_key_env = "YOUCAM_PROD_KEY"          # or api_key_file = "..."
    base_url = "https://yce-api-01.makeupar.com"   # optional
    db = "~/ledgers/prod.sqlite3"            # optional; default: accounts/prod.sqlite3 (data dir)
    token_pacing = "postgresql://ledger@db.internal/youcam"   # optional: the token's budget,
                                             # shared by every host syncing this account
    unit_price = 0.05                        # optional, with currency
    currency = "USD"
    monthly_budget = 5000                    # optional, units per calendar month
    [accounts.prod.budgets]                  # optional, units per month per action
    api_photo_enhance = 1000

The file names where secrets are, never the secrets: a token or key written into it is refused.
Everything is checked when the file is read, and every mistake is ONE ``ConfigError`` line that
names the key and the file (and never a secret's value). Numbers are read as exact ``Decimal``.
The objects it gives (``Account``, ``CredentialSource``) are in ``_accounts``.
"""

from __future__ import annotations

import difflib
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from ._accounts import (
    Account,
    AccountsConfig,
    ConfigError,
    CredentialSource,
    default_config_path,
    relative_to,
)
from ._config import ALL_ACCOUNTS, ENV_CONFIG, POSTGRES_SCHEMES
from ._money import CURRENCY_CODE

__all__ = ["load_config"]

_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_ENV_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOP_KEYS: Final = ("default_account", "accounts")
_ACCOUNT_KEYS: Final = (
    "access_token_env",
    "access_token_file",
    "api_key_env",
    "api_key_file",
    "base_url",
    "db",
    "token_pacing",
    "unit_price",
    "currency",
    "monthly_budget",
    "budgets",
)
_SECRETS: Final = {
    "access_token": "access_token_env or access_token_file",
    "api_key": "api_key_env or api_key_file",
    "token": "access_token_env or access_token_file",
    "key": "api_key_env or api_key_file",
    "password": "a password file or the database's own (~/.pgpass)",
    "secret": "an _env or _file key",
}


def load_config(path: str | os.PathLike[str] | None = None) -> AccountsConfig:
    """Read and check the accounts file (``default_config_path()`` when ``path`` is None).

    No file at the default place is no accounts (everything comes from the environment, as
    without accounts); a file named by ``path`` or ``YOUCAM_UNITS_CONFIG`` must exist.
    """
    import tomllib  # noqa: PLC0415 - only when an account is asked for

    named = path is not None or bool(os.environ.get(ENV_CONFIG, "").strip())
    where = Path(path).expanduser() if path is not None else default_config_path()
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        if named:
            raise ConfigError(f"config file {where} does not exist") from None
        return AccountsConfig(path=where)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {where}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
        document = tomllib.loads(text, parse_float=Decimal)
    except UnicodeDecodeError:
        raise ConfigError(f"config file {where} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        # The message names a line and column, never the text there (a secret may be on it).
        raise ConfigError(f"config file {where} is not valid TOML: {exc}") from None
    return _parse(document, where)


def _parse(document: dict[str, Any], where: Path) -> AccountsConfig:
    _refuse_unknown(document, _TOP_KEYS, "", where)
    tables = document.get("accounts", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{where}: 'accounts' must be a table ([accounts.NAME] sections)")
    accounts = {name: _account(name, table, where) for name, table in tables.items()}
    default = document.get("default_account")
    if default is not None:
        if not isinstance(default, str):
            raise ConfigError(f"{where}: default_account must be a string (an account's name)")
        if default not in accounts:
            known = ", ".join(sorted(accounts)) or "none"
            raise ConfigError(
                f"{where}: default_account {default!r} is not an [accounts.NAME] table; "
                f"known accounts: {known}"
            )
    return AccountsConfig(path=where, accounts=accounts, default_account=default, exists=True)


def _account(name: str, table: object, where: Path) -> Account:
    prefix = f"accounts.{name}"
    if not _NAME.fullmatch(name) or name == ALL_ACCOUNTS:
        raise ConfigError(
            f"{where}: [{prefix}]: an account name is letters, digits, - and _ (at most 64), "
            f"and not {ALL_ACCOUNTS!r} (which means every account)"
        )
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: {prefix} must be a table ([{prefix}])")
    _refuse_unknown(table, _ACCOUNT_KEYS, f"{prefix}.", where)
    currency = _string(table, "currency", prefix, where)
    if currency is not None and not CURRENCY_CODE.fullmatch(currency):
        raise ConfigError(
            f"{where}: {prefix}.currency must be three capital letters (like USD or EUR)"
        )
    unit_price = _amount(table, "unit_price", prefix, where)
    if (unit_price is None) != (currency is None):
        raise ConfigError(f"{where}: {prefix}: unit_price and currency go together: give both")
    budgets = table.get("budgets", {})
    if not isinstance(budgets, dict):
        raise ConfigError(f"{where}: {prefix}.budgets must be a table of action = units")
    base_url = _string(table, "base_url", prefix, where)
    if base_url is not None:
        _check_base_url(base_url, f"{where}: {prefix}.base_url")
    return Account(
        name=name,
        config_path=where,
        access_token=_credential(table, "access_token", prefix, where),
        api_key=_credential(table, "api_key", prefix, where),
        base_url=base_url,
        db=_string(table, "db", prefix, where),
        token_pacing=_token_pacing(table, prefix, where),
        unit_price=unit_price,
        currency=currency,
        monthly_budget=_optional_budget(
            table.get("monthly_budget"), f"{prefix}.monthly_budget", where
        ),
        budgets={
            str(action): _budget(units, f"{prefix}.budgets.{action}", where)
            for action, units in budgets.items()
        },
    )


def _token_pacing(table: dict[str, Any], prefix: str, where: Path) -> str | None:
    url = _string(table, "token_pacing", prefix, where)
    if url is not None and not url.strip().lower().startswith(POSTGRES_SCHEMES):
        raise ConfigError(
            f"{where}: {prefix}.token_pacing must be a postgresql://user@host/database URL"
        )
    return url


def _refuse_unknown(
    table: dict[str, Any], known: tuple[str, ...], prefix: str, where: Path
) -> None:
    for key in table:
        if key in known:
            continue
        if key in _SECRETS or any(word in key.lower() for word in ("secret", "password")):
            instead = _SECRETS.get(key, "an _env or _file key")
            # Only the key: its value is a secret and is never echoed.
            raise ConfigError(
                f"{where}: {prefix}{key}: secrets do not belong in the config file; name where "
                f"it is instead with {instead}"
            )
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {prefix}{close[0]}?)" if close else ""
        raise ConfigError(f"{where}: unknown key {prefix}{key}{hint}; known: {', '.join(known)}")


def _string(table: dict[str, Any], key: str, prefix: str, where: Path) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {prefix}.{key} must be a non-empty string")
    return value.strip()


def _credential(
    table: dict[str, Any], what: str, prefix: str, where: Path
) -> CredentialSource | None:
    env = _string(table, f"{what}_env", prefix, where)
    file = _string(table, f"{what}_file", prefix, where)
    if env is not None and file is not None:
        raise ConfigError(
            f"{where}: {prefix}: give {what}_env or {what}_file, not both (which one is meant?)"
        )
    if env is not None:
        if not _ENV_NAME.fullmatch(env):
            raise ConfigError(
                f"{where}: {prefix}.{what}_env must be the NAME of an environment variable "
                "(letters, digits, _), not its value"
            )
        return CredentialSource("env", env)
    if file is not None:
        return CredentialSource("file", str(relative_to(file, where)))
    return None


def _amount(table: dict[str, Any], key: str, prefix: str, where: Path) -> Decimal | None:
    value = table.get(key)
    return None if value is None else _number(value, f"{prefix}.{key}", where)


def _optional_budget(value: object, key: str, where: Path) -> Decimal | None:
    return None if value is None else _budget(value, key, where)


def _budget(value: object, key: str, where: Path) -> Decimal:
    """Above 0, as ``--monthly-budget`` is: a budget's use is spent / budget."""
    above_zero = ConfigError(f"{where}: {key} must be above 0 (units per month; drop it for none)")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):  # "0 or more" allows 0
        raise ConfigError(f"{where}: {key} must be a number above 0 (units per month, like 5000)")
    try:
        number = _number(value, key, where)
    except ConfigError:  # below 0, not finite
        raise above_zero from None
    if number == 0:
        raise above_zero
    return number


def _number(value: object, key: str, where: Path) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ConfigError(f"{where}: {key} must be a number of 0 or more (like 0.05 or 5000)")
    number = Decimal(value)
    if not number.is_finite() or number < 0:
        raise ConfigError(f"{where}: {key} must be a finite number of 0 or more")
    return number


def _check_base_url(url: str, where: str) -> None:
    """The same check every client applies, made when the file is read."""
    from youcam_units._checks import resolve_base_url  # noqa: PLC0415 - imports httpx

    try:
        resolve_base_url(url, None)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
