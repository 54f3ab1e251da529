"""``mock``: the mock service over HTTP, to try the command and the library without an account."""

from __future__ import annotations

import click

from youcam_units._cli._runtime import (
    ENV_BASE_URL,
    ENV_TOKEN,
    PROG,
    CliError,
)
from youcam_units.mock._defaults import DEFAULT_ENTRIES, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SEED


@click.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Interface to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True)
@click.option("--entries", type=click.IntRange(min=0), default=DEFAULT_ENTRIES, show_default=True)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option(
    "--limits",
    metavar="WINDOWS",
    help="Enforce the service's rate limits: 'real' (250/300,5/1: 250 per 300 s and 5 per "
    "second) or scaled windows like 25/3,5/1. Default: off.",
)
@click.option(
    "--limits-per",
    type=click.Choice(["both", "token", "ip"]),
    default="both",
    show_default=True,
    help="Count --limits per access token, per client IP, or both (as the service does).",
)
def mock(
    *, host: str, port: int, entries: int, seed: int, limits: str | None, limits_per: str
) -> None:
    """Serve the mock service over HTTP (needs the mock extra: uvicorn).

    With --limits it answers 429 (the service's body, no Retry-After) to a token or an IP over
    its windows, as the real service does.
    """
    from youcam_units.mock import (  # noqa: PLC0415
        DEFAULT_TOKEN,
        Limits,
        ServerSettings,
        ServerUnavailableError,
        serve,
    )

    try:
        enforced = (
            None if limits is None else Limits.parse(limits, per=limits_per)  # type: ignore[arg-type]
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--limits'") from None
    settings = ServerSettings(host=host, port=port, entries=entries, seed=seed, limits=enforced)
    click.echo(
        f"serving {entries:,} mock entries (seed {seed}) on http://{host}:{port}"
        + ("" if enforced is None else f", limits {enforced}")
        + "; try:\n"
        f"  {ENV_TOKEN}={DEFAULT_TOKEN} {ENV_BASE_URL}=http://{host}:{port} {PROG} history",
        err=True,
    )
    try:
        serve(settings)
    except ServerUnavailableError as exc:
        raise CliError(str(exc)) from None
    except (OSError, SystemExit) as exc:
        raise CliError(f"cannot serve on {host}:{port}: {exc}") from None
