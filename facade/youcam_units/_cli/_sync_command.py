"""``sync``: the local ledger brought up to date, reading only what is new.

``synced`` is the one way every command syncs a ledger (``status``, ``metrics``, ``report``,
``summary --demo``, ``export --demo``, ``sync --all``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from youcam_units._cli import _accounts
from youcam_units._cli._help import Command
from youcam_units._cli._options import (
    _db_option,
    _source_options,
    _verbose_option,
    default_db_path,
    no_ledger_file,
    where,
)
from youcam_units._cli._runtime import (
    PROG,
    CliError,
    Runtime,
    _configure_logging,
    _reported,
    current_runtime,
)
from youcam_units._cli._sources import _Source, open_client
from youcam_units._cli._terminal import WaitNotice, _stderr_console
from youcam_units._cli._text import printable
from youcam_units._cli._upgrade import open_ledger

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units import Client
    from youcam_units.ledger import Ledger, PostgresLedger, SyncResult


@click.command(name="sync", cls=Command)
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
    source: _Source,
    verbose: bool,
) -> None:
    """Bring the local SQLite ledger up to date, reading only what is new.

    Safe to interrupt at any point: the next run continues where this one stopped. With --all
    (or --account all) every account is synced, one after another; one failing does not stop
    the others, and the exit status is 1 if any failed.
    """
    _configure_logging(ctx, verbose=verbose)
    if all_accounts or _accounts.wants_all_accounts():
        _accounts.refuse_with_all("--all")
        sync_all(current_runtime(ctx), seed=source.seed, entries=source.entries)
        return
    path = db or default_db_path(demo=source.demo, seed=source.seed, entries=source.entries)
    result = _sync(source, path, current_runtime(ctx))
    shown = printable(where(path))
    if result.superseded:
        click.echo(
            f"another sync of {shown} moved on meanwhile; this one left the work to it after "
            f"{_requests(result.pages)}"
        )
        return
    click.echo(_synced_line(shown, result))


def _requests(pages: int) -> str:
    return f"{pages:,} request{'s' if pages != 1 else ''}"


def _synced_line(shown: object, result: SyncResult) -> str:
    return (
        f"synced {shown}: {result.new_entries:,} new entries from {_requests(result.pages)}; "
        f"{result.total_entries:,} in the ledger"
    )


def _sync(source: _Source, path: Path | str, runtime: Runtime) -> SyncResult:
    notice = WaitNotice(_stderr_console())
    with (
        _reported(action="run sync again to continue where it stopped"),
        # The credentials first: a missing one is refused before the ledger file is created.
        open_client(source, runtime, notice=notice) as client,
        open_ledger(path) as ledger,
    ):
        return synced(ledger, client, source, runtime, notice)


def synced(
    ledger: Ledger | PostgresLedger,
    client: Client,
    source: _Source,
    runtime: Runtime,
    notice: WaitNotice,
) -> SyncResult:
    """``ledger`` brought up to date from ``client``, its progress (and waits) on stderr."""
    from youcam_units.ledger import sync  # noqa: PLC0415 - keeps `--help` fast

    with notice.progress("syncing") as show:
        ledger.claim_source(_source_label(source, runtime, client.base_url))
        return sync(ledger, client, on_page=lambda result: show(_sync_detail(result)))


def synced_demo_or_existing(
    ctx: click.Context,
    db: Path | str | None,
    *,
    demo: bool,
    seed: int,
    entries: int,
) -> Path | str:
    """The ledger a reading command opens: the demo's, synced first, or one that exists."""
    path = db or default_db_path(demo=demo, seed=seed, entries=entries)
    if demo:
        source = _Source(demo=True, token_file=None, base_url=None, seed=seed, entries=entries)
        _sync(source, path, current_runtime(ctx))
    elif no_ledger_file(path):
        raise CliError(f"no ledger at {path}: run `{PROG} sync` first (or pass --db)")
    return path


def _sync_detail(result: SyncResult) -> str:
    """The progress line's count: a pass adds what it read only when it ends, all at once."""
    requests = _requests(result.pages)
    if result.staged_entries:
        return f"{result.staged_entries:,} read (joining the ledger when the pass ends), {requests}"
    return f"{result.new_entries:,} new, {requests}"


def _source_label(source: _Source, runtime: Runtime, base_url: str) -> str:
    """Names the history a ledger holds: the demo's data set, or the service's URL."""
    if not source.demo:
        return base_url
    service = runtime.demo_service  # a test's, else the one --seed and --entries make
    if service is not None:
        return f"the demo mock (seed {service.seed}, {service.base_count} entries)"
    return f"the demo mock (seed {source.seed}, {source.entries} entries)"


def sync_all(runtime: Runtime, *, seed: int, entries: int) -> None:
    """``sync --all``: each account into its own ledger, one after another, failures reported.

    One account's failure does not stop the others; the command fails at the end, naming them.
    """
    accounts = _accounts.every_account("sync --all")
    failed: list[str] = []
    for account in accounts:
        with _accounts.using(account):
            try:
                path = account.ledger_target
                source = _Source(False, None, None, seed, entries)  # noqa: FBT003
                result = _sync(source, path, runtime)
            except click.ClickException as exc:
                failed.append(account.name)
                _accounts.report_failure(account.name, exc)
                continue
        shown = printable(where(path))  # a URL without its password
        if result.superseded:
            click.echo(f"{account.name}: another sync of {shown} moved on meanwhile; left to it")
            continue
        click.echo(f"{account.name}: {_synced_line(shown, result)}")
    if failed:
        raise CliError(
            f"{len(failed)} of {len(accounts)} accounts failed to sync: {', '.join(failed)}"
        )
