"""Accounts: each names its credentials' sources, its service and its ledger.

``Account`` and ``AccountsConfig`` are what ``load_config`` (``_accounts_file``) gives; a
``CredentialSource`` names where a secret is (a variable or a file), never the secret, and reads
it only when asked. The default places of the file and of the ledgers are here too.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from ._config import ENV_ACCOUNT, ENV_CONFIG
from ._redact import redact_url

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from decimal import Decimal

    from youcam_units._async_client import AsyncClient
    from youcam_units._client import Client
    from youcam_units.ledger import Ledger, PostgresLedger

__all__ = [
    "Account",
    "AccountsConfig",
    "ConfigError",
    "CredentialSource",
    "default_config_path",
    "default_ledger_dir",
    "is_database_url",
    "relative_to",
]


_APP: Final = "youcam-units"


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

    def read(
        self,
        *,
        what: str,
        account: str,
        on_readable_by_others: Callable[[int], None] | None = None,
    ) -> str:
        """The bare credential; ``ConfigError`` naming the variable or file when it has none.

        A file is read as the CLI reads ``--token-file`` (``_credential_file``);
        ``on_readable_by_others`` gets its mode when other users can read it, to warn.
        """
        # Imported here: the accounts file is read without them when no credential is needed.
        from youcam_units._access_token import normalize_token  # noqa: PLC0415
        from youcam_units._credential_file import read_credential_file  # noqa: PLC0415

        source = f"{self.describe()} (the {what} of account {account!r})"
        kind = "API key" if what == "API key" else "access token"
        path = Path(self.name)
        if self.kind == "env" and not os.environ.get(self.name, "").strip():
            raise ConfigError(f"{source} is not set: set it, or change the account's config")
        if self.kind == "file" and not path.exists():
            raise ConfigError(f"{source} does not exist: create it, or change the account's config")
        try:
            if self.kind == "env":
                return normalize_token(os.environ[self.name], source=source, kind=kind)
            return read_credential_file(
                path, source=source, kind=kind, on_readable_by_others=on_readable_by_others
            )
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
        return relative_to(self.db, self.config_path)

    def display_db(self) -> str:
        """The ledger's location with any password in a URL replaced by ``***``."""
        target = self.ledger_target
        return redact_url(target) if isinstance(target, str) else str(target)

    def client(self, **options: Any) -> Client:  # noqa: ANN401 - Client's own keyword arguments
        """A ``Client`` for this account: its credentials and base URL; ``options`` go to Client."""
        from youcam_units._client import Client  # noqa: PLC0415

        token, key, settings = self._client_arguments(options)
        return Client(token, api_key=key, **settings)

    def async_client(self, **options: Any) -> AsyncClient:  # noqa: ANN401 - as for client()
        """An ``AsyncClient`` for this account, as :meth:`client` builds a ``Client``."""
        from youcam_units._async_client import AsyncClient  # noqa: PLC0415

        token, key, settings = self._client_arguments(options)
        return AsyncClient(token, api_key=key, **settings)

    def _client_arguments(
        self, options: dict[str, Any]
    ) -> tuple[str | None, str | None, dict[str, Any]]:
        """The credentials, and the account's base URL and token pacing under ``options``."""
        defaults: dict[str, Any] = {"base_url": self.base_url}
        if self.token_pacing is not None:
            defaults["token_pacing"] = self.token_pacing
        return self.read_access_token(), self.read_api_key(), {**defaults, **options}

    def open_ledger(self, *, read_only: bool = False) -> Ledger | PostgresLedger:
        """The account's ledger, opened (a context manager, as ``Ledger`` is)."""
        from youcam_units.ledger import open_ledger  # noqa: PLC0415 - only when a ledger is used

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


def relative_to(value: str, config_path: Path) -> Path:
    """``~`` expanded; a relative path is taken from the config file's directory."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else config_path.parent / path


def is_database_url(target: str) -> bool:
    """Whether a ledger location is a database URL (``postgresql://...``) rather than a path."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", target) is not None
