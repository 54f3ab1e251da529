"""The commands: each parses its options, calls the library, and renders what it returns.

Expected failures become one line on stderr and an exit status (2: usage, 1: anything else,
130: interrupted), never a traceback; ``--verbose`` adds the library's log (request ids, retries).
"""

from __future__ import annotations

import difflib
import logging
import math
import os
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from youcam_units import (
    Action,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    InvalidParametersError,
    RateLimitError,
    ServerError,
    YouCamError,
)
from youcam_units._cli._render import FORMATS, Format, make_writer, render_summary
from youcam_units._defaults import HISTORY_PAGE_SIZE
from youcam_units._filtering import EntryFilter
from youcam_units.ledger import (
    GROUPINGS,
    Grouping,
    Ledger,
    LedgerError,
    SyncResult,
    summarize,
    summary_json,
    sync,
)
from youcam_units.mock import ServerSettings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import httpx

    from youcam_units import Client, RetryEvent
    from youcam_units.mock import MockService

__all__ = ["Runtime", "cli", "main"]

PROG: Final = "youcam-units"
ENV_TOKEN: Final = "YOUCAM_ACCESS_TOKEN"  # noqa: S105 - a variable's name, not a token
ENV_BASE_URL: Final = "YOUCAM_BASE_URL"
ENV_DB: Final = "YOUCAM_UNITS_DB"
MOCK_SERVER: Final = ServerSettings()
"""The mock's defaults, shared by ``mock`` and ``--demo``."""
DEMO_SEED: Final = MOCK_SERVER.seed
DEMO_ENTRIES: Final = MOCK_SERVER.entries
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


# What each expected failure tells the user; the first matching class wins.
_EXPLAINED: Final[tuple[tuple[type[Exception], str], ...]] = (
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
            "rate limited by the service (HTTP 429) after all retries: it allows 250 requests per "
            "300 s; wait a few minutes and {action}"
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
        for cls, template in _EXPLAINED:
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


class _LogToStderr(logging.Handler):
    """Writes the library's log records to whatever ``sys.stderr`` is at the time."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(f"{PROG}: {record.levelname.lower()}: {record.getMessage()}", err=True)
        except Exception:  # noqa: BLE001 - a log handler must never raise
            self.handleError(record)


def _configure_logging(ctx: click.Context, *, verbose: bool) -> None:
    """Route the library's log for this command: to stderr with --verbose, else nowhere.

    Without a handler, Python's last-resort handler would print the retry warnings, and a
    failure would no longer be one line. stamina's own retry record repeats the facade's, so
    it is always dropped.
    """
    logger = logging.getLogger("youcam_units")
    handler: logging.Handler = (
        _LogToStderr(level=logging.DEBUG) if verbose else logging.NullHandler()
    )
    quiet = logging.NullHandler()
    previous = logger.level
    logger.addHandler(handler)
    logging.getLogger("stamina").addHandler(quiet)
    if verbose:
        logger.setLevel(logging.DEBUG)

    def restore() -> None:
        logger.removeHandler(handler)
        logging.getLogger("stamina").removeHandler(quiet)
        logger.setLevel(previous)

    ctx.call_on_close(restore)


def _parse_day(value: str, param: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date like 2026-11-25", param_hint=param
        ) from None


def _since_ms(value: str | None) -> int | None:
    """``--since DAY``: from the start of that UTC day, inclusive."""
    if value is None:
        return None
    return _ms(_parse_day(value, "'--since'"))


def _until_ms(value: str | None) -> int | None:
    """``--until DAY``: up to the end of that UTC day, inclusive (so the bound is exclusive)."""
    if value is None:
        return None
    return _ms(_parse_day(value, "'--until'")) + _DAY_MS


_DAY_MS: Final = 86_400_000
_EPOCH_DAY: Final = date(1970, 1, 1).toordinal()


def _ms(day: date) -> int:
    """The start of a UTC day in Unix ms, by day count: 9999-12-31 has no next ``date``."""
    return (day.toordinal() - _EPOCH_DAY) * _DAY_MS


def _check_range(since_ms: int | None, until_ms: int | None) -> None:
    if since_ms is not None and until_ms is not None and since_ms >= until_ms:
        raise click.BadParameter("--since must not be after --until", param_hint="'--since'")


def _read_token(token_file: Path | None) -> tuple[str, str]:
    """The access token and where it came from: ``--token-file`` when given, else the variable.

    The token is checked here, so a bad one is refused before any request with a message that
    names its real source; a token file others can read gets a warning, as ssh gives for keys.
    """
    from youcam_units._config import normalize_token  # noqa: PLC0415 - keeps `--help` fast
    from youcam_units._token_file import read_token_file  # noqa: PLC0415

    if token_file is not None:
        source = f"--token-file {token_file}"

        def warn(mode: int) -> None:
            click.echo(
                f"{PROG}: warning: --token-file {token_file} can be read by other users (mode "
                f"{mode:04o}); restrict it with: chmod 600 {token_file}",
                err=True,
            )

        try:
            return read_token_file(token_file, source=source, on_readable_by_others=warn), source
        except ValueError as exc:
            raise CliError(str(exc)) from None
    source = ENV_TOKEN
    raw = os.environ.get(ENV_TOKEN, "")
    if not raw.strip():
        raise CliError(
            f"no access token: set {ENV_TOKEN} or pass --token-file PATH (or try --demo, "
            "which needs none)"
        )
    try:
        return normalize_token(raw, source=source), source
    except ValueError as exc:
        raise CliError(str(exc)) from None


def default_pacing_path() -> Path:
    """The pacing state every youcam-units process on this machine shares (user cache dir)."""
    import platformdirs  # noqa: PLC0415 - keeps `--help` fast

    return Path(platformdirs.user_cache_dir("youcam-units", appauthor=False)) / "pacing.sqlite3"


class WaitNotice:
    """Says so while pacing or a retry waits, so a long wait does not look like a hang.

    On the progress line when one is shown, else as a line on stderr when it is a terminal;
    waits under a second (pacing at 5 per second) are not worth a word.
    """

    MIN_SECONDS: Final = 1.0

    def __init__(self, console: Console) -> None:
        self._console = console
        self._progress: Progress | None = None
        self._task: Any = None

    def attach(self, progress: Progress, task: Any) -> None:  # noqa: ANN401 - rich's TaskID
        """Show the notices on this progress line from now on."""
        self._progress, self._task = progress, task

    def pacing(self, seconds: float) -> None:
        """The ``on_wait`` hook: the client waits for the rate-limit window."""
        self._say(seconds, "for the rate-limit window")

    def retry(self, event: RetryEvent) -> None:
        """The ``on_retry`` hook: the client backs off before trying again."""
        why = f"HTTP {event.status_code}" if event.status_code else type(event.error).__name__
        self._say(event.wait, f"before retrying ({why})")

    def _say(self, seconds: float, why: str) -> None:
        if seconds < self.MIN_SECONDS:
            return
        text = f"waiting {math.ceil(seconds)} s {why}"
        if self._progress is not None and not self._progress.disable:
            self._progress.update(self._task, detail=text)
        elif self._console.is_terminal:
            self._console.print(text, highlight=False, markup=False)


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
    """The facade's ``Client`` for ``source``, closed (with any httpx client made here) on exit.

    Against the service, pacing is shared by every youcam-units process on the machine (the
    limit belongs to the token and the IP), and waits are shown through ``notice``.
    """
    import httpx  # noqa: PLC0415 - keeps `--help` fast

    from youcam_units import AuthenticationError, Client  # noqa: PLC0415

    options = dict(runtime.client_options)
    token_source = "the demo"  # noqa: S105 - where a token came from, not a token
    if source.demo:
        from youcam_units.mock import DEFAULT_TOKEN, MockService  # noqa: PLC0415

        service = runtime.demo_service or MockService(seed=source.seed, entries=source.entries)
        token = DEFAULT_TOKEN
        transport: httpx.BaseTransport | None = service.transport()
        base_url: str | None = DEMO_BASE_URL
        # The in-process mock has no rate limit to respect: no pacing.
        options.setdefault("rate_limit", None)
    else:
        token, token_source = _read_token(source.token_file)
        transport = runtime.transport
        base_url = source.base_url
        if options.get("rate_limit", True) is not None:
            options.setdefault("pacing_file", default_pacing_path())
        if notice is not None:
            options.setdefault("on_wait", notice.pacing)
            options.setdefault("on_retry", notice.retry)
    http = None if transport is None else httpx.Client(transport=transport)
    try:
        try:
            client = Client(token, base_url=base_url, http_client=http, **options)
        except (TypeError, ValueError) as exc:  # a refused base URL or token; never echoes it
            raise CliError(str(exc)) from None
        with client:
            try:
                yield client
            except AuthenticationError as exc:
                exc.token_source = token_source  # type: ignore[attr-defined] # for _reported
                raise
    finally:
        if http is not None:
            http.close()


_DEMO_OPTIONS: Final = (
    click.option(
        "--demo",
        is_flag=True,
        help="Use the built-in mock's history, in-process: no network, no credentials.",
    ),
    click.option(
        "--seed",
        type=int,
        default=DEMO_SEED,
        show_default=True,
        help="With --demo: the mock's data set.",
    ),
    click.option(
        "--entries",
        type=click.IntRange(min=0),
        default=DEMO_ENTRIES,
        show_default=True,
        help="With --demo: how many entries the mock holds.",
    ),
)
_SERVICE_OPTIONS: Final = (
    click.option(
        "--token-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=f"File holding the access token (default: the {ENV_TOKEN} variable).",
    ),
    click.option(
        "--base-url",
        envvar=ENV_BASE_URL,
        show_envvar=True,
        help="Service URL (default: the production server).",
    ),
)


def _source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--demo`` (with its ``--seed``/``--entries``), ``--token-file`` and ``--base-url``."""
    for option in reversed((*_DEMO_OPTIONS, *_SERVICE_OPTIONS)):
        func = option(func)
    return func


def _demo_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--demo`` with its ``--seed``/``--entries`` (summary reads the ledger, not the service)."""
    for option in reversed(_DEMO_OPTIONS):
        func = option(func)
    return func


_verbose_option = click.option(
    "--verbose", "-v", is_flag=True, help="Log request ids and retries to stderr."
)


def _db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=ENV_DB,
        show_envvar=True,
        help="Ledger file (default: ledger.sqlite3 in the user data dir; another with --demo).",
    )(func)


def default_db_path(*, demo: bool, seed: int, entries: int) -> Path:
    """The ledger's default path: the platform's user data dir (a separate file per demo)."""
    import platformdirs  # noqa: PLC0415 - keeps `--help` fast

    base = Path(platformdirs.user_data_dir("youcam-units", appauthor=False))
    return base / (f"demo-{seed}-{entries}.sqlite3" if demo else "ledger.sqlite3")


class _StdoutConsole(Console):
    """rich's console, but a closed pipe ends the command like any other write to it."""

    def on_broken_pipe(self) -> None:
        """Where rich would exit with status 1, the group stops quietly with 141 instead."""
        self.quiet = True
        raise BrokenPipeError


def _stdout_console() -> Console:
    """Rich output on stdout: the terminal's width, or a wide page when piped to a file."""
    console = _StdoutConsole(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = _StdoutConsole(highlight=False, width=WIDTH_WHEN_PIPED)
    return console


def _progress(console: Console, label: str, *, enabled: bool = True) -> Progress:
    """A spinner with a count on stderr, shown only when stderr is a terminal (and enabled)."""
    return Progress(
        SpinnerColumn(),
        TextColumn(label),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not (enabled and console.is_terminal),
    )


# -- the commands --------------------------------------------------------------------------------


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="youcam-units", prog_name=PROG)
def cli() -> None:
    """Read, export and keep a local ledger of your YouCam API unit (credit) history.

    The access token comes from YOUCAM_ACCESS_TOKEN or --token-file; --demo needs none.
    """


@cli.command()
@click.option("--limit", type=click.IntRange(min=0), help="Show at most this many entries.")
@click.option("--since", "since", metavar="DAY", help="Only entries on or after this UTC day.")
@click.option("--until", "until", metavar="DAY", help="Only entries on or before this UTC day.")
@click.option(
    "--action",
    "actions",
    multiple=True,
    metavar="ACTION",
    help="Only entries with this action (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format (default: table on a terminal, jsonl otherwise).",
)
@click.option(
    "--starting-token",
    metavar="TOKEN",
    help="Continue from where a failed read stopped (the token its error line names).",
)
@_source_options
@_verbose_option
@click.pass_context
def history(
    ctx: click.Context,
    *,
    limit: int | None,
    since: str | None,
    until: str | None,
    actions: tuple[str, ...],
    fmt: Format | None,
    starting_token: str | None,
    demo: bool,
    token_file: Path | None,
    base_url: str | None,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Show the unit history, newest first; json, jsonl and csv stream as pages arrive.

    If reading fails part-way, what was written stays valid (a closed JSON array, whole lines)
    and the error line names the token to continue from with --starting-token.
    """
    since_ms, until_ms = _since_ms(since), _until_ms(until)
    _check_range(since_ms, until_ms)
    _configure_logging(ctx, verbose=verbose)
    stdout = _stdout_console()
    stderr = Console(stderr=True, highlight=False)
    fmt = fmt or ("table" if stdout.is_terminal else "jsonl")
    runtime = _runtime(ctx)
    source = _Source(demo, token_file, base_url, seed, entries)
    wanted = EntryFilter(since_ms, until_ms, frozenset(actions))
    seen: set[str] = set()
    with _reported(verbose=verbose, action="run the command again", resume=_resume_hint):
        writer = make_writer(fmt, sys.stdout, stdout)
        # With no filter, --limit is exactly max_items: the last request asks for no more.
        unfiltered = wanted.is_empty
        shown = 0
        notice = WaitNotice(stderr)
        try:
            with (
                _open_client(source, runtime, notice) as client,
                # On a terminal the output itself shows progress; the spinner is for piped output.
                _progress(stderr, "reading history", enabled=not stdout.is_terminal) as progress,
            ):
                task = progress.add_task("read", total=None, detail="")
                notice.attach(progress, task)
                read = 0
                pager = client.history(
                    page_size=HISTORY_PAGE_SIZE,
                    starting_token=starting_token,
                    max_items=limit if unfiltered else None,
                )
                for page in pager.pages():
                    read += len(page.entries)
                    seen.update(str(entry.action) for entry in page.entries)
                    logging.getLogger("youcam_units.cli").debug(
                        "page of %d entries (request id %s)", len(page.entries), page.request_id
                    )
                    selected, older = wanted.select(page.entries)
                    if limit is not None:
                        selected = selected[: limit - shown]
                    writer.write_page(selected)
                    shown += len(selected)
                    progress.update(task, detail=f"{read:,} read, {shown:,} shown")
                    if older or (limit is not None and shown >= limit):
                        break  # newest first: nothing further down can match
        finally:
            # Also after a failure: stdout stays valid JSON / JSONL / CSV up to the last entry.
            writer.close()
    _warn_unknown_actions(set(wanted.actions), seen)


def _resume_hint(token: str | None) -> str:
    if token is None:
        return "nothing was read past the first request"
    return f"to continue from where it stopped: {PROG} history --starting-token {token}"


def _warn_unknown_actions(wanted: set[str], seen: set[str]) -> None:
    """A typo in --action matches nothing, silently: name it, with the close matches.

    Actions are an open set (the service adds new ones), so an unknown value is a warning, not an
    error, and only when neither the spec documents it nor the read met it.
    """
    known = {action.value for action in Action} | seen
    for action in sorted(wanted - known):
        close = difflib.get_close_matches(action, sorted(known), n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}?" if close else "no documented action is close"
        click.echo(
            f"{PROG}: warning: --action {action} is neither a documented action nor one in the "
            f"history read; {hint}",
            err=True,
        )


@cli.command(name="sync")
@_db_option
@_source_options
@_verbose_option
@click.pass_context
def sync_command(
    ctx: click.Context,
    *,
    db: Path | None,
    demo: bool,
    token_file: Path | None,
    base_url: str | None,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Bring the local SQLite ledger up to date, reading only what is new.

    Safe to interrupt at any point: the next run continues where this one stopped.
    """
    _configure_logging(ctx, verbose=verbose)
    path = db or default_db_path(demo=demo, seed=seed, entries=entries)
    source = _Source(demo, token_file, base_url, seed, entries)
    result = _sync(source, path, _runtime(ctx), verbose=verbose)
    if result.superseded:
        click.echo(
            f"another sync of {path} moved on meanwhile; this one left the work to it after "
            f"{result.pages:,} request{'s' if result.pages != 1 else ''}"
        )
        return
    click.echo(
        f"synced {path}: {result.new_entries:,} new entries from {result.pages:,} "
        f"request{'s' if result.pages != 1 else ''}; {result.total_entries:,} in the ledger"
    )


def _sync(source: _Source, path: Path, runtime: Runtime, *, verbose: bool) -> SyncResult:
    stderr = Console(stderr=True, highlight=False)
    notice = WaitNotice(stderr)
    with (
        _reported(verbose=verbose, action="run sync again to continue where it stopped"),
        Ledger(path) as ledger,
        _open_client(source, runtime, notice) as client,
        _progress(stderr, "syncing") as progress,
    ):
        ledger.claim_source(_source_label(source, runtime, client.base_url))
        task = progress.add_task("sync", total=None, detail="")
        notice.attach(progress, task)

        def show(result: SyncResult) -> None:
            progress.update(task, detail=f"{result.new_entries:,} new, {result.pages:,} requests")

        return sync(ledger, client, on_page=show)


def _source_label(source: _Source, runtime: Runtime, base_url: str) -> str:
    """Names the history a ledger holds: the demo's data set, or the service's URL."""
    if not source.demo:
        return base_url
    service = runtime.demo_service
    seed, entries = (
        (source.seed, source.entries)
        if service is None
        else (
            service.seed,
            service.base_count,
        )
    )
    return f"the demo mock (seed {seed}, {entries} entries)"


@cli.command()
@_db_option
@click.option(
    "--by",
    type=click.Choice(GROUPINGS),
    default="action",
    show_default=True,
    help="Group the totals by action, UTC day or UTC month.",
)
@click.option("--since", "since", metavar="DAY", help="Only entries on or after this UTC day.")
@click.option("--until", "until", metavar="DAY", help="Only entries on or before this UTC day.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table and bar chart, or JSON.",
)
@_demo_options
@_verbose_option
@click.pass_context
def summary(
    ctx: click.Context,
    *,
    db: Path | None,
    by: Grouping,
    since: str | None,
    until: str | None,
    fmt: str,
    demo: bool,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Units spent, granted and expired per action, day or month, from the ledger.

    Run `sync` first; with --demo the demo ledger is synced from the mock first.
    """
    since_ms, until_ms = _since_ms(since), _until_ms(until)
    _check_range(since_ms, until_ms)
    _configure_logging(ctx, verbose=verbose)
    path = db or default_db_path(demo=demo, seed=seed, entries=entries)
    if demo:
        source = _Source(demo=True, token_file=None, base_url=None, seed=seed, entries=entries)
        _sync(source, path, _runtime(ctx), verbose=verbose)
    elif not path.exists():
        raise CliError(f"no ledger at {path}: run `{PROG} sync` first (or pass --db)")
    with (
        _reported(verbose=verbose, action="check the --db path"),
        Ledger(path, read_only=True) as ledger,
    ):
        rows = summarize(ledger, by=by, since_ms=since_ms, until_ms=until_ms)
    if fmt == "json":
        click.echo(summary_json(rows, by=by))
        return
    stdout = _stdout_console()
    if not rows:
        stdout.print("no entries in the ledger for this period")
        return
    render_summary(rows, by, stdout)


@cli.command()
@click.option("--host", default=MOCK_SERVER.host, show_default=True, help="Interface to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=MOCK_SERVER.port, show_default=True)
@click.option(
    "--entries", type=click.IntRange(min=0), default=MOCK_SERVER.entries, show_default=True
)
@click.option("--seed", type=int, default=MOCK_SERVER.seed, show_default=True)
def mock(host: str, port: int, entries: int, seed: int) -> None:
    """Serve the mock service over HTTP (needs the mock extra: uvicorn)."""
    from youcam_units.mock import DEFAULT_TOKEN, ServerUnavailableError, serve  # noqa: PLC0415

    settings = replace(MOCK_SERVER, host=host, port=port, entries=entries, seed=seed)
    click.echo(
        f"serving {entries:,} mock entries (seed {seed}) on http://{host}:{port}; try:\n"
        f"  {ENV_TOKEN}={DEFAULT_TOKEN} {ENV_BASE_URL}=http://{host}:{port} {PROG} history",
        err=True,
    )
    try:
        serve(settings)
    except ServerUnavailableError as exc:
        raise CliError(str(exc)) from None
    except (OSError, SystemExit) as exc:
        raise CliError(f"cannot serve on {host}:{port}: {exc}") from None


def _runtime(ctx: click.Context) -> Runtime:
    obj = ctx.find_object(Runtime)
    return obj if obj is not None else Runtime()


def main() -> None:
    """The ``youcam-units`` entry point."""
    try:
        cli.main(prog_name=PROG)
    except BrokenPipeError:  # raised while flushing, outside the group's own handling
        sys.exit(_stop_quietly())
