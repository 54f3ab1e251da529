"""The credentials: the access token and the API key, each from its file or its variable.

Every credential file (``--token-file``, ``--api-key-file``, an account's ``_file``) is read by
the library's one reader (``_credential_file``): a plain file of at most 64 KiB, never a FIFO or
a device; here it gets ssh's warning when others can read it. An account in use (``--account``)
supplies the credentials instead of the variables.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Final

import click

from youcam_units._cli._accounts import current_account
from youcam_units._cli._runtime import (
    PROG,
    CliError,
)
from youcam_units._cli._text import printable
from youcam_units._config import ENV_ACCESS_TOKEN, ENV_API_KEY

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from youcam_units._accounts import Account, CredentialSource

AccountCredentials = tuple[tuple[str, str] | None, tuple[str, str] | None]
"""An account's (access token, where from) and (API key, where from); None where it names none."""
_READ_KEY: Final = "youcam_units.account_credentials"
"""Each account's credentials as this command read them (in click's context): read once."""


def _read_token(token_file: Path | None) -> tuple[str, str]:
    """The access token and where it came from: ``--token-file``, the account, the variable.

    Else the API key, which the service takes for every operation. Checked here, so a bad token
    is refused before any request, in a line naming its real source.
    """
    if token_file is not None:
        source = f"--token-file {token_file}"
        return _read_file(token_file, source, kind="access token"), source
    from_account = account_credentials()
    if from_account is not None:
        token, key = from_account
        found = token or key  # the API key stands in for the token, as below
        assert found is not None  # noqa: S101 - account_credentials refuses an account with none
        return found
    if os.environ.get(ENV_ACCESS_TOKEN, "").strip():
        return _from_variable(ENV_ACCESS_TOKEN, "access token")
    if os.environ.get(ENV_API_KEY, "").strip():
        # The API key is accepted by every operation: it stands in for a missing access token.
        return _from_variable(ENV_API_KEY, "API key")
    raise CliError(
        f"no access token: set {ENV_ACCESS_TOKEN} (or {ENV_API_KEY}) or pass --token-file "
        "PATH (or --api-key-file PATH, or try --demo, which needs none)"
    )


def _from_variable(name: str, kind: str) -> tuple[str, str]:
    """The credential in the variable ``name``, checked, and ``name`` as where it came from."""
    from youcam_units._access_token import normalize_token  # noqa: PLC0415 - keeps `--help` fast

    try:
        return normalize_token(os.environ[name], source=name, kind=kind), name
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _read_file(path: Path, source: str, *, kind: str) -> str:
    """The credential in a file, checked (``_credential_file``): a ``CliError`` line if none.

    A file other users can read is used, with ssh's warning and the fix.
    """
    from youcam_units._credential_file import read_credential_file  # noqa: PLC0415

    try:
        return read_credential_file(
            path, source=source, kind=kind, on_readable_by_others=_warning(source, path)
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _warning(source: str, path: Path | str) -> Callable[[int], None]:
    """What warns that others can read the credential file ``source`` names."""

    def warn(mode: int) -> None:
        click.echo(
            printable(
                f"{PROG}: warning: {source} can be read by other users (mode {mode:04o}); "
                f"restrict it with: chmod 600 {path}"
            ),
            err=True,
        )

    return warn


def _read_api_key(api_key_file: Path | None) -> tuple[str, str] | None:
    """The API key and where it came from, or ``None`` when neither source gives one."""
    if api_key_file is not None:
        source = f"--api-key-file {api_key_file}"
        return _read_file(api_key_file, source, kind="API key"), source
    from_account = account_credentials()
    if from_account is not None:
        return from_account[1]
    if not os.environ.get(ENV_API_KEY, "").strip():
        return None
    return _from_variable(ENV_API_KEY, "API key")


def account_credentials() -> AccountCredentials | None:
    """The account's (token, source) and (API key, source), each None when it names none.

    ``None`` altogether when no account is in use: the environment's credentials apply. An
    account's credential file is read as ``--token-file`` is, with the same warning.
    """
    account = current_account()
    if account is None:
        return None
    # Asked for by the token's reader, then the key's: the files are read (and warned of) once.
    ctx = click.get_current_context(silent=True)
    read: dict[str, AccountCredentials] = {} if ctx is None else ctx.meta.setdefault(_READ_KEY, {})
    if account.name not in read:
        read[account.name] = _read_account_credentials(account)
    return read[account.name]


def _read_account_credentials(account: Account) -> AccountCredentials:
    token = _account_credential(account, account.access_token, "access token")
    key = _account_credential(account, account.api_key, "API key")
    if token is None and key is None:
        raise CliError(
            f"account {account.name!r} in {account.config_path} names no credential: add "
            "access_token_env (or _file) or api_key_env (or _file) to it"
        )
    return token, key


def _account_credential(
    account: Account, source: CredentialSource | None, kind: str
) -> tuple[str, str] | None:
    """One credential of the account and where it came from, or None when it names none."""
    from youcam_units._accounts import ConfigError  # noqa: PLC0415 - keeps `--help` fast

    if source is None:
        return None
    where = f"{source.describe()} (account {account.name!r})"
    label = f"{source.describe()} (the {kind} of account {account.name!r})"
    try:
        token = source.read(
            what=kind, account=account.name, on_readable_by_others=_warning(label, source.name)
        )
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    return token, where
