"""Amount columns: one number of decimals per column, lined up on the point, no digit lost."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from rich.console import Console
from youcam_units._cli._fit import amounts
from youcam_units._cli._render_summary import render_summary
from youcam_units.ledger import SummaryRow


def test_a_column_takes_two_decimals_or_as_many_as_a_value_needs() -> None:
    """1,020 beside 729.16 is 1,020.00; beside 0.125 every value gains a third decimal."""
    assert amounts([Decimal(1020), Decimal("729.16"), Decimal(-2)]) == [
        "1,020.00",
        "729.16",
        "-2.00",
    ]
    assert amounts([Decimal(9), Decimal("0.125")]) == ["9.000", "0.125"]
    assert amounts([Decimal("1.5E+3"), Decimal("-3.9")], sign=True) == ["+1,500.00", "-3.90"]
    assert amounts([None, Decimal("1.5")]) == ["", "1.50"]  # a field the service did not send


def test_summary_keeps_a_third_decimal_and_lines_every_point_up() -> None:
    """A spend of 0.125 is not rounded to 0.13: its column shows three decimals, aligned."""
    rows = [
        SummaryRow("2026-10-01", 3, Decimal("0.125"), Decimal(1020), Decimal(0)),
        SummaryRow("2026-10-02", 1, Decimal(66), Decimal("729.16"), Decimal("67.7")),
    ]
    out = io.StringIO()
    render_summary(rows, "day", Console(file=out, width=80, color_system=None))
    table = out.getvalue().split("units per day: ")[0].splitlines()
    lines = [line for line in table if line.startswith(("2026-", "total"))]
    assert [line.split()[2] for line in lines] == ["0.125", "66.000", "66.125"]
    assert [line.split()[3] for line in lines] == ["1,020.00", "729.16", "1,749.16"]
    cells = [[(m.start(), m.group()) for m in re.finditer(r"\S+", line)] for line in lines]
    for column in (2, 3, 4, 5):  # each figure's point sits in the same cell, row by row
        points = {row[column][0] + row[column][1].index(".") for row in cells}
        assert len(points) == 1, (column, lines)


def test_a_group_that_is_no_date_folds_at_40_columns_while_dates_stay_whole() -> None:
    """A time beyond the years 1-9999 names its group in raw ms: that name folds, not a date."""
    rows = [
        SummaryRow("2026-10-01", 3, Decimal("1.5"), Decimal(1020), Decimal(0)),
        SummaryRow(
            "253402300800000 ms (beyond the years 1-9999)", 1, Decimal(2), Decimal(0), Decimal(0)
        ),
    ]
    out = io.StringIO()
    render_summary(rows, "day", Console(file=out, width=40, color_system=None))
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 40
    assert sum(line.startswith("2026-10-01 ") for line in lines) == 2  # the table and the chart


def test_a_chart_of_expired_units_only_keeps_its_one_column_whole() -> None:
    """Expiry alone, too wide for 40 columns: its column is the chart's last, so it stays.

    The chart dropped the expired column whenever its bars had no room, leaving no column at
    all, and divided by zero.
    """
    huge = Decimal("1234567890123456789012345.5")
    rows = [SummaryRow(f"2026-01-0{n}", 1, Decimal(0), Decimal(0), huge * n) for n in (1, 2)]
    out = io.StringIO()
    render_summary(rows, "day", Console(file=out, width=40, color_system=None))
    chart = out.getvalue().split("units per day: ")[1].splitlines()
    assert [line.split()[:2] for line in chart if line.startswith("2026-")] == [
        ["2026-01-01", "1,234,567,890,123,456,789,012,345.50"],
        ["2026-01-02", "2,469,135,780,246,913,578,024,691.00"],
    ]
