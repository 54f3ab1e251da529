"""Where a command's inputs come from, and the options that name them.

Days, the access token, the service or the demo, the ledger path, the consoles.
"""

from __future__ import annotations

import calendar
import math
import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Self, TextIO, cast

import click

from youcam_units._cli._accounts import (
    account_base_url,
    account_credentials,
    account_ledger_path,
    account_option,
    account_token_pacing,
)
from youcam_units._cli._runtime import (
    DEMO_BASE_URL,
    DEMO_ENTRIES,
    DEMO_SEED,
    ENV_BASE_URL,
    ENV_DB,
    ENV_TOKEN,
    PROG,
    CliError,
    Runtime,
)
from youcam_units._cli._text import printable

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    import httpx
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from youcam_units import Client, PacingFileError, RetryEvent


_DAYS_AGO: Final = re.compile(r"(\d{1,6})([dw])")
_MONTH: Final = re.compile(r"\d{4}-\d{2}")
DAY_FORMS: Final = "2026-11-25, a month 2026-11, today, yesterday, 7d (days ago) or 2w (weeks ago)"
"""What --since and --until take: every form is a whole UTC day, or a month of them."""


def _parse_days(value: str, param: str, *, today: date | None = None) -> tuple[date, date]:
    """The first and last UTC day ``value`` names (the same day but for a month)."""
    text = value.strip().lower()
    today = datetime.now(UTC).date() if today is None else today
    try:
        if text in {"today", "yesterday"}:
            day = today - timedelta(days=text == "yesterday")
            return day, day
        if match := _DAYS_AGO.fullmatch(text):
            count = int(match[1]) * (7 if match[2] == "w" else 1)
            day = today - timedelta(days=count)
            return day, day
        if _MONTH.fullmatch(text):
            first = date.fromisoformat(f"{text}-01")
            last_day = calendar.monthrange(first.year, first.month)[1]
            return first, first.replace(day=last_day)
        day = date.fromisoformat(text)
    except (ValueError, OverflowError):
        raise click.BadParameter(
            f"{value!r} is not a day: use {DAY_FORMS} (UTC)", param_hint=param
        ) from None
    return day, day


def _since_ms(value: str | None, *, today: date | None = None) -> int | None:
    """``--since DAY``: from the start of that UTC day (or month), inclusive."""
    if value is None:
        return None
    return _ms(_parse_days(value, "'--since'", today=today)[0])


def _until_ms(value: str | None, *, today: date | None = None) -> int | None:
    """``--until DAY``: to the end of that UTC day (or month), inclusive; the bound is exclusive."""
    if value is None:
        return None
    return _ms(_parse_days(value, "'--until'", today=today)[1]) + _DAY_MS


def _day_range_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--since DAY`` and ``--until DAY``, both inclusive, for every command that filters."""
    func = click.option(
        "--until",
        "until",
        metavar="DAY",
        help="Only entries on or before this UTC day (a month: its last day).",
    )(func)
    return click.option(
        "--since",
        "since",
        metavar="DAY",
        help=f"Only entries on or after this UTC day (a month: its first day). DAY: {DAY_FORMS}.",
    )(func)


_DAY_MS: Final = 86_400_000
_EPOCH_DAY: Final = date(1970, 1, 1).toordinal()


def _ms(day: date) -> int:
    """The start of a UTC day in Unix ms, by day count: 9999-12-31 has no next ``date``."""
    return (day.toordinal() - _EPOCH_DAY) * _DAY_MS


def _check_range(since_ms: int | None, until_ms: int | None) -> None:
    if since_ms is not None and until_ms is not None and since_ms >= until_ms:
        raise click.BadParameter("--since must not be after --until", param_hint="'--since'")


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


ENV_TOKEN_PACING: Final = "YOUCAM_UNITS_TOKEN_PACING"  # noqa: S105 - a variable's name
"""A ``postgresql://`` URL sharing each token's budget across hosts; ``none``: not shared."""


def default_token_pacing() -> str | None:
    """Where the token's budget is shared across hosts, if anywhere.

    ``YOUCAM_UNITS_TOKEN_PACING``, else the account's ``token_pacing``, else nowhere: the
    host's pacing file alone.
    """
    chosen = os.environ.get(ENV_TOKEN_PACING, "").strip()
    if chosen.lower() == _NO_PACING_FILE:
        return None
    return chosen or account_token_pacing()


def _pacing_file_error(exc: PacingFileError) -> CliError:
    """The library names ``pacing_file=``; the CLI user's way out is the variable."""
    return CliError(
        f"the pacing file {exc.path} {exc.reason}; set {ENV_PACING_FILE} to another file, or to "
        f"{_NO_PACING_FILE} to pace this process alone"
    )


class WaitNotice:
    """Says so while pacing or a retry waits, so a long wait does not look like a hang.

    On the progress line when one is shown, else as a line on stderr when it is a terminal;
    waits under a second (pacing at 5 per second) are not worth a word.
    """

    MIN_SECONDS: Final = 1.0

    def __init__(self, console: Console | Offscreen) -> None:
        self._console = console
        self._progress: Progress | Offscreen | None = None
        self._task: Any = None

    def attach(self, progress: Progress | Offscreen, task: Any) -> None:  # noqa: ANN401 - TaskID
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


class FilePath(click.Path):
    """A file option, handed to the command as a ``pathlib.Path``.

    click's ``path_type=Path`` needs pathlib when the options are declared; this imports it only
    when such an option is given: pathlib and what it imports are a sixth of ``--help``'s time.
    """

    def __init__(self, *, exists: bool = False) -> None:
        super().__init__(exists=exists, dir_okay=False)

    def convert(
        self,
        value: str | os.PathLike[str],
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> Path:
        import stat  # noqa: PLC0415
        from pathlib import Path  # noqa: PLC0415

        path = Path(os.fsdecode(super().convert(value, param, ctx)))
        try:
            mode = path.stat().st_mode
        except OSError:  # absent (a ledger to create) or unreadable: the command says so
            return path
        if not stat.S_ISREG(mode):
            # A FIFO or a device would block the command (or feed it without end).
            self.fail(f"{os.fsdecode(value)!r} is not a regular file", param, ctx)
        return path


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
            token_pacing = default_token_pacing()
            if token_pacing is not None:
                options.setdefault("token_pacing", token_pacing)
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
    account_option,
)
_SERVICE_OPTIONS: Final = (
    click.option(
        "--token-file",
        type=FilePath(exists=True),
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


class LedgerTarget(click.Path):
    """``--db``: a ledger file (a ``Path``, as ``FilePath`` makes it), or a URL (kept as text)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False)

    def convert(
        self,
        value: str | os.PathLike[str],
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> Path | str:
        from youcam_units.ledger._target import is_postgres_url  # noqa: PLC0415 - not for --help

        if isinstance(value, str) and is_postgres_url(value):
            return value
        return FilePath().convert(value, param, ctx)


def _db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        type=LedgerTarget(),
        envvar=ENV_DB,
        show_envvar=True,
        help=(
            "Ledger file (default: ledger.sqlite3 in the user data dir; another with --demo), "
            "or a postgresql://user@host/db?ledger=NAME URL (needs the postgres extra)."
        ),
    )(func)


def no_ledger_file(target: Path | str) -> bool:
    """True when ``target`` is a path with no file (a URL's ledger is checked when opened)."""
    return not isinstance(target, str) and not target.exists()


def where(target: Path | str) -> str:
    """``target`` for messages: a path, or the URL without its password."""
    from youcam_units.ledger import ledger_location  # noqa: PLC0415 - keeps `--help` fast

    return ledger_location(target)


def default_db_path(*, demo: bool, seed: int, entries: int) -> Path | str:
    """The ledger's default: the account's (a file or a URL), else the user data dir's file."""
    from pathlib import Path  # noqa: PLC0415 - keeps `--help` fast

    if not demo:
        path = account_ledger_path()
        if path is not None:
            return path

    import platformdirs  # noqa: PLC0415

    base = Path(platformdirs.user_data_dir("youcam-units", appauthor=False))
    return base / (f"demo-{seed}-{entries}.sqlite3" if demo else "ledger.sqlite3")


def _stdout_console() -> Console:
    """Rich output on stdout: the terminal's width, or a wide page when piped to a file."""
    from youcam_units._cli._consoles import stdout_console  # noqa: PLC0415 - rich: not for --help

    return stdout_console()


def _surely_no_terminal(stream: TextIO) -> bool:
    """True only when rich, too, would find no terminal on ``stream``, so it need not be asked.

    rich decides from ``TTY_COMPATIBLE``, then ``FORCE_COLOR``, then ``isatty()`` (IDLE and
    Jupyter count as no terminal). With neither variable set and no tty its answer is no, and a
    command whose output goes to a pipe or a file skips importing rich (a sixth of its start-up).
    """
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream: rich decides
        return False


def _stdout_is_terminal() -> bool:
    """Whether stdout is a terminal, as rich sees it."""
    return not _surely_no_terminal(sys.stdout) and _stdout_console().is_terminal


class Offscreen:
    """stderr when it is surely no terminal: nothing is shown there, so rich is not needed.

    Stands in for rich's console (``is_terminal`` false: wait notices stay silent) and for its
    progress line (``disable``: a disabled ``Progress`` draws nothing either).
    """

    is_terminal: Final = False
    disable: Final = True

    def print(
        self, *objects: object, highlight: bool | None = None, markup: bool | None = None
    ) -> None:
        """Nothing is shown off screen."""

    def add_task(self, description: str, *, total: float | None = None, **fields: object) -> TaskID:
        """A task nobody sees."""
        del description, total, fields
        return cast("TaskID", 0)

    def update(self, task_id: object, **fields: object) -> None:
        """Nothing to redraw."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _stderr_console() -> Console | Offscreen:
    """Progress, wait notices and warnings go to stderr, when it is a terminal."""
    if _surely_no_terminal(sys.stderr):
        return Offscreen()
    from rich.console import Console  # noqa: PLC0415 - keeps `--help` fast

    return Console(stderr=True, highlight=False, markup=False, emoji=False)


def _progress(
    console: Console | Offscreen, label: str, *, enabled: bool = True
) -> Progress | Offscreen:
    """A spinner with a count on stderr, shown only when stderr is a terminal (and enabled)."""
    if not enabled or not console.is_terminal or isinstance(console, Offscreen):
        return Offscreen()
    from youcam_units._cli._consoles import progress  # noqa: PLC0415

    return progress(console, label)
