"""Accounts in a config file: each names its credentials' sources, its service and its ledger.

One TOML file (``config.toml`` in the user config dir of ``youcam-units``, or the file
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
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from ._config import ENV_ACCOUNT, ENV_CONFIG
from ._redact import redact_url

if TYPE_CHECKING:
    from collections.abc import Mapping

    from youcam_units._async_client import AsyncClient
    from youcam_units._client import Client
    from youcam_units.ledger import Ledger, PostgresLedger

__all__ = [
    "Account",
    "AccountsConfig",
    "ConfigError",
    "CredentialSource",
    "default_config_path",
    "load_config",
]

ALL_ACCOUNTS: Final = "all"
"""Reserved: ``--account all`` means every account, so no account may be called that."""

MAX_CREDENTIAL_BYTES: Final = 64 * 1024
"""A credential file is a line; a bigger one is the wrong file, and is not read whole."""
_APP: Final = "youcam-units"
_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_ENV_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CURRENCY: Final = re.compile(r"[A-Z]{3}")
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


class ConfigError(ValueError):
    """The config file is missing, unreadable or wrong: one line naming the key and the file."""


@dataclass(frozen=True, slots=True)
class CredentialSource:
    """Where a credential is read from: an environment variable or a file, by name only."""

    kind: Literal["env", "file"]
    name: str
    """The variable's name, or the file's path (``~`` expanded, relative to the config file)."""

    def describe(self) -> str:
        """``$NAME`` or the path: how messages and ``accounts`` name it."""
        return f"${self.name}" if self.kind == "env" else self.name

    def present(self) -> bool:
        """Whether the variable is set (not blank) or the file exists: nothing is read."""
        if self.kind == "env":
            return bool(os.environ.get(self.name, "").strip())
        return Path(self.name).is_file()

    def read(self, *, what: str, account: str) -> str:
        """The bare credential; ``ConfigError`` naming the variable or file when it has none."""
        from youcam_units._access_token import normalize_token  # noqa: PLC0415 - small, but not needed

        source = f"{self.describe()} (the {what} of account {account!r})"
        if self.kind == "env":
            raw = os.environ.get(self.name, "")
            if not raw.strip():
                raise ConfigError(f"{source} is not set: set it, or change the account's config")
            kind = "API key" if what == "API key" else "access token"
            try:
                return normalize_token(raw, source=source, kind=kind)
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
        path = Path(self.name)
        if not path.is_file():
            raise ConfigError(f"{source} does not exist: create it, or change the account's config")
        try:
            with path.open("rb") as file:
                data = file.read(MAX_CREDENTIAL_BYTES + 1)
            raw = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read {source}: {exc.__class__.__name__}") from None
        if len(data) > MAX_CREDENTIAL_BYTES:
            raise ConfigError(
                f"{source} is over {MAX_CREDENTIAL_BYTES // 1024} KiB: it should hold the {what} "
                "alone; is it the right file?"
            )
        kind = "API key" if what == "API key" else "access token"
        try:
            return normalize_token(raw, source=source, kind=kind)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None


@dataclass(frozen=True, slots=True)
class Account:
    """One account of the config file: where its credentials are, its service and its ledger.

    ``unit_price``/``currency`` turn units into money, ``monthly_budget``/``budgets`` (per
    action) bound a calendar month's spend; all are exact and optional.
    """

    name: str
    config_path: Path
    access_token: CredentialSource | None = None
    api_key: CredentialSource | None = None
    base_url: str | None = None
    db: str | None = field(default=None, repr=False)
    """As written: a path (``~`` expanded, relative to the config file) or a database URL; kept
    out of ``repr`` (a URL may hold a password): ``display_db()`` shows it redacted."""
    token_pacing: str | None = field(default=None, repr=False)
    """A ``postgresql://`` URL where the token's pacing budget is shared across hosts (see
    ``Client(token_pacing=...)``); out of ``repr``, as ``db`` is."""
    unit_price: Decimal | None = None
    currency: str | None = None
    monthly_budget: Decimal | None = None
    budgets: Mapping[str, Decimal] = field(default_factory=dict)

    def read_access_token(self) -> str | None:
        """The access token from its source, or ``None`` when the account names none."""
        return (
            None
            if self.access_token is None
            else self.access_token.read(what="access token", account=self.name)
        )

    def read_api_key(self) -> str | None:
        """The API key from its source, or ``None`` when the account names none."""
        return (
            None if self.api_key is None else self.api_key.read(what="API key", account=self.name)
        )

    @property
    def ledger_target(self) -> Path | str:
        """Where the account's ledger is: a SQLite file's path, or a database URL (as written).

        Without ``db``, ``accounts/<name>.sqlite3`` in the user data dir: each account has its
        own ledger, since a ledger holds one account's history.
        """
        if self.db is None:
            return default_ledger_dir() / f"{self.name}.sqlite3"
        if is_database_url(self.db):
            return self.db
        return _relative_to(self.db, self.config_path)

    def display_db(self) -> str:
        """The ledger's location with any password in a URL replaced by ``***``."""
        target = self.ledger_target
        return redact_url(target) if isinstance(target, str) else str(target)

    def client(self, **options: Any) -> Client:  # noqa: ANN401 - Client's own keyword arguments
        """A ``Client`` for this account: its credentials and base URL; ``options`` go to Client."""
        from youcam_units._client import Client  # noqa: PLC0415

        return Client(
            self.read_access_token(),
            api_key=self.read_api_key(),
            **{**self._client_defaults(), **options},
        )

    def async_client(self, **options: Any) -> AsyncClient:  # noqa: ANN401 - as for client()
        """An ``AsyncClient`` for this account, as :meth:`client` builds a ``Client``."""
        from youcam_units._async_client import AsyncClient  # noqa: PLC0415

        return AsyncClient(
            self.read_access_token(),
            api_key=self.read_api_key(),
            **{**self._client_defaults(), **options},
        )

    def _client_defaults(self) -> dict[str, Any]:
        """What the account sets for its clients: its service, and where its token paces."""
        defaults: dict[str, Any] = {"base_url": self.base_url}
        if self.token_pacing is not None:
            defaults["token_pacing"] = self.token_pacing
        return defaults

    def open_ledger(self, *, read_only: bool = False) -> Ledger | PostgresLedger:
        """The account's ledger, opened (a context manager, as ``Ledger`` is)."""
        return open_ledger(self.ledger_target, read_only=read_only)


@dataclass(frozen=True, slots=True)
class AccountsConfig:
    """The accounts of one config file (none when there is no file), and which is the default."""

    path: Path
    accounts: Mapping[str, Account] = field(default_factory=dict)
    default_account: str | None = None
    exists: bool = False

    def account(self, name: str | None = None) -> Account | None:
        """``name``, else ``YOUCAM_UNITS_ACCOUNT``, else the default; ``None`` when none is set.

        An unknown name is a ``ConfigError`` listing the known ones.
        """
        name = name or os.environ.get(ENV_ACCOUNT, "").strip() or self.default_account
        if name is None:
            return None
        if name not in self.accounts:
            raise ConfigError(self.unknown(name))
        return self.accounts[name]

    def unknown(self, name: str) -> str:
        """The message for an account name the file does not define."""
        if not self.exists:
            return (
                f"account {name!r} is not defined: there is no config file at {self.path} "
                f"(or set {ENV_CONFIG})"
            )
        known = ", ".join(sorted(self.accounts)) or "none"
        close = difflib.get_close_matches(name, sorted(self.accounts), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"account {name!r} is not defined in {self.path}{hint}; known accounts: {known}"


def default_config_path() -> Path:
    """``YOUCAM_UNITS_CONFIG``, else ``config.toml`` in the user config dir (platformdirs)."""
    named = os.environ.get(ENV_CONFIG, "").strip()
    if named:
        return Path(named).expanduser()
    return Path(_platformdirs().user_config_dir(_APP, appauthor=False)) / "config.toml"


def default_ledger_dir() -> Path:
    """Where accounts without ``db`` keep their SQLite ledgers (the user data dir)."""
    return Path(_platformdirs().user_data_dir(_APP, appauthor=False)) / "accounts"


def _platformdirs() -> Any:  # noqa: ANN401 - the module
    try:
        import platformdirs  # noqa: PLC0415 - the cli extra's; only for the default locations
    except ModuleNotFoundError:
        raise ConfigError(
            f"finding the config file needs platformdirs: pip install 'youcam-units[cli]', or "
            f"set {ENV_CONFIG} to its path"
        ) from None
    return platformdirs


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
    if currency is not None and not _CURRENCY.fullmatch(currency):
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
    if url is not None and not url.strip().lower().startswith(("postgresql://", "postgres://")):
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
        return CredentialSource("file", str(_relative_to(file, where)))
    return None


def _amount(table: dict[str, Any], key: str, prefix: str, where: Path) -> Decimal | None:
    value = table.get(key)
    return None if value is None else _number(value, f"{prefix}.{key}", where)


def _optional_budget(value: object, key: str, where: Path) -> Decimal | None:
    return None if value is None else _budget(value, key, where)


def _budget(value: object, key: str, where: Path) -> Decimal:
    """Above 0, as ``--monthly-budget`` is: a budget's use is spent / budget."""
    number = _number(value, key, where)
    if number == 0:
        raise ConfigError(f"{where}: {key} must be above 0 (units per month; drop it for none)")
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
    from youcam_units._config import resolve_base_url  # noqa: PLC0415 - imports httpx

    try:
        resolve_base_url(url, None)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _relative_to(value: str, config_path: Path) -> Path:
    """``~`` expanded; a relative path is taken from the config file's directory."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else config_path.parent / path


def is_database_url(target: str) -> bool:
    """Whether a ledger location is a database URL (``postgresql://...``) rather than a path."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", target) is not None


def open_ledger(target: Path | str, *, read_only: bool = False) -> Ledger | PostgresLedger:
    """Open the ledger at ``target``: a SQLite file's path, or a ``postgresql://`` URL."""
    from youcam_units.ledger import open_ledger as open_any  # noqa: PLC0415

    return open_any(target, read_only=read_only)
