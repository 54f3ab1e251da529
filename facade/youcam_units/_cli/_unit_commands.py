"""The unit-system commands: ``balance``, ``costs``, ``status`` and ``export``.

They share the history commands' options, error lines and exit codes (``_commands``), and add the
API key: from ``YOUCAM_API_KEY`` or ``--api-key-file``, never from the command line. Feature cost
takes only the API key; the balance and the history take the access token when one is given,
else the API key. ``status`` exits 3 when a ``--min-balance`` or ``--min-days`` threshold is
crossed, for cron and monitoring.
"""

from __future__ import annotations

import csv
import os
import sys
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click
from rich.console import Console

from youcam_units import _json as exact_json
from youcam_units._cli._commands import _runtime, _source_label, _sync, cli
from youcam_units._cli._inputs import (
    WaitNotice,
    _check_range,
    _db_option,
    _demo_options,
    _progress,
    _read_token,
    _since_ms,
    _Source,
    _source_options,
    _stdout_console,
    _until_ms,
    _verbose_option,
    default_db_path,
    default_pacing_path,
)
from youcam_units._cli._runtime import (
    DEMO_BASE_URL,
    ENV_TOKEN,
    PROG,
    CliError,
    Runtime,
    _configure_logging,
    _reported,
)
from youcam_units._cli._unit_render import render_balance, render_costs, render_status
from youcam_units._config import ENV_API_KEY

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

    from youcam_units import Balance, Client, FeatureCost, Forecast

__all__ = ["EXIT_BELOW_THRESHOLD"]

EXIT_BELOW_THRESHOLD: Final = 3
"""``status``: a ``--min-balance`` or ``--min-days`` threshold was crossed."""
_COST_COLUMNS: Final = ("description", "amount", "unit", "proc_unit", "run_task_url")

_api_key_file_option = click.option(
    "--api-key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"File holding the API key (default: the {ENV_API_KEY} variable).",
)


def _read_api_key(api_key_file: Path | None) -> tuple[str, str] | None:
    """The API key and where it came from, or ``None`` when neither source gives one."""
    from youcam_units._config import normalize_token  # noqa: PLC0415 - keeps `--help` fast

    if api_key_file is not None:
        source = f"--api-key-file {api_key_file}"
        try:
            raw = api_key_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"cannot read {source}: {exc.__class__.__name__}") from None
        if not raw.strip():
            raise CliError(f"{source} is empty: put the API key in it")
        _warn_if_readable_by_others(api_key_file)
    else:
        source = ENV_API_KEY
        raw = os.environ.get(ENV_API_KEY, "")
        if not raw.strip():
            return None
    try:
        return normalize_token(raw, source=source, kind="API key"), source
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _warn_if_readable_by_others(path: Path) -> None:
    """As ssh does for keys: a key file other users can read is worth a warning."""
    from youcam_units._token_file import readable_by_others  # noqa: PLC0415

    mode = readable_by_others(path)
    if mode is not None:
        click.echo(
            f"{PROG}: warning: --api-key-file {path} can be read by other users (mode "
            f"{mode:04o}); restrict it with: chmod 600 {path}",
            err=True,
        )


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
    import httpx  # noqa: PLC0415 - keeps `--help` fast

    from youcam_units import AuthenticationError, Client  # noqa: PLC0415

    options = dict(runtime.client_options)
    key_source = token_source = "the demo"  # noqa: S105 - where a credential came from
    if source.demo:
        from youcam_units.mock import DEFAULT_API_KEY, DEFAULT_TOKEN, MockService  # noqa: PLC0415

        service = runtime.demo_service or MockService(seed=source.seed, entries=source.entries)
        token: str | None = DEFAULT_TOKEN
        key: str | None = DEFAULT_API_KEY
        transport: httpx.BaseTransport | None = service.transport()
        base_url: str | None = DEMO_BASE_URL
        options.setdefault("rate_limit", None)
    else:
        found = _read_api_key(api_key_file)
        key, key_source = found if found is not None else (None, "")
        token = None
        if source.token_file is not None or os.environ.get(ENV_TOKEN, "").strip():
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
            client = Client(token, api_key=key, base_url=base_url, http_client=http, **options)
        except (TypeError, ValueError) as exc:  # a refused base URL or credential; never echoed
            raise CliError(str(exc)) from None
        with client:
            try:
                yield client
            except AuthenticationError as exc:
                by_key = token is None or (exc.error_code or "").endswith("ApiKey")
                what, where = ("API key", key_source) if by_key else ("access token", token_source)
                code = f" {exc.error_code}" if exc.error_code else ""
                raise CliError(
                    f"the service refused the {what} from {where} (HTTP 401{code}): it is wrong, "
                    f"inactive or expired; put a valid one in {where}"
                    + (f" (request id {exc.request_id})" if exc.request_id else "")
                ) from None
    finally:
        if http is not None:
            http.close()


def _service_options(func: Any) -> Any:  # noqa: ANN401 - click's decorated callables
    """The history commands' source options, plus ``--api-key-file``."""
    return _api_key_file_option(_source_options(func))


# -- balance -------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table, or JSON: an object with the exact total and the buckets.",
)
@_service_options
@_verbose_option
@click.pass_context
def balance(
    ctx: click.Context,
    *,
    fmt: str,
    demo: bool,
    token_file: Path | None,
    api_key_file: Path | None,
    base_url: str | None,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Show the units you have now: each bucket's type, amount and expiry, and the total."""
    _configure_logging(ctx, verbose=verbose)
    source = _Source(demo, token_file, base_url, seed, entries)
    with (
        _reported(verbose=verbose, action="run the command again"),
        _unit_client(source, _runtime(ctx), api_key_file, needs_key=False) as client,
    ):
        result = client.balance()
    if fmt == "json":
        click.echo(exact_json.dumps(_balance_json(result), indent=2))
        return
    render_balance(result, _stdout_console())


def _balance_json(result: Balance) -> dict[str, Any]:
    body = result.to_dict()
    for bucket, shown in zip(result.buckets, body["buckets"], strict=True):
        shown["expires_at"] = None if bucket.expires_at is None else _iso(bucket.expires_at)
    return body


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# -- costs ---------------------------------------------------------------------------------


@cli.command()
@click.option("--search", metavar="TEXT", help="Only features whose description contains TEXT.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="A table, JSON (a list of SKUs, amounts exact) or CSV.",
)
@_service_options
@_verbose_option
@click.pass_context
def costs(
    ctx: click.Context,
    *,
    search: str | None,
    fmt: str,
    demo: bool,
    token_file: Path | None,
    api_key_file: Path | None,
    base_url: str | None,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Show what each feature costs, in units per result image or per second (needs the API key)."""
    _configure_logging(ctx, verbose=verbose)
    source = _Source(demo, token_file, base_url, seed, entries)
    wanted = None if search is None else search.casefold()
    with (
        _reported(verbose=verbose, action="run the command again"),
        _unit_client(source, _runtime(ctx), api_key_file, needs_key=True) as client,
    ):
        found = [
            cost
            for cost in client.feature_costs()
            if wanted is None or wanted in cost.description.casefold()
        ]
    if fmt == "json":
        click.echo(exact_json.dumps([cost.to_dict() for cost in found], indent=2))
    elif fmt == "csv":
        _write_costs_csv(found)
    elif not found:
        _stdout_console().print(
            "no feature matches" + ("" if search is None else f" --search {search!r}")
        )
    else:
        render_costs(found, _stdout_console())


def _write_costs_csv(found: list[FeatureCost]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(_COST_COLUMNS)
    for cost in found:
        row = cost.to_dict()
        writer.writerow([str(row[column]) for column in _COST_COLUMNS])


# -- status --------------------------------------------------------------------------------


def _threshold(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0:
        raise click.BadParameter(
            f"{value!r} is not a number of 0 or more (like 500 or 12.5)", param_hint=option
        )
    return number


def _as_of(value: str | None, *, demo: bool) -> datetime:
    """The time the forecast is made at: ``--as-of``, the demo data's own now, or now."""
    if value is not None:
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(
                f"{value!r} is not a time like 2026-11-25 or 2026-11-25T12:00Z",
                param_hint="'--as-of'",
            ) from None
        return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    if demo:
        from youcam_units.mock import MOCK_NOW_MS  # noqa: PLC0415

        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=MOCK_NOW_MS)
    return datetime.now(UTC)


@cli.command()
@click.option(
    "--min-balance",
    metavar="UNITS",
    help=f"Exit {EXIT_BELOW_THRESHOLD} if the balance is below UNITS.",
)
@click.option(
    "--min-days",
    metavar="DAYS",
    help=f"Exit {EXIT_BELOW_THRESHOLD} if the units run out in fewer than DAYS days.",
)
@click.option(
    "--no-sync", is_flag=True, help="Use the ledger as it is (no history requests first)."
)
@click.option(
    "--as-of",
    metavar="TIME",
    help="Forecast as of this UTC time (default: now; with --demo, the demo data's now).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A few lines and a chart, or JSON.",
)
@_db_option
@_service_options
@_verbose_option
@click.pass_context
def status(
    ctx: click.Context,
    *,
    min_balance: str | None,
    min_days: str | None,
    no_sync: bool,
    as_of: str | None,
    fmt: str,
    db: Path | None,
    demo: bool,
    token_file: Path | None,
    api_key_file: Path | None,
    base_url: str | None,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Balance, spending per day, run-out date and units expiring soon.

    Syncs the ledger first (k new entries cost ceil(k/30)+1 requests), then reads the balance
    (one request). With --min-balance and/or --min-days it exits 3 when below, saying why on
    stderr: for cron and monitoring.
    """
    from youcam_units.ledger import Ledger, forecast, sync  # noqa: PLC0415

    floor = _threshold(min_balance, "'--min-balance'")
    days = _threshold(min_days, "'--min-days'")
    now = _as_of(as_of, demo=demo)
    _configure_logging(ctx, verbose=verbose)
    path = db or default_db_path(demo=demo, seed=seed, entries=entries)
    source = _Source(demo, token_file, base_url, seed, entries)
    runtime = _runtime(ctx)
    if no_sync and not path.exists():
        raise CliError(f"no ledger at {path}: run `{PROG} sync` first, or drop --no-sync")
    stderr = Console(stderr=True, highlight=False)
    notice = WaitNotice(stderr)
    with (
        _reported(verbose=verbose, action="run status again"),
        _unit_client(source, runtime, api_key_file, needs_key=False, notice=notice) as client,
        Ledger(path) as ledger,
    ):
        if not no_sync:
            with _progress(stderr, "syncing") as progress:
                ledger.claim_source(_source_label(source, runtime, client.base_url))
                task = progress.add_task("sync", total=None, detail="")
                notice.attach(progress, task)
                sync(ledger, client)
        current = client.balance()
        outlook = forecast(current, ledger, now=now)
        daily = _daily_spending(ledger, now)
    if fmt == "json":
        click.echo(exact_json.dumps(_status_json(outlook), indent=2))
    else:
        render_status(outlook, daily, _stdout_console())
    reasons = _below(outlook, floor, days)
    for reason in reasons:
        click.echo(f"{PROG}: below threshold: {reason}", err=True)
    if reasons:
        ctx.exit(EXIT_BELOW_THRESHOLD)


_CHART_DAYS: Final = 30


def _daily_spending(ledger: Any, now: datetime) -> list[Decimal]:  # noqa: ANN401 - a Ledger
    """Units spent on each of the last 30 UTC days up to ``now``, oldest first (expiries aside)."""
    day_ms = 86_400_000
    end = (now - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    start = end - _CHART_DAYS * day_ms
    totals = [Decimal(0)] * _CHART_DAYS
    for entry in ledger.entries(since_ms=start, until_ms=end):
        if str(entry.action) == "expire" or entry.amount >= 0:
            continue
        totals[min(_CHART_DAYS - 1, (entry.timestamp_ms - start) // day_ms)] -= entry.amount
    return totals


def _below(outlook: Forecast, floor: Decimal | None, days: Decimal | None) -> list[str]:
    reasons = []
    if floor is not None and outlook.balance < floor:
        reasons.append(f"the balance {outlook.balance:,} is below --min-balance {floor}")
    left = outlook.days_left
    if days is not None and left is not None and left < days:
        reasons.append(
            f"the units run out in {left:.1f} days, fewer than --min-days {days} "
            f"(at {outlook.spend_per_day:,.2f} units per day)"
        )
    return reasons


def _status_json(outlook: Forecast) -> dict[str, Any]:
    left = outlook.days_left
    return {
        "as_of": _iso(outlook.now),
        "balance": outlook.balance,
        "spend_per_day": outlook.spend_per_day,
        "window_days": outlook.rate.days,
        "runs_out_at": None if outlook.runs_out_at is None else _iso(outlook.runs_out_at),
        "days_left": left,
        "expiring_within_days": Decimal(outlook.horizon / timedelta(days=1)),
        "expiring_total": outlook.expiring_total,
        "expiring": [
            {
                "bucket": units.bucket.id,
                "amount": units.amount,
                "expires_at": _iso(units.expires_at),
            }
            for units in outlook.expiring
        ],
    }


# -- export --------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default="jsonl",
    show_default=True,
    help="CSV (one row per entry) or JSON lines (each entry exactly as sent).",
)
@click.option("--since", "since", metavar="DAY", help="Only entries on or after this UTC day.")
@click.option("--until", "until", metavar="DAY", help="Only entries on or before this UTC day.")
@_db_option
@_demo_options
@_verbose_option
@click.pass_context
def export(
    ctx: click.Context,
    *,
    fmt: str,
    since: str | None,
    until: str | None,
    db: Path | None,
    demo: bool,
    seed: int,
    entries: int,
    verbose: bool,
) -> None:
    """Write the ledger's entries, newest first, without any request to the service.

    Run `sync` first; with --demo the demo ledger is synced from the in-process mock first.
    """
    from youcam_units._cli._render import make_writer  # noqa: PLC0415
    from youcam_units.ledger import Ledger  # noqa: PLC0415

    since_ms, until_ms = _since_ms(since), _until_ms(until)
    _check_range(since_ms, until_ms)
    _configure_logging(ctx, verbose=verbose)
    path = db or default_db_path(demo=demo, seed=seed, entries=entries)
    if demo:
        _sync(_Source(demo, None, None, seed, entries), path, _runtime(ctx), verbose=verbose)
    elif not path.exists():
        raise CliError(f"no ledger at {path}: run `{PROG} sync` first (or pass --db)")
    writer = make_writer("csv" if fmt == "csv" else "jsonl", sys.stdout, _stdout_console())
    batch: list[Any] = []
    with (
        _reported(verbose=verbose, action="check the --db path"),
        Ledger(path, read_only=True) as ledger,
    ):
        try:
            for entry in ledger.entries(since_ms=since_ms, until_ms=until_ms):
                batch.append(entry)
                if len(batch) == 500:  # noqa: PLR2004 - a write per 500 rows, memory flat
                    writer.write_page(batch)
                    batch = []
            writer.write_page(batch)
        finally:
            writer.close()
