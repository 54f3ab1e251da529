"""What every command shares: names, the runtime tests hand in, and one-line failures.

Expected failures become one line on stderr and an exit status (2: usage, 1: anything else,
130: interrupted), never a traceback; ``--verbose`` adds the library's log.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units.mock._defaults import DEFAULT_ENTRIES, DEFAULT_SEED

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import httpx

    from youcam_units.mock import MockService


PROG: Final = "youcam-units"
ENV_TOKEN: Final = "YOUCAM_ACCESS_TOKEN"  # noqa: S105 - a variable's name, not a token
ENV_BASE_URL: Final = "YOUCAM_BASE_URL"
ENV_DB: Final = "YOUCAM_UNITS_DB"
DEMO_SEED: Final = DEFAULT_SEED
"""The mock's data set for ``--demo``: the same defaults as ``mock`` (``ServerSettings``)."""
DEMO_ENTRIES: Final = DEFAULT_ENTRIES
DEMO_BASE_URL: Final = "http://127.0.0.1"
"""The in-process mock answers every URL; a loopback one keeps the facade's http check happy."""
EXIT_INTERRUPTED: Final = 130
EXIT_BROKEN_PIPE: Final = 141
"""128 + SIGPIPE: what a shell reports for a Unix tool whose reader closed the pipe."""
WIDTH_WHEN_PIPED: Final = 160


@dataclass
class Runtime:
    """What the commands take from their surroundings; tests hand in their own through ``obj``.

    ``transport`` routes the real (non-demo) client through an httpx transport, such as a test's
    ``MockService.transport()``; ``demo_service`` replaces the ``--demo`` mock; ``client_options``
    are extra keyword arguments for ``Client`` (for example ``max_retries``).
    """

    transport: httpx.BaseTransport | None = None
    demo_service: MockService | None = None
    client_options: dict[str, Any] = field(default_factory=dict)


class CliError(click.ClickException):
    """An expected failure: reported as one line, exit status 1."""

    exit_code = 1


# -- the group and its error handling ------------------------------------------------------------


class _Group(click.Group):
    """Reports every expected failure as ONE line (``youcam-units: error: ...``), no traceback."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,  # noqa: FBT001, FBT002 - click's own signature
        **extra: Any,  # noqa: ANN401 - passed on to click.Context
    ) -> Any:  # noqa: ANN401 - click's own return type
        try:
            code = super().main(
                args, prog_name or PROG, complete_var, standalone_mode=False, **extra
            )
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            code = _fail(f"{exc.format_message()}{hint}", exc.exit_code)
        except click.ClickException as exc:
            code = _fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            code = _fail("interrupted; run the command again to continue", EXIT_INTERRUPTED)
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: click.Context) -> Any:  # noqa: ANN401 - click's own return type
        """Runs the command; a closed pipe ends it before click turns it into exit status 1."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise click.exceptions.Exit(_stop_quietly()) from None


def _stop_quietly() -> int:
    """The reader went away (``| head -1``): stop without a word, as Unix tools do.

    stdout is pointed at /dev/null so that flushing it at exit cannot fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stream)
        pass
    return EXIT_BROKEN_PIPE


def _fail(message: str, code: int) -> int:
    click.echo(f"{PROG}: error: {message}", err=True)
    return code


def _explained() -> tuple[tuple[type[Exception], str], ...]:
    """What each expected failure tells the user; the first matching class wins.

    Built when a command fails, not at start-up: it names the library's errors and sqlite3's.
    """
    import sqlite3  # noqa: PLC0415 - keeps `--help` fast

    from youcam_units import (  # noqa: PLC0415
        APIConnectionError,
        APITimeoutError,
        AuthenticationError,
        InvalidParametersError,
        RateLimitError,
        ServerError,
        YouCamError,
    )
    from youcam_units.ledger import LedgerError  # noqa: PLC0415

    return (
        (
            AuthenticationError,
            (
                "the service refused the access token from {source} (HTTP 401): it is wrong or "
                "expired; put a fresh one in {source}"
            ),
        ),
        (
            RateLimitError,
            (
                "rate limited by the service (HTTP 429) after all retries: it allows 250 "
                "requests per 300 s; wait a few minutes and {action}"
            ),
        ),
        (APITimeoutError, "the service did not answer in time ({exc}); {action}"),
        (APIConnectionError, "cannot reach the service ({exc}); {action}"),
        (InvalidParametersError, "the service rejected the request ({exc.message})"),
        (ServerError, "the service failed (HTTP {exc.status_code}) after all retries; {action}"),
        (YouCamError, "{exc.message}; {action}"),
        (LedgerError, "{exc}"),
        (sqlite3.Error, "the ledger database failed: {exc}"),
        (OSError, "{exc}"),  # a file the command was pointed at: unreadable, unwritable, missing
    )


@contextmanager
def _reported(
    *, verbose: bool, action: str, resume: Callable[[str | None], str] | None = None
) -> Iterator[None]:
    """Turn the library's errors into ``CliError``: one line that says what to do next.

    The line carries the request id when there is one (what the vendor's support asks for);
    ``resume`` words the way to continue from an error's ``continuation_token``.
    """
    del verbose  # the request id is always on the line; --verbose adds the log before it
    try:
        yield
    except KeyboardInterrupt:
        raise click.Abort from None
    except BrokenPipeError:
        raise
    except Exception as exc:
        from youcam_units import YouCamError  # noqa: PLC0415 - keeps `--help` fast

        for cls, template in _explained():
            if isinstance(exc, cls):
                source = getattr(exc, "token_source", f"{ENV_TOKEN} or --token-file")
                message = template.format(exc=exc, action=action, source=source)
                request_id = getattr(exc, "request_id", None)
                if request_id and "request id" not in message:
                    message += f" (request id {request_id})"
                token = getattr(exc, "continuation_token", None)
                if resume is not None and isinstance(exc, YouCamError):
                    message += "; " + resume(token)
                raise CliError(message) from None
        raise


# -- shared options ------------------------------------------------------------------------------


def _configure_logging(ctx: click.Context, *, verbose: bool) -> None:
    """Route the library's log for this command: to stderr with --verbose, else nowhere."""
    from youcam_units._cli._log import configure_logging  # noqa: PLC0415 - keeps `--help` fast

    configure_logging(ctx, verbose=verbose)
