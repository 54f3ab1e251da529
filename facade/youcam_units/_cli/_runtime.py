"""What every command shares: names, the runtime tests hand in, and one-line failures.

Expected failures become one line on stderr and an exit status (``EXIT_CODES``), never a
traceback; ``--verbose`` adds the library's log. An unexpected exception (a bug) is one line
too, exit 70, with a pointer to report it; ``YOUCAM_UNITS_TRACEBACK=1`` adds the traceback.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager, redirect_stdout, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._extra import missing_dependency
from youcam_units._cli._help import Context
from youcam_units._cli._output import EXIT_OUTPUT_FAILED, GuardedStdout, to_devnull
from youcam_units._cli._text import printable
from youcam_units._config import ENV_TRACEBACK
from youcam_units.mock._defaults import DEFAULT_ENTRIES, DEFAULT_SEED

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    import httpx

    from youcam_units.mock import MockService


PROG: Final = "youcam-units"
DEMO_SEED: Final = DEFAULT_SEED
"""The mock's data set for ``--demo``: the same defaults as ``mock`` (``ServerSettings``)."""
DEMO_ENTRIES: Final = DEFAULT_ENTRIES
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_BELOW_THRESHOLD: Final = 3
"""``status``: a ``--min-balance`` or ``--min-days`` threshold was crossed, or a budget is over."""
EXIT_INTERNAL_ERROR: Final = 70
"""sysexits' EX_SOFTWARE: an exception nobody expected, that is a bug."""
EXIT_INTERRUPTED: Final = 130
EXIT_BROKEN_PIPE: Final = 141
"""128 + SIGPIPE: what a shell reports for a Unix tool whose reader closed the pipe."""
EXIT_CODES: Final = (
    (0, "done"),
    (EXIT_FAILED, "failed: the one line on stderr says why and what to do"),
    (EXIT_USAGE, "bad arguments or options"),
    (EXIT_BELOW_THRESHOLD, "status: below --min-balance or --min-days, or over a budget"),
    (EXIT_INTERNAL_ERROR, f"internal error, a bug: please report it ({ENV_TRACEBACK}=1 shows why)"),
    (EXIT_OUTPUT_FAILED, "the output could not be written (disk full, stdout closed)"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C); run the command again to continue"),
    (EXIT_BROKEN_PIPE, "the reader closed the pipe (| head): stopped quietly"),
)
"""Every exit status the command uses: ``--help`` lists them, the README too (a test keeps the
README's list the same)."""


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

    exit_code = EXIT_FAILED


# -- the group and its error handling ------------------------------------------------------------


class _Group(click.Group):
    """Reports every expected failure as ONE line (``youcam-units: error: ...``), no traceback."""

    context_class = Context

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,  # noqa: FBT001, FBT002 - click's own signature
        **extra: Any,  # noqa: ANN401 - passed on to click.Context
    ) -> Any:  # noqa: ANN401 - click's own return type
        stdout = GuardedStdout(sys.stdout)
        try:
            with redirect_stdout(stdout):
                code = super().main(
                    args, prog_name or PROG, complete_var, standalone_mode=False, **extra
                )
                stdout.flush()  # here, not in Python's exit: a failure is still ours to report
        except click.exceptions.NoArgsIsHelpError as exc:  # no command: the help, as written
            with suppress(OSError, ValueError):
                exc.show()
            code = exc.exit_code
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            code = _fail(f"{exc.format_message()}{hint}", exc.exit_code)
        except click.ClickException as exc:
            if exc.exit_code == EXIT_OUTPUT_FAILED:
                stdout.discard()
            code = _fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            code = _fail("interrupted; run the command again to continue", EXIT_INTERRUPTED)
        except BrokenPipeError:  # the last flush, after the command
            code = _stop_quietly()
        except Exception as exc:  # the one place a bug becomes one line
            if missing_dependency(exc) is not None:
                raise  # the entry point names the extra to install
            code = _unexpected(exc)
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
    """The reader went away (``| head -1``): stop without a word, as Unix tools do."""
    to_devnull(sys.stdout)  # flushing it at exit cannot fail again
    return EXIT_BROKEN_PIPE


def require_extra(command: str, extra: str, modules: Mapping[str, str]) -> None:
    """``modules`` (each with the name to show) import, or one line names the extra to install."""
    import importlib  # noqa: PLC0415

    try:
        for module in modules:
            importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in modules:
            raise
        raise CliError(
            f"{command} needs the {extra} extra ({modules[missing]} is missing): "
            f"pip install 'youcam-units[{extra}]'"
        ) from None


def _unexpected(exc: Exception) -> int:
    """A bug: one line naming where, and how to report it; the traceback only when asked.

    The exception's own text is left out of the line: nobody checked it for secrets.
    """
    import traceback  # noqa: PLC0415 - only after a bug
    from pathlib import Path  # noqa: PLC0415

    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    where = "" if last is None else f" at {last.name} ({Path(last.filename).name}:{last.lineno})"
    if os.environ.get(ENV_TRACEBACK, "") not in {"", "0"}:
        traceback.print_exception(exc, file=sys.stderr)
    return _fail(
        f"internal error: {type(exc).__name__}{where}. This is a bug in "
        f"{PROG}: please report it, with the command and the traceback that {ENV_TRACEBACK}=1 "
        "prints",
        EXIT_INTERNAL_ERROR,
    )


def _fail(message: str, code: int) -> int:
    """The one line on stderr; text from the service or the user in it is shown literally."""
    # stderr may be gone too: then the exit status is all that is left.
    with suppress(OSError, ValueError):
        click.echo(f"{PROG}: error: {printable(message)}", err=True)
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
            "{refusal}",  # open_client words it: the credential refused and its source
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
def _reported(*, action: str, resume: Callable[[str | None], str] | None = None) -> Iterator[None]:
    """Turn the library's errors into ``CliError``: one line that says what to do next.

    The line carries the request id when there is one (what the vendor's support asks for);
    ``resume`` words the way to continue from an error's ``continuation_token``.
    """
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
                refusal = getattr(exc, "refusal", "the service refused the credential (HTTP 401)")
                message = template.format(exc=exc, action=action, refusal=refusal)
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

    configure_logging(ctx, verbose=verbose, prog=PROG)


def current_runtime(ctx: click.Context) -> Runtime:
    """The ``Runtime`` a test handed in through ``obj``, else the real one."""
    obj = ctx.find_object(Runtime)
    return obj if obj is not None else Runtime()
