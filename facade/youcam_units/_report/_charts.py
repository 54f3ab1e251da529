"""The report's charts: SVG drawn in Python by pygal, no JavaScript, nothing fetched.

pygal's default adds a ``<script>`` from a CDN for tooltips: ``js=[]`` leaves it out, so the
file opens offline and prints as it shows. Values become floats here, for drawing only: every
figure the page states comes from the exact ``Decimal`` beside the chart, never from the chart.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import pygal
from pygal.style import Style

from youcam_units._models import EPOCH

if TYPE_CHECKING:
    from youcam_units._report._data import ReportData

__all__ = ["action_chart", "balance_chart", "daily_chart"]

MAX_STACKED_ACTIONS: Final = 10
"""Actions drawn apiece in the daily chart; the rest are one "other" band."""
_PALETTE: Final = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
    "#7f7f7f",
)
_STYLE: Final = Style(
    background="white",
    plot_background="white",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#ccc",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    colors=_PALETTE,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    title_font_size=14,
)


def _without_scripts(root: Any) -> Any:  # noqa: ANN401 - an lxml or ElementTree element
    """Drop the inline ``<script>`` of chart settings pygal adds for its (absent) tooltip code.

    Through pygal's ``add_xml_filter`` hook: the page then holds no script at all, and its
    Content-Security-Policy can forbid every script and every fetch.
    """
    for parent in root.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rpartition("}")[2] == "script":
                parent.remove(child)
    return root


_COMMON: Final[dict[str, Any]] = {
    "style": _STYLE,
    "js": [],  # no tooltip script from a CDN: the file must open offline
    "disable_xml_declaration": True,  # inlined in HTML
    "explicit_size": False,  # scales to the page's width (and the printed page's)
    "width": 900,
    "height": 380,
    "margin": 12,
    "margin_bottom": 56,  # room for the rows of the legend under rotated labels
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 4,
    "print_values": False,
    "show_minor_x_labels": False,
    "truncate_legend": 40,
}


def _draw(chart: Any) -> str:  # noqa: ANN401 - pygal's graph classes are untyped
    chart.add_xml_filter(_without_scripts)
    return str(chart.render(is_unicode=True))


def daily_chart(data: ReportData) -> str:
    """Units spent per day, stacked by action (the most spent apiece, the rest as "other")."""
    ranked = [row.group for row in data.by_action if row.spent]
    drawn, rest = ranked[:MAX_STACKED_ACTIONS], set(ranked[MAX_STACKED_ACTIONS:])
    chart = pygal.StackedBar(
        **{**_COMMON, "legend_at_bottom_columns": 3},
        x_label_rotation=-45,
        y_title="units",
    )
    chart.x_labels = [f"{day.day:%m-%d}" for day in data.daily]
    chart.x_labels_major = chart.x_labels[:: max(1, len(chart.x_labels) // 15)]
    for action in drawn:
        chart.add(action, [float(day.by_action.get(action, 0)) or None for day in data.daily])
    if rest:
        chart.add(
            f"other ({len(rest)} actions)",
            [
                float(sum((v for a, v in day.by_action.items() if a in rest), Decimal(0))) or None
                for day in data.daily
            ],
        )
    if not drawn:
        chart.add("no spending", [None for _ in data.daily])
    return _draw(chart)


def balance_chart(data: ReportData) -> str:
    """The balance at each day's end, and the straight line to the run-out date from now.

    The projection is drawn no further ahead than the period is long (at least 30 days): where
    the run-out is later, the line stops at that point, on its way there.
    """
    outlook = data.outlook
    # An XY chart over days since the epoch, labelled as dates: pygal's DateTimeLine formats
    # through datetime.utcfromtimestamp, deprecated since Python 3.12.
    chart = pygal.XY(
        **{**_COMMON, "show_minor_x_labels": True},
        x_label_rotation=-30,
        x_value_formatter=_day_label,
        y_title="units",
        show_dots=False,
        stroke_style={"width": 2.5},
        range=_balance_range(data),
    )
    chart.add(
        "balance (end of day)",
        [(_days(_day_end(day)), float(balance)) for day, balance in data.balance_by_day],
    )
    reach = timedelta(days=max(30, data.period.days))
    start = outlook.now
    if outlook.runs_out_at is not None and outlook.runs_out_at - start <= reach:
        end, left = outlook.runs_out_at, Decimal(0)
        label = f"projection: runs out {outlook.runs_out_at:%Y-%m-%d}"
    else:
        end = start + reach
        total = outlook.runs_out_at - start if outlook.runs_out_at is not None else None
        left = (
            outlook.balance * (1 - Decimal(reach / total))
            if total is not None
            else outlook.balance - outlook.spend_per_day * reach.days
        )
        left = max(left, Decimal(0))
        label = (
            f"projection: runs out {outlook.runs_out_at:%Y-%m-%d}"
            if outlook.runs_out_at is not None
            else "projection: never runs out at this rate"
        )
    chart.add(
        label,
        [(_days(start), float(outlook.balance)), (_days(end), float(left))],
        stroke_style={"width": 2.5, "dasharray": "8, 6"},
    )
    return _draw(chart)


def _balance_range(data: ReportData) -> tuple[float, float]:
    """From 0 (or the lowest balance, if the ledger's history takes it below) to the highest.

    A ledger that holds less than the account's whole history can walk a past balance below 0.
    """
    balances = [balance for _, balance in data.balance_by_day] + [data.outlook.balance]
    low, high = min(Decimal(0), *balances), max(balances)
    return float(low), float(high if high > low else low + 1)


def _days(moment: datetime) -> float:
    """A moment as days since the epoch: the balance chart's x axis."""
    return (moment - EPOCH) / timedelta(days=1)


def _day_label(days: float) -> str:
    """An x axis position as its UTC day."""
    return f"{EPOCH + timedelta(days=days):%Y-%m-%d}"


def _day_end(day: Any) -> datetime:  # noqa: ANN401 - a date
    """The end of a UTC day (a point at its last moment), for the time axis."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)


def action_chart(data: ReportData) -> str:
    """Units spent per action this period and the one before, most spent first."""
    rows = [row for row in data.by_action if row.spent][:15]
    chart = pygal.HorizontalBar(
        **{**_COMMON, "height": max(220, 60 + 34 * len(rows)), "legend_at_bottom_columns": 2},
        x_title="units spent",
    )
    # pygal draws a horizontal bar chart's first label at the bottom: reversed, the most is on top.
    ordered = list(reversed(rows))
    chart.x_labels = [row.group for row in ordered]
    chart.add("this period", [float(row.spent) for row in ordered])
    chart.add(
        "previous period",
        [
            float(data.previous_by_action[row.group].spent)
            if row.group in data.previous_by_action
            else None
            for row in ordered
        ],
    )
    return _draw(chart)
