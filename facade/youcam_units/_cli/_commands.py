"""The commands: each parses its options, calls the library, and renders what it returns.

Shared pieces: ``_runtime`` (names, ``Runtime``, one-line failures, logging) and ``_inputs``
(days, token, service or demo, ledger path, consoles, shared options); ``_render`` draws.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Final

import click

from youcam_units._cli._inputs import (
    WaitNotice,
    _check_range,
    _day_range_options,
    _db_option,
    _demo_options,
    _open_client,
    _progress,
    _since_ms,
    _Source,
    _source_options,
    _stderr_console,
    _stdout_console,
    _stdout_is_terminal,
    _until_ms,
    _verbose_option,
    default_db_path,
    default_pacing_path,
    no_ledger_file,
    where,
)
from youcam_units._cli._money_options import money_options
from youcam_units._cli._money_options import unit_price as parse_unit_price
from youcam_units._cli._output import machine_readable
from youcam_units._cli._runtime import (
    DEMO_ENTRIES,
    DEMO_SEED,
    ENV_BASE_URL,
    ENV_TOKEN,
    EXIT_BROKEN_PIPE,
    PROG,
    CliError,
    Runtime,
    _configure_logging,
    _Group,
    _reported,
    _stop_quietly,
    exit_codes_epilog,
)
from youcam_units._cli._text import printable
from youcam_units._cli._upgrade import open_ledger
from youcam_units._config import PAGE_SIZE as HISTORY_PAGE_SIZE
from youcam_units.mock._defaults import DEFAULT_ENTRIES, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SEED

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units._cli._render import Format
    from youcam_units._money import UnitPrice
    from youcam_units.ledger import Grouping, SummaryRow, SyncResult

__all__ = [
    "DEMO_ENTRIES",
    "DEMO_SEED",
    "EXIT_BROKEN_PIPE",
    "PROG",
    "Runtime",
    "WaitNotice",
    "cli",
    "default_pacing_path",
    "main",
    "mock",
]

FORMATS: Final = ("table", "json", "jsonl", "csv")
"""``history --format``: the writers in ``_render`` (a test keeps the two the same)."""
SUMMARY_ROWS: Final = 30
"""``summary --rows``: a month of days, 2.5 years of months (``--all`` for every group)."""
SUMMARY_COLUMNS: Final = ("entries", "spent", "granted", "expired", "net")
"""``summary --format csv``: after the group, the fields of ``SummaryRow.to_dict``."""
GROUPINGS: Final = ("action", "day", "month")
"""``summary --by``: the ledger's ``GROUPINGS``, spelt out so ``--help`` need not open the ledger
(a test keeps the two the same)."""

# -- the commands --------------------------------------------------------------------------------


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=exit_codes_epilog(),
)
@click.version_option(package_name="youcam-units", prog_name=PROG)
def cli() -> None:
    """Read, export and keep a local ledger of your YouCam API unit (credit) history.

    The access token comes from YOUCAM_ACCESS_TOKEN or --token-file; --demo needs none.
    """


@cli.command()
@click.option("--limit", type=click.IntRange(min=0), help="Show at most this many entries.")
@_day_range_options
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
    callback=lambda _ctx, _param, value: _page_token(value),
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
    import logging  # noqa: PLC0415 - keeps `--help` fast

    from youcam_units._cli._render import make_writer  # noqa: PLC0415
    from youcam_units._filtering import EntryFilter  # noqa: PLC0415

    on_terminal = _stdout_is_terminal()
    stderr = _stderr_console()
    fmt = fmt or ("table" if on_terminal else "jsonl")
    if fmt != "table":
        machine_readable()
    runtime = _runtime(ctx)
    source = _Source(demo, token_file, base_url, seed, entries)
    wanted = EntryFilter(since_ms, until_ms, frozenset(actions))
    seen: set[str] = set()
    with _reported(verbose=verbose, action="run the command again", resume=_resume_hint):
        writer = make_writer(fmt, sys.stdout)
        # With no filter, --limit is exactly max_items: the last request asks for no more.
        unfiltered = wanted.is_empty
        shown = 0
        notice = WaitNotice(stderr)
        try:
            with (
                _open_client(source, runtime, notice) as client,
                # On a terminal the output itself shows progress; the spinner is for piped output.
                _progress(stderr, "reading history", enabled=not on_terminal) as progress,
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


def _page_token(value: str | None) -> str | None:
    """``--starting-token``: the library's own check, as a usage error before any request."""
    from youcam_units._config import (  # noqa: PLC0415 - not for --help
        MAX_PAGE_TOKEN_LENGTH,
        validate_starting_token,
    )

    try:
        return validate_starting_token(value)
    except ValueError:
        raise click.BadParameter(
            f"not a page token ({len(value or ''):,} characters; a token is printable ASCII, "
            f"at most {MAX_PAGE_TOKEN_LENGTH:,}): pass the token that a failed read's error line "
            "named, as shown",
            param_hint="'--starting-token'",
        ) from None


def _resume_hint(token: str | None) -> str:
    if token is None:
        return "nothing was read past the first request"
    return f"to continue from where it stopped: {PROG} history --starting-token {token}"


def _warn_unknown_actions(wanted: set[str], seen: set[str]) -> None:
    """A typo in --action matches nothing, silently: name it, with the close matches.

    Actions are an open set (the service adds new ones), so an unknown value is a warning, not an
    error, and only when neither the spec documents it nor the read met it.
    """
    if not wanted:
        return
    import difflib  # noqa: PLC0415 - only for a command that names actions

    from youcam_units import Action  # noqa: PLC0415

    known = {action.value for action in Action} | seen
    for action in sorted(wanted - known):
        close = difflib.get_close_matches(action, sorted(known), n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}?" if close else "no documented action is close"
        click.echo(
            printable(
                f"{PROG}: warning: --action {action} is neither a documented action nor one in "
                f"the history read; {hint}"
            ),
            err=True,
        )


@cli.command(name="sync")
@click.option(
    "--all",
    "all_accounts",
    is_flag=True,
    help="Sync every account of the config file, each into its own ledger.",
)
@_db_option
@_source_options
@_verbose_option
@click.pass_context
def sync_command(
    ctx: click.Context,
    *,
    all_accounts: bool,
    db: Path | str | None,
    demo: bool,
    token_file: Path | None,
    base_url: str | None,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Bring the local SQLite ledger up to date, reading only what is new.

    Safe to interrupt at any point: the next run continues where this one stopped. With --all
    (or --account all) every account is synced, one after another; one failing does not stop
    the others, and the exit status is 1 if any failed.
    """
    _configure_logging(ctx, verbose=verbose)
    from youcam_units._cli import _accounts  # noqa: PLC0415 - only the accounts file needs it

    if all_accounts or _accounts.wants_all_accounts():
        _accounts.refuse_with_all(
            "--all", db=db, demo=demo, token_file=token_file, base_url=base_url
        )
        _accounts.sync_all(_runtime(ctx), seed=seed, entries=entries, verbose=verbose)
        return
    path = db or default_db_path(demo=demo, seed=seed, entries=entries)
    source = _Source(demo, token_file, base_url, seed, entries)
    result = _sync(source, path, _runtime(ctx), verbose=verbose)
    shown = printable(where(path))
    if result.superseded:
        click.echo(
            f"another sync of {shown} moved on meanwhile; this one left the work to it after "
            f"{result.pages:,} request{'s' if result.pages != 1 else ''}"
        )
        return
    click.echo(
        f"synced {shown}: {result.new_entries:,} new entries from {result.pages:,} "
        f"request{'s' if result.pages != 1 else ''}; {result.total_entries:,} in the ledger"
    )


def _sync(source: _Source, path: Path | str, runtime: Runtime, *, verbose: bool) -> SyncResult:
    from youcam_units.ledger import sync  # noqa: PLC0415 - keeps `--help` fast

    stderr = _stderr_console()
    notice = WaitNotice(stderr)
    with (
        _reported(verbose=verbose, action="run sync again to continue where it stopped"),
        # The credentials first: a missing one is refused before the ledger file is created.
        _open_client(source, runtime, notice) as client,
        open_ledger(path) as ledger,
        _progress(stderr, "syncing") as progress,
    ):
        ledger.claim_source(_source_label(source, runtime, client.base_url))
        task = progress.add_task("sync", total=None, detail="")
        notice.attach(progress, task)

        return sync(
            ledger,
            client,
            on_page=lambda result: progress.update(task, detail=_sync_detail(result)),
        )


def _sync_detail(result: SyncResult) -> str:
    """The progress line's count: a pass adds what it read only when it ends, all at once."""
    requests = f"{result.pages:,} request{'s' if result.pages != 1 else ''}"
    if result.staged_entries:
        return f"{result.staged_entries:,} read (joining the ledger when the pass ends), {requests}"
    return f"{result.new_entries:,} new, {requests}"


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
@_day_range_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    default="table",
    show_default=True,
    help="A table and bar chart, or every group as JSON, JSON lines or CSV.",
)
@click.option(
    "--rows",
    type=click.IntRange(min=1),
    default=SUMMARY_ROWS,
    show_default=True,
    help="Draw at most N groups: the newest days or months, the actions that moved the most units.",
)
@click.option("--all", "all_rows", is_flag=True, help="Draw every group (overrides --rows).")
@money_options
@_demo_options
@_verbose_option
@click.pass_context
def summary(
    ctx: click.Context,
    *,
    db: Path | str | None,
    by: Grouping,
    since: str | None,
    until: str | None,
    fmt: Format,
    rows: int,
    all_rows: bool,
    unit_price: str | None,
    currency: str,
    demo: bool,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Units spent, granted and expired per action, day or month, from the ledger.

    Run `sync` first; with --demo the demo ledger is synced from the mock first. The table and
    chart draw --rows groups and say how many they left out; the total counts every group.
    With --unit-price, what was spent in money too (exact in JSON, to the cent in the table).
    """
    limit = None if all_rows else rows
    price = parse_unit_price(unit_price, currency)
    from youcam_units._cli import _accounts  # noqa: PLC0415
    from youcam_units.ledger import summarize, summary_json  # noqa: PLC0415

    since_ms, until_ms = _since_ms(since), _until_ms(until)
    _check_range(since_ms, until_ms)
    _configure_logging(ctx, verbose=verbose)
    if _accounts.wants_all_accounts():
        from youcam_units._cli._account_commands import summary_all  # noqa: PLC0415

        _accounts.refuse_with_all("--account all", db=db, demo=demo)
        summary_all(
            by,
            since_ms,
            until_ms,
            fmt=fmt,
            limit=limit,
            verbose=verbose,
            money=(unit_price, currency),
        )
        return
    path = db or default_db_path(demo=demo, seed=seed, entries=entries)
    if demo:
        source = _Source(demo=True, token_file=None, base_url=None, seed=seed, entries=entries)
        _sync(source, path, _runtime(ctx), verbose=verbose)
    elif no_ledger_file(path):
        raise CliError(f"no ledger at {path}: run `{PROG} sync` first (or pass --db)")
    with (
        _reported(verbose=verbose, action="check the --db path"),
        open_ledger(path, read_only=True) as ledger,
    ):
        groups = summarize(ledger, by=by, since_ms=since_ms, until_ms=until_ms)
    if fmt == "json":
        machine_readable()
        click.echo(
            summary_json(groups, by=by) if price is None else _priced_json(groups, by, price)
        )
        return
    if fmt in {"jsonl", "csv"}:
        from youcam_units._cli._rows import write_rows  # noqa: PLC0415

        machine_readable()
        write_rows(fmt, (row.to_dict(by) for row in groups), (by, *SUMMARY_COLUMNS))
        return
    stdout = _stdout_console()
    if not groups:
        stdout.print("no entries in the ledger for this period")
        return
    from youcam_units._cli._render_summary import render_summary  # noqa: PLC0415

    render_summary(groups, by, stdout, limit=limit, price=price)


def _priced_json(groups: list[SummaryRow], by: Grouping, price: UnitPrice) -> str:
    """``summary --format json`` with each row's figures in money too, exact."""
    from youcam_units import _json as exact_json  # noqa: PLC0415

    return exact_json.dumps(
        [
            {
                **row.to_dict(by),
                "currency": price.currency,
                "spent_money": price.value(row.spent),
                "granted_money": price.value(row.granted),
                "expired_money": price.value(row.expired),
                "net_money": price.value(row.net),
            }
            for row in groups
        ],
        indent=2,
    )


@cli.command()
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


def _runtime(ctx: click.Context) -> Runtime:
    obj = ctx.find_object(Runtime)
    return obj if obj is not None else Runtime()


# The other commands add themselves to ``cli``: the unit-system ones (balance, costs, status,
# export), accounts, report (the report extra) and metrics (the metrics extra).
from youcam_units._cli import (  # noqa: E402, F401
    _account_commands,
    _metrics_command,
    _report_command,
    _status_commands,
    _unit_commands,
)


def main() -> None:
    """The ``youcam-units`` entry point."""
    try:
        cli.main(prog_name=PROG)
    except BrokenPipeError:  # raised while flushing, outside the group's own handling
        sys.exit(_stop_quietly())
