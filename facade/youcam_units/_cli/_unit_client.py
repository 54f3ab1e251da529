"""What the unit-system commands share: the API key's sources and a client holding both credentials.

The API key comes from ``YOUCAM_API_KEY`` or ``--api-key-file``, never from the command line.
Feature cost takes only the API key; the balance and the history take the access token when one
is given, else the API key.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from youcam_units._cli._accounts import account_credentials
from youcam_units._cli._options import FilePath, _source_options
from youcam_units._cli._runtime import (
    ENV_TOKEN,
    EXIT_BELOW_THRESHOLD,
    CliError,
    Runtime,
)
from youcam_units._cli._sources import _client_session, _read_token, _Source, read_credential_file
from youcam_units._defaults import ENV_API_KEY

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime
    from pathlib import Path

    from youcam_units import AuthenticationError, Client
    from youcam_units._cli._terminal import WaitNotice


__all__ = ["EXIT_BELOW_THRESHOLD"]

_api_key_file_option = click.option(
    "--api-key-file",
    type=FilePath(exists=True),
    help=f"File holding the API key (default: the {ENV_API_KEY} variable).",
)


def _read_api_key(api_key_file: Path | None) -> tuple[str, str] | None:
    """The API key and where it came from, or ``None`` when neither source gives one."""
    from youcam_units._config import normalize_token  # noqa: PLC0415 - keeps `--help` fast

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


@contextmanager
def _unit_client(
    source: _Source,
    runtime: Runtime,
    api_key_file: Path | None,
    *,
    needs_key: bool,
    notice: WaitNotice | None = None,
) -> Iterator[Client]:
    """A ``Client`` holding the API key and/or access token; refuses before any request.

    ``needs_key``: the command reads feature costs, which only the API key may.
    """
    from youcam_units import AuthenticationError  # noqa: PLC0415 - keeps `--help` fast

    token: str | None = None
    key: str | None = None
    key_source = token_source = "the demo"  # noqa: S105 - where a credential came from
    if not source.demo:
        token_source = ""
        found = _read_api_key(api_key_file)
        key, key_source = found if found is not None else (None, "")
        from_account = account_credentials()
        has_token = (
            os.environ.get(ENV_TOKEN, "").strip()
            if from_account is None
            else from_account[0] is not None
        )
        if source.token_file is not None or has_token:
            token, token_source = _read_token(source.token_file)
        if needs_key and key is None:
            raise CliError(
                f"feature costs need the API key (the access token is not accepted): set "
                f"{ENV_API_KEY} or pass --api-key-file PATH (or try --demo)"
            )
        if key is None and token is None:
            raise CliError(
                f"no credential: set {ENV_API_KEY} (or {ENV_TOKEN}), or pass --api-key-file "
                "PATH (or --token-file PATH); or try --demo, which needs none"
            )
    with _client_session(
        source, runtime, notice, access_token=token, api_key=key, demo_api_key=True
    ) as client:
        try:
            yield client
        except AuthenticationError as exc:
            raise CliError(
                _refused(exc, key_source=key_source, token_source=token_source)
            ) from None


def _refused(exc: AuthenticationError, *, key_source: str, token_source: str) -> str:
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
        f"inactive or expired; put a valid one in {where}" + request
    )


def _service_options(func: Any) -> Any:  # noqa: ANN401 - click's decorated callables
    """The history commands' source options, plus ``--api-key-file``."""
    return _api_key_file_option(_source_options(func))


def _iso(when: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as every export writes times."""
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
