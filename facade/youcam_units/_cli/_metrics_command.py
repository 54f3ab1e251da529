"""``metrics``: the status as Prometheus metrics, printed, written to a file, or served.

Needs the ``metrics`` extra (prometheus-client); without it, one line says so. The options
are ``status``'s own (``_status_options``), read through the same ``read_status``.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._help import Command
from youcam_units._cli._options import FilePath
from youcam_units._cli._runtime import PROG, CliError, current_runtime, require_extra
from youcam_units._cli._status_options import StatusQuery, _status_options
from youcam_units._cli._status_reading import read_status

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from youcam_units._accounts import Account
    from youcam_units._cli._runtime import Runtime
    from youcam_units._cli._status_reading import StatusReading

__all__ = ["DEFAULT_ACCOUNT", "MIN_INTERVAL", "metrics"]

DEFAULT_ACCOUNT: Final = "default"
"""The ``account`` label with no account of the config file in use (or with ``--demo``)."""
DEFAULT_PORT: Final = 9464
"""The port the Prometheus exporter registry lists for unassigned exporters' examples."""
DEFAULT_INTERVAL: Final = 300
MIN_INTERVAL: Final = 60
"""Seconds between refreshes at least: each costs two requests or more (a history page, the
balance) of the 250 per 300 s the service allows the token, shared with every other command."""


def _interval(_ctx: click.Context, _param: click.Parameter, value: int) -> int:
    if value < MIN_INTERVAL:
        raise click.BadParameter(
            f"{value} s is below the minimum of {MIN_INTERVAL} s: each refresh costs requests "
            "of the service's rate limit (250 per 300 s)",
            param_hint="'--interval'",
        )
    return value


def _check_output(output: Path) -> None:
    """A file we can create: checked before any request, so nothing is read in vain."""
    import os  # noqa: PLC0415

    parent = output.parent
    if not parent.is_dir():
        raise click.BadParameter(f"no directory {parent} to write into", param_hint="'-o'")
    if output.is_dir():
        raise click.BadParameter(f"{output} is a directory", param_hint="'-o'")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise click.BadParameter(
            f"cannot write into {parent} (the file is written beside its target, then renamed)",
            param_hint="'-o'",
        )


@click.command(cls=Command)
@click.option(
    "-o",
    "--output",
    type=FilePath(),
    help="Write the metrics to FILE (a temporary file renamed over it: a reader never sees "
    "half of it), e.g. for node_exporter's textfile collector.",
)
@click.option("--serve", is_flag=True, help="Serve /metrics over HTTP until stopped.")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="With --serve: interface to bind."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="With --serve: port to listen on.",
)
@click.option(
    "--interval",
    type=int,
    default=DEFAULT_INTERVAL,
    show_default=True,
    callback=_interval,
    metavar="SECONDS",
    help=f"With --serve: read the status every SECONDS (at least {MIN_INTERVAL}); with "
    "--account all, each account in turn, once per interval. A scrape never sends a request.",
)
@_status_options
@click.pass_context
def metrics(
    ctx: click.Context,
    /,
    *,
    output: Path | None,
    serve: bool,
    host: str,
    port: int,
    interval: int,
    **options: Any,  # noqa: ANN401 - the shared _status_options, read by StatusQuery
) -> None:
    """The status as Prometheus metrics: balance, days left, expiring units, budgets, spending.

    Prints the Prometheus text format once (or writes it to -o FILE), or with --serve serves
    /metrics, reading the status every --interval seconds in the background. Takes the same
    options as status; the account label is the account's name, and --account all gives every
    account's series at once. Needs the metrics extra.
    """
    if serve and output is not None:
        raise click.UsageError("-o writes the metrics once; --serve serves them: choose one")
    if not serve:
        for name in ("host", "port", "interval"):
            if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT:
                raise click.UsageError(f"--{name} is for --serve")
    if output is not None:
        _check_output(output)
    require_extra("metrics", "metrics", {"prometheus_client": "prometheus-client"})
    runtime = current_runtime(ctx)
    readers = _readers(ctx, options, runtime)
    if serve:
        _serve(readers, host, port, interval)
        return
    import time  # noqa: PLC0415

    from youcam_units._cli._metrics import Snapshot, accounts_text, write_atomically  # noqa: PLC0415

    snapshots, failed = _read_each(readers)
    data = accounts_text({name: Snapshot(reading, time.time()) for name, reading in snapshots})
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        try:
            write_atomically(output, data)
        except OSError as exc:
            raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None
    if failed:
        raise CliError(f"{len(failed)} of {len(readers)} accounts failed: {', '.join(failed)}")


def _read_each(
    readers: dict[str, Callable[[], StatusReading]],
) -> tuple[list[tuple[str, StatusReading]], list[str]]:
    """Each account's reading; with several, one failing is reported and the others go on.

    (Their metrics are still written, and the command fails after, naming it, as ``status
    --account all`` does.) One account alone fails as ``status`` fails.
    """
    from youcam_units._cli._accounts import report_failure  # noqa: PLC0415

    if len(readers) == 1:
        ((name, read),) = readers.items()
        return [(name, read())], []
    readings, failed = [], []
    for name, read in readers.items():
        try:
            readings.append((name, read()))
        except click.ClickException as exc:
            failed.append(name)
            report_failure(name, exc)
    return readings, failed


def _readers(
    ctx: click.Context, options: dict[str, Any], runtime: Runtime
) -> dict[str, Callable[[], StatusReading]]:
    """Each account's reading, by its ``account`` label: one, or every one with --account all.

    The label is the account's name; ``default`` with no account (no config file, or
    ``--demo``). Each query is checked now, before any request; each reading runs with the
    command's context and its account in use, also in the refresher's thread.
    """
    from youcam_units._cli import _accounts  # noqa: PLC0415

    if _accounts.wants_all_accounts():
        _accounts.refuse_with_all("--account all")
        options = _accounts.each_accounts_own(options)
        accounts: list[Account | None] = list(_accounts.every_account("metrics --account all"))
    else:
        accounts = [_accounts.account_in_use()]

    def reader(account: Account | None) -> Callable[[], StatusReading]:
        with _in_use(ctx, account):
            query = StatusQuery.from_options(ctx, options)

        def read() -> StatusReading:
            with _in_use(ctx, account):
                return read_status(query, runtime)

        return read

    return {
        DEFAULT_ACCOUNT if account is None else account.name: reader(account)
        for account in accounts
    }


@contextmanager
def _in_use(ctx: click.Context, account: Account | None) -> Iterator[None]:
    """``ctx`` current in this thread, with ``account`` in use (as ``--account`` names it)."""
    from youcam_units._cli._accounts import using  # noqa: PLC0415

    with ctx.scope(cleanup=False), using(account) if account is not None else nullcontext():
        yield


def _serve(
    readers: dict[str, Callable[[], StatusReading]], host: str, port: int, interval: int
) -> None:
    """Serve until Ctrl-C or SIGTERM; every account is read in turn in the background."""
    import errno  # noqa: PLC0415
    import signal  # noqa: PLC0415
    import threading  # noqa: PLC0415

    from youcam_units._cli._metrics import AccountsRefresher, registry_for, serve  # noqa: PLC0415

    def failed(account: str, exc: BaseException) -> None:
        why = exc.format_message() if isinstance(exc, click.ClickException) else repr(exc)
        whose = "" if len(readers) == 1 else f"account {account}: "
        click.echo(
            f"{PROG}: warning: {whose}refresh failed: {why}; serving the last values, next try "
            f"in {interval} s",
            err=True,
        )

    refresher = AccountsRefresher(readers, interval, on_failure=failed)
    try:
        server = serve(registry_for(refresher.collector), host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CliError(
                f"cannot serve metrics on {host}:{port}: the port is in use; choose another "
                "with --port"
            ) from None
        raise CliError(f"cannot serve metrics on {host}:{port}: {exc.strerror or exc}") from None
    bound = server.server_address[1]
    click.echo(
        f"serving metrics on http://{host}:{bound}/metrics, read every {interval} s; Ctrl-C stops",
        err=True,
    )
    stopped = threading.Event()
    if threading.current_thread() is threading.main_thread():  # a service manager's stop
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    refresher.start()
    try:
        while not stopped.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        refresher.stop()
        server.shutdown()
        server.server_close()
