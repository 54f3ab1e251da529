"""The one client factory (``open_client``) and the one 401 line (``refused``).

A command reads the service with the credentials ``_credentials`` finds, or the in-process mock
with ``--demo``; pacing is shared by every youcam-units process on the machine.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from youcam_units._cli._accounts import account_base_url, account_token_pacing
from youcam_units._cli._credentials import _read_api_key, _read_token, account_credentials
from youcam_units._cli._runtime import CliError, Runtime
from youcam_units._cli._terminal import WaitNotice, _stderr_console
from youcam_units._config import ENV_ACCESS_TOKEN, ENV_API_KEY, ENV_PACING_FILE, ENV_TOKEN_PACING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import httpx

    from youcam_units import AuthenticationError, Client, PacingFileError, TokenPacingError


_NO_PACING_FILE: Final = "none"
DEMO_BASE_URL: Final = "http://127.0.0.1"
"""The in-process mock answers every URL; a loopback one keeps the facade's http check happy."""


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


def default_token_pacing() -> str | None:
    """Where the token's budget is shared across hosts, if anywhere.

    ``YOUCAM_UNITS_TOKEN_PACING``, else the account's ``token_pacing``, else nowhere: the
    host's pacing file alone.
    """
    chosen = os.environ.get(ENV_TOKEN_PACING, "").strip()
    if chosen.lower() == _NO_PACING_FILE:
        return None
    return chosen or account_token_pacing()


def _pacing_error(exc: PacingFileError | TokenPacingError) -> CliError:
    """A pacing budget the CLI cannot use, worded with the variable that chose it."""
    from youcam_units import PacingFileError  # noqa: PLC0415 - keeps `--help` fast

    if isinstance(exc, PacingFileError):
        return _pacing_file_error(exc)
    return _token_pacing_error(exc)


def _token_pacing_error(exc: TokenPacingError) -> CliError:
    """The library's way out is ``token_pacing=None``; the CLI user's is the variable."""
    if exc.problem == exc.message:  # no way out to replace (the extra is missing)
        return CliError(exc.message)
    return CliError(
        f"{exc.problem}; fix the URL ({ENV_TOKEN_PACING} or the account's token_pacing), or set "
        f"{ENV_TOKEN_PACING} to {_NO_PACING_FILE} to share no budget across hosts"
    )


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
    api_key_file: Path | None = None


CredentialWanted = Literal["access token", "any", "API key"]
"""What a command sends: ``access token`` (history, sync: the API key may stand in), ``any``
(balance and the status: either), ``API key`` (feature costs take nothing else)."""


@contextmanager
def open_client(
    source: _Source,
    runtime: Runtime,
    *,
    wants: CredentialWanted = "access token",
    notice: WaitNotice | None = None,
) -> Iterator[Client]:
    """The one way a command gets a ``Client``: its credentials checked before any request.

    A 401 from the service, at any request while the client is open, is re-raised with the
    line that names the credential refused and where it came from (``refused``).
    """
    from youcam_units import AuthenticationError  # noqa: PLC0415 - keeps `--help` fast

    token: str | None = None
    key: str | None = None
    key_source = token_source = "the demo"  # noqa: S105 - where a credential came from
    if not source.demo:
        token, token_source, key, key_source = _credentials(source, wants=wants)
    transport, arguments = _client_arguments(
        source,
        runtime,
        notice,
        access_token=token,
        api_key=key,
        demo_api_key=wants != "access token",
    )
    import httpx  # noqa: PLC0415

    from youcam_units import Client, PacingFileError, TokenPacingError  # noqa: PLC0415

    http = None if transport is None else httpx.Client(transport=transport)
    try:
        try:
            client = Client(http_client=http, **arguments)
        except (PacingFileError, TokenPacingError) as exc:
            raise _pacing_error(exc) from None
        except (TypeError, ValueError) as exc:  # a refused base URL or credential; never echoed
            raise CliError(str(exc)) from None
        with client:
            try:
                yield client
            except AuthenticationError as exc:
                exc.refusal = refused(exc, key_source=key_source, token_source=token_source)  # type: ignore[attr-defined]
                raise
            except (PacingFileError, TokenPacingError) as exc:  # broke mid-run: locked, corrupt
                raise _pacing_error(exc) from None
    finally:
        if http is not None:
            http.close()


def _credentials(
    source: _Source, *, wants: CredentialWanted
) -> tuple[str | None, str, str | None, str]:
    """The access token and the API key, each with where it came from ("" when not given)."""
    found = _read_api_key(source.api_key_file)
    key, key_source = found if found is not None else (None, "")
    token: str | None = None
    token_source = ""
    from_account = account_credentials()
    has_token = (
        os.environ.get(ENV_ACCESS_TOKEN, "").strip()
        if from_account is None
        else from_account[0] is not None
    )
    if source.token_file is not None or has_token or (wants == "access token" and key is None):
        token, token_source = _read_token(source.token_file)  # with none: one line saying so
    if wants == "API key" and key is None:
        raise CliError(
            f"feature costs need the API key (the access token is not accepted): set "
            f"{ENV_API_KEY} or pass --api-key-file PATH (or try --demo)"
        )
    if key is None and token is None:
        raise CliError(
            f"no credential: set {ENV_API_KEY} (or {ENV_ACCESS_TOKEN}), or pass --api-key-file "
            "PATH (or --token-file PATH); or try --demo, which needs none"
        )
    return token, token_source, key, key_source


def _client_arguments(
    source: _Source,
    runtime: Runtime,
    notice: WaitNotice | None,
    *,
    access_token: str | None,
    api_key: str | None,
    demo_api_key: bool,
) -> tuple[httpx.BaseTransport | None, dict[str, Any]]:
    """The transport and ``Client`` arguments: the demo's mock, or the service paced and shown.

    Against the service, pacing is shared by every youcam-units process on the machine (the
    limit belongs to the token and the IP), and waits are shown through ``notice``.
    """
    options = dict(runtime.client_options)
    if source.demo:
        from youcam_units.mock import DEFAULT_API_KEY, DEFAULT_TOKEN, MockService  # noqa: PLC0415

        service = runtime.demo_service or MockService(seed=source.seed, entries=source.entries)
        options.setdefault("rate_limit", None)  # the in-process mock has no limit to respect
        demo_key = DEFAULT_API_KEY if demo_api_key else None
        credentials = {"access_token": DEFAULT_TOKEN, "api_key": demo_key}
        return service.transport(), {**credentials, "base_url": DEMO_BASE_URL, **options}
    if options.get("rate_limit", True) is not None:
        options.setdefault("pacing_file", default_pacing_path())
        token_pacing = default_token_pacing()
        if token_pacing is not None:
            options.setdefault("token_pacing", token_pacing)
    if notice is not None:
        options.setdefault("on_wait", notice.pacing)
        options.setdefault("on_retry", notice.retry)
    else:  # a command without a progress line (balance, costs): a long wait still shows
        options.setdefault("on_wait", WaitNotice(_stderr_console()).pacing)
    base_url = source.base_url or account_base_url()
    credentials = {"access_token": access_token, "api_key": api_key}
    return runtime.transport, {**credentials, "base_url": base_url, **options}


def refused(exc: AuthenticationError, *, key_source: str, token_source: str) -> str:
    """The 401 line: which credential was refused, where it came from, and what to do.

    An error code ending in ``ApiKey`` names the API key; with only an access token sent, that
    means the operation wants the API key (or the token stands for a key the service no longer
    accepts).
    """
    code = f" {exc.error_code}" if exc.error_code else ""
    request = f" (request id {exc.request_id})" if exc.request_id else ""
    names_key = (exc.error_code or "").endswith("ApiKey")
    if token_source and (not names_key or not key_source):
        if names_key:
            return (
                f"the service refused the request (HTTP 401{code}): it asks for a valid API key, "
                f"and only the access token from {token_source} was sent; set {ENV_API_KEY} or "
                f"pass --api-key-file PATH (or check the access token in {token_source})" + request
            )
        where = token_source
        what = "access token"
    else:
        where = key_source or ENV_API_KEY
        what = "API key"
    return (
        f"the service refused the {what} from {where} (HTTP 401{code}): it is wrong, "
        f"inactive or expired; put a fresh one in {where}" + request
    )
