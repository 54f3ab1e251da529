"""The status's inputs: ``_status_options`` and ``StatusQuery``.

Shared by every command that shows the status: ``status``, ``metrics`` and ``report``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

import click

from youcam_units._cli._accounts import account_budgets
from youcam_units._cli._budgets import Budgets, budget_options
from youcam_units._cli._options import (
    _db_option,
    _source_options,
    _verbose_option,
    default_db_path,
    stacked,
)
from youcam_units._cli._runtime import _configure_logging

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units._cli._sources import _Source


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


AS_OF_RANGE: Final = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC))
"""``--as-of``: history is in Unix milliseconds (from 1970), and forecasts reach past ``now``."""


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
        when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        if not AS_OF_RANGE[0] <= when < AS_OF_RANGE[1]:
            # The forecast looks 30 days back and ahead: near year 1 or 9999 that overflows.
            raise click.BadParameter(
                f"{value!r} is out of range: pick a time from {AS_OF_RANGE[0]:%Y-%m-%d} to "
                f"{AS_OF_RANGE[1] - timedelta(days=1):%Y-%m-%d}",
                param_hint="'--as-of'",
            )
        return when.astimezone(UTC)  # whatever offset it had: shown, like every time, with a Z
    if demo:
        from youcam_units._models import EPOCH  # noqa: PLC0415
        from youcam_units.mock import MOCK_NOW_MS  # noqa: PLC0415

        return EPOCH + timedelta(milliseconds=MOCK_NOW_MS)
    return datetime.now(UTC)


_status_options: Final = stacked(
    click.option(
        "--no-sync", is_flag=True, help="Use the ledger as it is (no history requests first)."
    ),
    click.option(
        "--as-of",
        metavar="TIME",
        help="Forecast as of this UTC time (default: now; with --demo, the demo data's now).",
    ),
    budget_options,
    _db_option,
    _source_options,
    _verbose_option,
)
"""What ``status`` reads and how; every command that shows the status takes the same."""


@dataclass(frozen=True)
class StatusQuery:
    """The status options, checked: what to read, from where, and the budgets to hold it to."""

    source: _Source
    path: Path | str
    """The ledger: a file, or a ``postgresql://`` URL."""
    api_key_file: Path | None
    no_sync: bool
    as_of: datetime | None
    """``--as-of``, or the demo's now; ``None``: the time of each reading."""
    budgets: Budgets
    verbose: bool

    @classmethod
    def from_options(cls, ctx: click.Context, options: dict[str, Any]) -> StatusQuery:
        """Checks the options before any request (a missing ledger with --no-sync too)."""
        source: _Source = options["source"]
        demo, as_of = source.demo, options["as_of"]
        query = cls(
            source=source,
            path=options["db"]
            or default_db_path(demo=demo, seed=source.seed, entries=source.entries),
            api_key_file=source.api_key_file,
            no_sync=options["no_sync"],
            as_of=_as_of(as_of, demo=demo) if as_of is not None or demo else None,
            budgets=Budgets(*account_budgets(options["monthly_budget"], options["action_budgets"])),
            verbose=options["verbose"],
        )
        _configure_logging(ctx, verbose=query.verbose)
        return query
