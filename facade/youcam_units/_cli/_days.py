"""``--since``/``--until``: the days a command reads, in the forms people type, in UTC."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from typing import Final

import click

from youcam_units._cli._options import stacked

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
    return _ms(_parse_days(value, "'--until'", today=today)[1], days_after=1)


_day_range_options: Final = stacked(
    click.option(
        "--since",
        "since",
        metavar="DAY",
        help=f"Only entries on or after this UTC day (a month: its first day). DAY: {DAY_FORMS}.",
    ),
    click.option(
        "--until",
        "until",
        metavar="DAY",
        help="Only entries on or before this UTC day (a month: its last day).",
    ),
)
"""``--since DAY`` and ``--until DAY``, both inclusive, for every command that filters."""


def _ms(day: date, *, days_after: int = 0) -> int:
    """The start of a UTC day, or of one ``days_after`` it, in Unix ms.

    By day count: 9999-12-31 has no next ``date``.
    """
    from youcam_units._models import DAY_MS, EPOCH  # noqa: PLC0415 - keeps `--help` fast

    return (day.toordinal() + days_after - EPOCH.toordinal()) * DAY_MS


def _day_range(since: str | None, until: str | None) -> tuple[int | None, int | None]:
    """``--since``/``--until`` as a half-open window in Unix ms; a reversed one is refused."""
    since_ms, until_ms = _since_ms(since), _until_ms(until)
    if since_ms is not None and until_ms is not None and since_ms >= until_ms:
        raise click.BadParameter("--since must not be after --until", param_hint="'--since'")
    return since_ms, until_ms
