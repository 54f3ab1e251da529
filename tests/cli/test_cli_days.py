"""--since and --until: the day forms people type, each a whole UTC day (or a month of them)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click
import pytest
from youcam_units._cli._days import _since_ms, _until_ms

if TYPE_CHECKING:
    from cli.conftest import Invoke

TODAY = date(2026, 12, 6)
DAY_MS = 86_400_000


def _ms(day: str) -> int:
    return (date.fromisoformat(day).toordinal() - date(1970, 1, 1).toordinal()) * DAY_MS


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("2026-11-25", "2026-11-25", "2026-11-25"),
        ("today", "2026-12-06", "2026-12-06"),
        ("Yesterday", "2026-12-05", "2026-12-05"),
        ("7d", "2026-11-29", "2026-11-29"),
        ("30d", "2026-11-06", "2026-11-06"),
        ("2w", "2026-11-22", "2026-11-22"),
        ("2026-11", "2026-11-01", "2026-11-30"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        (" 2026-12 ", "2026-12-01", "2026-12-31"),
    ],
)
def test_each_form_names_whole_utc_days(text: str, since: str, until: str) -> None:
    """--since takes the first day the form names, --until the end of its last day."""
    assert _since_ms(text, today=TODAY) == _ms(since)
    assert _until_ms(text, today=TODAY) == _ms(until) + DAY_MS


@pytest.mark.parametrize("text", ["someday", "7", "d7", "-7d", "2026-13", "2026-11-31", "9999999d"])
def test_anything_else_says_which_forms_it_takes(text: str) -> None:
    """A form it does not know is a usage error that lists the forms it does."""
    with pytest.raises(click.BadParameter, match="a month 2026-11, today, yesterday, 7d"):
        _since_ms(text, today=TODAY)


def test_a_month_reads_the_same_entries_as_its_first_and_last_day(invoke: Invoke) -> None:
    """A month (`--since 2026-10 --until 2026-10`) reads its first to its last day."""
    by_month = invoke("history", "--since", "2026-10", "--until", "2026-10", "--format", "jsonl")
    by_days = invoke(
        "history", "--since", "2026-10-01", "--until", "2026-10-31", "--format", "jsonl"
    )
    assert by_month.exit_code == 0, by_month.stderr
    assert by_month.stdout == by_days.stdout
    assert by_month.stdout.count("\n") > 10
