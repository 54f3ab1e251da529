"""``mock``: the mock service over HTTP, to try the command and the library without an account.

The one front end of ``ServerSettings``: ``python -m youcam_units.mock`` (and ``scripts/mock``)
run this command. The port is bound before the banner is printed, so the banner shows the real
port (``--port 0`` picks a free one) and a port in use is one line with the reason.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from youcam_units._cli._help import Command
from youcam_units._cli._options import stacked
from youcam_units._cli._runtime import PROG, CliError
from youcam_units._config import ENV_ACCESS_TOKEN, ENV_BASE_URL
from youcam_units.mock._defaults import (
    DEFAULT_ENTRIES,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_SEED,
    FAULT_KINDS,
)

if TYPE_CHECKING:
    from youcam_units.mock import ServerSettings

__all__ = ["mock", "mock_settings"]


def _rate_limit(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:  # noqa: ANN401 - a RateLimit
    """``--rate-limit REQUESTS/SECONDS`` (seconds default to 300)."""
    if value is None:
        return None
    from youcam_units.mock import RateLimit  # noqa: PLC0415 - not for --help

    requests, _, window = value.partition("/")
    try:
        return RateLimit(requests=int(requests), window=float(window or "300"))
    except ValueError:
        msg = f"{value!r} is not REQUESTS/SECONDS, like 250/300"
        raise click.BadParameter(msg) from None


_mock_options = stacked(
    click.option("--host", default=DEFAULT_HOST, show_default=True, help="Interface to bind."),
    click.option(
        "--port",
        type=click.IntRange(0, 65535),
        default=DEFAULT_PORT,
        show_default=True,
        help="Port to listen on; 0 picks a free one (the banner shows which).",
    ),
    click.option(
        "--entries",
        type=click.IntRange(min=0),
        default=DEFAULT_ENTRIES,
        show_default=True,
        help="How many history entries the mock holds.",
    ),
    click.option(
        "--seed", type=int, default=DEFAULT_SEED, show_default=True, help="The mock's data set."
    ),
    click.option(
        "--token",
        "tokens",
        multiple=True,
        metavar="TOKEN",
        help="An access token to accept, repeatable (default: the demo token the banner shows).",
    ),
    click.option(
        "--api-key",
        "api_keys",
        multiple=True,
        metavar="KEY",
        help="An API key to accept, repeatable (default: the mock's demo key).",
    ),
    click.option("--token-ttl", type=float, metavar="SECONDS", help="Tokens expire after SECONDS."),
    click.option(
        "--rate-limit",
        metavar="REQUESTS/SECONDS",
        callback=_rate_limit,
        help="A simple limit per token, e.g. 250/300 (see --limits for the service's own).",
    ),
    click.option(
        "--limits",
        metavar="WINDOWS",
        help="Enforce the service's rate limits: 'real' (250/300,5/1: 250 per 300 s and 5 per "
        "second) or scaled windows like 25/3,5/1. Default: off.",
    ),
    click.option(
        "--limits-per",
        type=click.Choice(["both", "token", "ip"]),
        default="both",
        show_default=True,
        help="Count --limits per access token, per client IP, or both (as the service does).",
    ),
    click.option(
        "--arrival-interval",
        type=float,
        metavar="SECONDS",
        help="A new history entry arrives every SECONDS.",
    ),
    click.option(
        "--fault-rate",
        type=click.FloatRange(0, 1),
        default=0.0,
        show_default=True,
        help="The share of requests that fail on purpose.",
    ),
    click.option(
        "--fault-seed", type=int, default=0, show_default=True, help="Which requests fail."
    ),
    click.option(
        "--fault-kind",
        "fault_kinds",
        multiple=True,
        type=click.Choice(FAULT_KINDS),
        metavar="KIND",
        help=f"A kind of fault to draw from: {', '.join(FAULT_KINDS)}; repeatable (default: all).",
    ),
    click.option(
        "--slow-seconds",
        type=float,
        default=5.0,
        show_default=True,
        help="How long a 'slow' fault takes to answer.",
    ),
)


def mock_settings(**options: Any) -> ServerSettings:  # noqa: ANN401 - the command's options
    """The ``ServerSettings`` the command's options describe; unset ones keep its defaults."""
    from youcam_units.mock import FaultKind, Limits, ServerSettings  # noqa: PLC0415

    defaults = ServerSettings()
    limits, per = options.pop("limits"), options.pop("limits_per")
    try:
        enforced = None if limits is None else Limits.parse(limits, per=per)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--limits'") from None
    tokens, api_keys = options.pop("tokens"), options.pop("api_keys")
    kinds = tuple(FaultKind(kind) for kind in options.pop("fault_kinds"))
    return ServerSettings(
        **options,
        tokens=tokens or defaults.tokens,
        api_keys=api_keys or defaults.api_keys,
        limits=enforced,
        fault_kinds=kinds or defaults.fault_kinds,
    )


@click.command(cls=Command)
@_mock_options
def mock(**options: Any) -> None:  # noqa: ANN401 - the options, read by mock_settings
    """Serve the mock service over HTTP (needs the mock extra: uvicorn).

    With --limits it answers 429 (the service's body, no Retry-After) to a token or an IP over
    its windows, as the real service does.
    """
    from youcam_units.mock import DEFAULT_TOKEN, ServerUnavailableError, serve  # noqa: PLC0415

    settings = mock_settings(**options)

    # With --token the demo token is refused: the hint names one of the caller's, unechoed.
    token = DEFAULT_TOKEN if DEFAULT_TOKEN in settings.tokens else "<a --token you gave>"

    def banner(host: str, port: int) -> None:
        limits = "" if settings.limits is None else f", limits {settings.limits}"
        click.echo(
            f"serving {settings.entries:,} mock entries (seed {settings.seed}) on "
            f"http://{host}:{port}{limits}; try:\n"
            f"  {ENV_ACCESS_TOKEN}={token} {ENV_BASE_URL}=http://{host}:{port} "
            f"{PROG} history",
            err=True,
        )

    try:
        serve(settings, on_listening=banner)
    except ServerUnavailableError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        # socket's own words ("Address already in use (while attempting to bind ...)"), shortened
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise CliError(
            f"cannot serve on {settings.host}:{settings.port}: {reason[:1].lower()}{reason[1:]}"
        ) from None
