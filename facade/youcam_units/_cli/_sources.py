"""Where a command's history comes from: the service with a token (file or variable) or the demo.

One credential-file reader (``read_credential_file``), one client factory (``open_client``).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import click

from youcam_units._cli._accounts import (
    account_base_url,
    account_credentials,
)
from youcam_units._cli._runtime import (
    DEMO_BASE_URL,
    ENV_TOKEN,
    PROG,
    CliError,
    Runtime,
)
from youcam_units._cli._terminal import WaitNotice, _stderr_console
from youcam_units._cli._text import printable

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import httpx

    from youcam_units import Client, PacingFileError


def _read_token(token_file: Path | None) -> tuple[str, str]:
    """The access token and where it came from: ``--token-file``, else the variable, else the key.

    With neither, ``YOUCAM_API_KEY`` is used: the service takes the API key for every operation.

    The token is checked here, so a bad one is refused before any request with a message that
    names its real source; a token file others can read gets a warning, as ssh gives for keys.
    An account in use (``--account``) supplies them instead of the variables.
    """
    from youcam_units._config import normalize_token  # noqa: PLC0415 - keeps `--help` fast

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
    from youcam_units._config import ENV_API_KEY  # noqa: PLC0415

    source = ENV_TOKEN
    raw = os.environ.get(ENV_TOKEN, "")
    kind = "access token"
    if not raw.strip() and os.environ.get(ENV_API_KEY, "").strip():
        # The API key is accepted by every operation: it stands in for a missing access token.
        source, raw, kind = ENV_API_KEY, os.environ[ENV_API_KEY], "API key"
    if not raw.strip():
        raise CliError(
            f"no access token: set {ENV_TOKEN} (or {ENV_API_KEY}) or pass --token-file PATH (or "
            "try --demo, which needs none)"
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


ENV_PACING_FILE: Final = "YOUCAM_UNITS_PACING_FILE"
"""The pacing file to share (default: in the user cache dir); ``none``: this process alone."""
_NO_PACING_FILE: Final = "none"


def default_pacing_path() -> Path | None:
    """The pacing state every youcam-units process on this machine shares (user cache dir).

    ``YOUCAM_UNITS_PACING_FILE`` names another file, or ``none`` to pace each process alone
    (the way out when the cache dir is unwritable and no other file will do).
    """
    from pathlib import Path  # noqa: PLC0415 - keeps `--help` fast

    chosen = os.environ.get(ENV_PACING_FILE, "").strip()
    if chosen.lower() == _NO_PACING_FILE:
        return None
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_cache_dir("youcam-units", appauthor=False)) / "pacing.sqlite3"


def _pacing_file_error(exc: PacingFileError) -> CliError:
    """The library names ``pacing_file=``; the CLI user's way out is the variable."""
    return CliError(
        f"the pacing file {exc.path} {exc.reason}; set {ENV_PACING_FILE} to another file, or to "
        f"{_NO_PACING_FILE} to pace this process alone"
    )


@dataclass(frozen=True)
class _Source:
    """Where a command reads history from: the real service, or the mock with ``--demo``."""

    demo: bool
    token_file: Path | None
    base_url: str | None
    seed: int
    entries: int


@contextmanager
def _open_client(
    source: _Source, runtime: Runtime, notice: WaitNotice | None = None
) -> Iterator[Client]:
    """The facade's ``Client`` for ``source`` with the access token, closed on exit."""
    from youcam_units import AuthenticationError  # noqa: PLC0415 - keeps `--help` fast

    token, token_source = (None, "") if source.demo else _read_token(source.token_file)
    with _client_session(source, runtime, notice, access_token=token) as client:
        try:
            yield client
        except AuthenticationError as exc:
            exc.token_source = token_source or "the demo"  # type: ignore[attr-defined]
            raise


@contextmanager
def _client_session(
    source: _Source,
    runtime: Runtime,
    notice: WaitNotice | None,
    *,
    access_token: str | None,
    api_key: str | None = None,
    demo_api_key: bool = False,
) -> Iterator[Client]:
    """A ``Client`` with these credentials (the demo's own with ``--demo``), closed on exit.

    Against the service, pacing is shared by every youcam-units process on the machine (the
    limit belongs to the token and the IP), and waits are shown through ``notice``.
    """
    import httpx  # noqa: PLC0415 - keeps `--help` fast

    from youcam_units import Client, PacingFileError  # noqa: PLC0415

    options = dict(runtime.client_options)
    if source.demo:
        from youcam_units.mock import DEFAULT_API_KEY, DEFAULT_TOKEN, MockService  # noqa: PLC0415

        service = runtime.demo_service or MockService(seed=source.seed, entries=source.entries)
        access_token = DEFAULT_TOKEN
        api_key = DEFAULT_API_KEY if demo_api_key else None
        transport: httpx.BaseTransport | None = service.transport()
        base_url: str | None = DEMO_BASE_URL
        # The in-process mock has no rate limit to respect: no pacing.
        options.setdefault("rate_limit", None)
    else:
        transport = runtime.transport
        base_url = source.base_url or account_base_url()
        if options.get("rate_limit", True) is not None:
            options.setdefault("pacing_file", default_pacing_path())
        if notice is not None:
            options.setdefault("on_wait", notice.pacing)
            options.setdefault("on_retry", notice.retry)
        else:  # a command without a progress line (balance, costs): a long wait still shows
            options.setdefault("on_wait", WaitNotice(_stderr_console()).pacing)
    http = None if transport is None else httpx.Client(transport=transport)
    try:
        try:
            client = Client(
                access_token, api_key=api_key, base_url=base_url, http_client=http, **options
            )
        except PacingFileError as exc:
            raise _pacing_file_error(exc) from None
        except (TypeError, ValueError) as exc:  # a refused base URL or credential; never echoed
            raise CliError(str(exc)) from None
        with client:
            try:
                yield client
            except PacingFileError as exc:  # the file broke mid-run (locked, corrupt, replaced)
                raise _pacing_file_error(exc) from None
    finally:
        if http is not None:
            http.close()
