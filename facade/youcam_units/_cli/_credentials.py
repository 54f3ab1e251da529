"""The credentials: the access token and the API key, each from its file or its variable.

One reader for every credential file (``read_credential_file``): a plain file of at most 64 KiB,
never a FIFO or a device, with ssh's warning when others can read it. An account in use
(``--account``) supplies the credentials instead of the variables.
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
    from pathlib import Path

    from youcam_units._accounts import Account, CredentialSource


def _read_token(token_file: Path | None) -> tuple[str, str]:
    """The access token and where it came from: ``--token-file``, else the variable, else the key.

    With neither, ``YOUCAM_API_KEY`` is used: the service takes the API key for every operation.

    The token is checked here, so a bad one is refused before any request with a message that
    names its real source; a token file others can read gets a warning, as ssh gives for keys.
    An account in use (``--account``) supplies them instead of the variables.
    """
    from youcam_units._access_token import normalize_token  # noqa: PLC0415 - keeps `--help` fast

    if token_file is not None:
        source = f"--token-file {token_file}"
        raw = read_credential_file(token_file, source, kind="access token")
        try:
            return normalize_token(raw, source=source), source
        except ValueError as exc:
            raise CliError(str(exc)) from None
    from_account = account_credentials()
    if from_account is not None:
        token, key = from_account
        found = token or key  # the API key stands in for the token, as below
        assert found is not None  # noqa: S101 - account_credentials refuses an account with none
        return found
    source = ENV_ACCESS_TOKEN
    raw = os.environ.get(ENV_ACCESS_TOKEN, "")
    kind = "access token"
    if not raw.strip() and os.environ.get(ENV_API_KEY, "").strip():
        # The API key is accepted by every operation: it stands in for a missing access token.
        source, raw, kind = ENV_API_KEY, os.environ[ENV_API_KEY], "API key"
    if not raw.strip():
        raise CliError(
            f"no access token: set {ENV_ACCESS_TOKEN} (or {ENV_API_KEY}) or pass --token-file "
            "PATH (or --api-key-file PATH, or try --demo, which needs none)"
        )
    try:
        return normalize_token(raw, source=source, kind=kind), source
    except ValueError as exc:
        raise CliError(str(exc)) from None


CREDENTIAL_FILE_LIMIT: Final = 64 * 1024
"""The most a token or key file may hold: both are well under 1 KiB; a bigger file is a mistake
(a 20 MB one once cost 3 GB of memory to be refused)."""


def read_credential_file(path: Path, source: str, *, kind: str) -> str:
    """The text of a token or key file: a regular file of at most 64 KiB, or one line why.

    Opened without blocking and checked on the open descriptor, so a FIFO or a device never
    hangs the command and a file swapped after the check is still the one checked. A file
    other users can read gets a warning, as ssh gives for keys.
    """
    import stat  # noqa: PLC0415 - keeps `--help` fast

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror or type(exc).__name__}") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CliError(f"{source} is not a regular file: put the {kind} in a plain file")
        data = file.read(CREDENTIAL_FILE_LIMIT + 1)
    if len(data) > CREDENTIAL_FILE_LIMIT:
        raise CliError(
            f"{source} holds more than {CREDENTIAL_FILE_LIMIT // 1024} KiB, far more than an "
            f"{kind}: point it at the file with just the {kind}"
        )
    try:
        raw = data.decode("utf-8-sig")  # -sig: drop a BOM
    except UnicodeDecodeError:
        raise CliError(f"cannot read {source}: it is not UTF-8 text") from None
    if not raw.strip():
        raise CliError(f"{source} is empty: put the {kind} in it")
    mode = stat.S_IMODE(info.st_mode)
    if os.name == "posix" and mode & 0o077:
        option = source.partition(" ")[0]
        click.echo(
            printable(
                f"{PROG}: warning: {option} {path} can be read by other users (mode "
                f"{mode:04o}); restrict it with: chmod 600 {path}"
            ),
            err=True,
        )
    return raw


def _read_api_key(api_key_file: Path | None) -> tuple[str, str] | None:
    """The API key and where it came from, or ``None`` when neither source gives one."""
    from youcam_units._access_token import normalize_token  # noqa: PLC0415 - keeps `--help` fast

    from_account = None if api_key_file is not None else account_credentials()
    if from_account is not None:
        return from_account[1]
    if api_key_file is not None:
        source = f"--api-key-file {api_key_file}"
        raw = read_credential_file(api_key_file, source, kind="API key")
    else:
        source = ENV_API_KEY
        raw = os.environ.get(ENV_API_KEY, "")
        if not raw.strip():
            return None
    try:
        return normalize_token(raw, source=source, kind="API key"), source
    except ValueError as exc:
        raise CliError(str(exc)) from None


def account_credentials() -> tuple[tuple[str, str] | None, tuple[str, str] | None] | None:
    """The account's (token, source) and (API key, source), each None when it names none.

    ``None`` altogether when no account is in use: the environment's credentials apply. An
    account's credential file is read as ``--token-file`` is (``read_credential_file``).
    """
    account = current_account()
    if account is None:
        return None
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
    from pathlib import Path  # noqa: PLC0415 - keeps `--help` fast

    from youcam_units._access_token import normalize_token  # noqa: PLC0415
    from youcam_units._accounts import ConfigError  # noqa: PLC0415

    if source is None:
        return None
    where = f"{source.describe()} (account {account.name!r})"
    try:
        if source.kind == "env":
            return source.read(what=kind, account=account.name), where
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    path = Path(source.name)
    label = f"{source.describe()} (the {kind} of account {account.name!r})"
    if not path.exists():
        raise CliError(f"{label} does not exist: create it, or change the account's config")
    raw = read_credential_file(path, label, kind=kind)
    try:
        return normalize_token(raw, source=label, kind=kind), where
    except ValueError as exc:
        raise CliError(str(exc)) from None
