"""The options several commands share, declared one way (``stacked``, ``format_option``).

The source (``--demo``, ``--token-file``, ``--base-url``), ``--db``, ``--verbose``, file paths,
and the money: ``--unit-price``/``--currency``, whose defaults the account in use supplies
(``_accounts``), made a ``UnitPrice`` by ``unit_price`` (bad input: one line, exit 2).
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._accounts import account_option, account_price, current_account
from youcam_units._cli._runtime import DEMO_ENTRIES, DEMO_SEED
from youcam_units._cli._sources import _Source
from youcam_units._config import ENV_ACCESS_TOKEN, ENV_API_KEY, ENV_BASE_URL, ENV_DB

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from youcam_units._money import UnitPrice
    from youcam_units.ledger import Grouping, SummaryRow

    Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


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

        if os.fsdecode(value) == "-":  # stdin or stdout to Unix tools: a file '-' is a surprise
            self.fail(
                "'-' is not standard input or output here: name a file (./- for '-')", param, ctx
            )
        path = Path(os.fsdecode(super().convert(value, param, ctx)))
        try:
            mode = path.stat().st_mode
        except OSError:  # absent (a ledger to create) or unreadable: the command says so
            return path
        if not stat.S_ISREG(mode):
            # A FIFO or a device would block the command (or feed it without end).
            self.fail(f"{os.fsdecode(value)!r} is not a regular file", param, ctx)
        return path


def stacked(*options: Decorator) -> Decorator:
    """Several options as one decorator, listed in ``--help`` in the order given."""

    def apply(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func

    return apply


def format_option(
    help_text: str,
    choices: Sequence[str] = ("table", "json", "jsonl", "csv"),
    default: str = "table",
) -> Decorator:
    """``--format``, as every command that can print rows or JSON declares it."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help=help_text,
    )


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
_API_KEY_FILE_OPTION: Final = click.option(
    "--api-key-file",
    type=FilePath(exists=True),
    help=f"File holding the API key (default: the {ENV_API_KEY} variable).",
)
_SERVICE_OPTIONS: Final = (
    click.option(
        "--token-file",
        type=FilePath(exists=True),
        help=f"File holding the access token (default: the {ENV_ACCESS_TOKEN} variable).",
    ),
    click.option(
        "--base-url",
        envvar=ENV_BASE_URL,
        show_envvar=True,
        help="Service URL (default: the production server).",
    ),
)


def _source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--api-key-file``, ``--demo`` (``--seed``, ``--entries``), ``--token-file``, ``--base-url``.

    They reach the command as one ``source``. Every command that reads the service takes both
    credentials' files: the API key stands in for a missing access token.
    """

    @functools.wraps(func)
    def with_source(
        *args: Any,  # noqa: ANN401 - click's
        demo: bool,
        token_file: Path | None,
        api_key_file: Path | None,
        base_url: str | None,
        seed: int,
        entries: int,
        **kwargs: Any,  # noqa: ANN401 - click's
    ) -> Any:  # noqa: ANN401 - the command's
        source = _Source(demo, token_file, base_url, seed, entries, api_key_file)
        return func(*args, source=source, **kwargs)

    return stacked(_API_KEY_FILE_OPTION, *_DEMO_OPTIONS, *_SERVICE_OPTIONS)(with_source)


_demo_options: Final = stacked(*_DEMO_OPTIONS)
"""``--demo`` with its ``--seed``/``--entries`` (summary reads the ledger, not the service)."""


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


_db_option: Final = click.option(
    "--db",
    type=LedgerTarget(),
    envvar=ENV_DB,
    show_envvar=True,
    help=(
        "Ledger file (default: ledger.sqlite3 in the user data dir; another with --demo), "
        "or a postgresql://user@host/db?ledger=NAME URL (needs the postgres extra)."
    ),
)


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
        account = current_account()
        if account is not None:
            return account.ledger_target

    import platformdirs  # noqa: PLC0415

    base = Path(platformdirs.user_data_dir("youcam-units", appauthor=False))
    return base / (f"demo-{seed}-{entries}.sqlite3" if demo else "ledger.sqlite3")


# -- --unit-price and --currency: money in summary, status and report ------------------------------


DEFAULT_CURRENCY: Final = "USD"
MONEY_COLUMNS: Final = ("currency", "spent_money", "granted_money", "expired_money", "net_money")
"""The fields ``priced_row`` adds with a price, in its order (``summary --format csv``'s tail)."""

money_options: Final = stacked(
    click.option(
        "--unit-price",
        metavar="PRICE",
        help="What one unit costs (like 0.05): adds money to the figures, exact until shown.",
    ),
    click.option(
        "--currency",
        metavar="CODE",
        default=DEFAULT_CURRENCY,
        show_default=True,
        help="With --unit-price: its currency, a three-letter ISO 4217 code.",
    ),
)


def unit_price(price: str | None, currency: str) -> UnitPrice | None:
    """The options as a ``UnitPrice`` (``None`` without a price); bad input: exit 2.

    Without ``--unit-price``, the price of the account in use, if it has one.

    The currency is checked even without a price, so a typo is never silently ignored.
    """
    from decimal import Decimal  # noqa: PLC0415 - keeps `--help` fast

    from youcam_units._money import UnitPrice  # noqa: PLC0415

    price, currency = account_price(price, currency)
    code = currency.strip().upper()
    try:
        UnitPrice(Decimal(0), code)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--currency'") from None
    if price is None:
        return None
    try:
        return UnitPrice.parse(price, code)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--unit-price'") from None


def priced_row(row: SummaryRow, by: Grouping, price: UnitPrice | None) -> dict[str, Any]:
    """A row as ``summary --format json`` gives it: with a price, its money too (exact)."""
    body = row.to_dict(by)
    if price is None:
        return body
    return {
        **body,
        "currency": price.currency,
        "spent_money": price.value(row.spent),
        "granted_money": price.value(row.granted),
        "expired_money": price.value(row.expired),
        "net_money": price.value(row.net),
    }
