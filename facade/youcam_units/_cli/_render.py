"""Output writers for ``history`` (table, json, jsonl, csv) and the ``summary`` table and chart.

Every history writer streams: it is handed one page of entries at a time and writes it at once, so
the whole history is never held in memory and a pipe sees the first rows after the first request.

json and jsonl write each entry exactly as the service sent it (``HistoryEntry.to_dict()``: ids
as exact integers, ``timestamp`` in milliseconds, fields beyond the spec kept), so an export
parses back with ``HistoryEntry.from_dict``. csv flattens an entry into one row for spreadsheets.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal, Protocol, TextIO

from rich import box
from rich.table import Table
from rich.text import Text

from youcam_units import _json as exact_json

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from youcam_units._models import HistoryEntry
    from youcam_units.ledger import SummaryRow

__all__ = ["FORMATS", "Format", "HistoryWriter", "make_writer", "render_summary"]

Format = Literal["table", "json", "jsonl", "csv"]
FORMATS: Final[tuple[Format, ...]] = ("table", "json", "jsonl", "csv")

CSV_COLUMNS: Final = (
    "id",
    "time",
    "timestamp_ms",
    "action",
    "target_id",
    "amount",
    "changes",
    "dst_actions",
)
"""CSV columns, one row per entry: ``time`` is ISO 8601 UTC (empty for a time beyond the years
1-9999: ``timestamp_ms`` always holds it); ``amount`` is exact; ``changes`` is the JSON list of
``info.credits`` as sent; ``dst_actions`` is space-separated."""


class HistoryWriter(Protocol):
    """Writes history entries page by page."""

    def write_page(self, entries: Sequence[HistoryEntry]) -> None:
        """Write one page of rows, newest first, and flush."""

    def close(self) -> None:
        """Finish the output (closing brackets, or a note when nothing matched)."""


class _JsonLinesWriter:
    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write_page(self, entries: Sequence[HistoryEntry]) -> None:
        for entry in entries:
            self._out.write(exact_json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")
        self._out.flush()

    def close(self) -> None:
        self._out.flush()


class _JsonArrayWriter:
    """A JSON array written element by element: valid JSON at the end, streamed on the way."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._count = 0

    def write_page(self, entries: Sequence[HistoryEntry]) -> None:
        for entry in entries:
            self._out.write("[\n  " if self._count == 0 else ",\n  ")
            self._out.write(exact_json.dumps(entry.to_dict(), ensure_ascii=False))
            self._count += 1
        self._out.flush()

    def close(self) -> None:
        self._out.write("[]\n" if self._count == 0 else "\n]\n")
        self._out.flush()


class _CsvWriter:
    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._writer = csv.writer(out, lineterminator="\n")
        self._writer.writerow(CSV_COLUMNS)
        self._out.flush()

    def write_page(self, entries: Sequence[HistoryEntry]) -> None:
        for entry in entries:
            info = entry.to_dict().get("info")
            credits_ = info.get("credits", []) if isinstance(info, dict) else []
            self._writer.writerow(
                [
                    entry.id,
                    _iso(entry),
                    entry.timestamp_ms,
                    str(entry.action),
                    entry.target_id or "",
                    entry.amount,
                    exact_json.dumps(credits_),
                    " ".join(entry.dst_actions),
                ]
            )
        self._out.flush()

    def close(self) -> None:
        self._out.flush()


_GAP: Final = 3
"""Cells between two columns: padding on each side and the box's divider."""
TIME_WIDTH: Final = 19
ID_WIDTH: Final = 19
"""Snowflake ids are 64-bit: at most 19 digits."""
ACTION_WIDTH: Final = 34
"""The longest documented action (``compensation_from_customer_service``)."""
MIN_ACTION_WIDTH: Final = 14
MIN_TARGET_WIDTH: Final = 24
"""Targets are ids of up to ~64 characters: narrower, they fold into a column of fragments."""


@dataclass(frozen=True)
class HistoryLayout:
    """Column widths for a terminal of ``width`` cells: figures whole, the rest made to fit.

    time, units and id are never narrowed (a number is never cut); action and target fold
    onto more lines; when even that leaves too little room, target goes, then id, and the
    table says so.
    """

    action: int
    units: int
    target: int | None
    show_id: bool

    @property
    def hidden(self) -> tuple[str, ...]:
        """The columns left out, for the note above the table."""
        return (
            *(() if self.target is not None else ("target",)),
            *(() if self.show_id else ("id",)),
        )


def history_layout(width: int, units_width: int) -> HistoryLayout:
    """The widest layout that fits ``width`` cells, dropping target, then id, if it must."""
    fixed = TIME_WIDTH + units_width
    room = width - fixed - ID_WIDTH - 4 * _GAP
    if room >= 22 + MIN_TARGET_WIDTH:
        action = min(26, room - MIN_TARGET_WIDTH)
        return HistoryLayout(action, units_width, room - action, show_id=True)
    room = width - fixed - ID_WIDTH - 3 * _GAP
    if room >= MIN_ACTION_WIDTH:
        return HistoryLayout(min(ACTION_WIDTH, room), units_width, None, show_id=True)
    room = width - fixed - 2 * _GAP
    return HistoryLayout(max(min(ACTION_WIDTH, room), 1), units_width, None, show_id=False)


class _TableWriter:
    """A rich table, printed one page at a time with the same column widths so the pages line up.

    The units column is as wide as the widest amount so far (it only ever grows).
    """

    def __init__(self, console: Console) -> None:
        self._console = console
        self._count = 0
        self._units_width = len("units") + 1
        self._raw_times = False

    def _table(self, layout: HistoryLayout, *, first: bool) -> Table:
        hidden = layout.hidden
        title = (
            f"not shown at {self._console.width} columns: {', '.join(hidden)} (see --format jsonl)"
            if first and hidden
            else None
        )
        table = Table(
            box=box.SIMPLE_HEAD,
            show_header=first,
            pad_edge=False,
            show_edge=False,
            title=title,
            title_justify="left",
        )
        # A time beyond the years 1-9999 shows as raw ms; fold it, never cut it.
        table.add_column("time (UTC)", width=TIME_WIDTH, overflow="fold")
        table.add_column("action", width=layout.action, overflow="fold")
        table.add_column("units", width=layout.units, justify="right", no_wrap=True)
        if layout.show_id:
            table.add_column("id", width=ID_WIDTH, no_wrap=True)
        if layout.target is not None:
            table.add_column("target", width=layout.target, overflow="fold")
        return table

    def write_page(self, entries: Sequence[HistoryEntry]) -> None:
        if not entries:
            return
        amounts = [f"{entry.amount:+}" for entry in entries]
        self._units_width = max(self._units_width, *(len(a) for a in amounts))
        layout = history_layout(self._console.width, self._units_width)
        table = self._table(layout, first=self._count == 0)
        for entry, amount in zip(entries, amounts, strict=True):
            style = "red" if entry.amount < 0 else "green" if entry.amount > 0 else ""
            when = entry.timestamp
            if when is None:
                self._raw_times = True
            cells: list[str | Text] = [
                f"{entry.timestamp_ms} ms" if when is None else when.strftime("%Y-%m-%d %H:%M:%S"),
                str(entry.action),
                Text(amount, style=style),
            ]
            if layout.show_id:
                cells.append(str(entry.id))
            if layout.target is not None:
                cells.append(entry.target_id or "")
            table.add_row(*cells)
        self._count += len(entries)
        print_whole(self._console, table)

    def close(self) -> None:
        if self._count == 0:
            self._console.print("no history entries match")
        if self._raw_times:
            self._console.print(
                "times shown as 'N ms' are beyond the years 1-9999: the raw Unix milliseconds "
                "the service sent"
            )


def print_whole(console: Console, renderable: Table) -> None:
    """Print without cutting: a table wider than the terminal is written whole, not cropped."""
    needed = console.measure(renderable, options=console.options.update_width(10_000)).minimum
    if needed <= console.width:
        console.print(renderable, crop=False)
        return
    # Console.print clamps its width argument to the console's: widen the console itself.
    terminal_width = console.width
    console.width = needed
    try:
        console.print(renderable, crop=False)
    finally:
        console.width = terminal_width


def _iso(entry: HistoryEntry) -> str:
    when = entry.timestamp
    if when is None:
        return ""  # the timestamp_ms column holds it
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_writer(fmt: Format, out: TextIO, console: Console) -> HistoryWriter:
    """The streaming writer for ``fmt``; the table goes through ``console``, the rest to ``out``."""
    if fmt == "jsonl":
        return _JsonLinesWriter(out)
    if fmt == "json":
        return _JsonArrayWriter(out)
    if fmt == "csv":
        return _CsvWriter(out)
    return _TableWriter(console)


# -- summary ------------------------------------------------------------------------------------

_BLOCKS: Final = " ▏▎▍▌▋▊▉█"
CHART_WIDTH: Final = 24
MIN_CHART_WIDTH: Final = 4
MIN_GROUP_WIDTH: Final = 8


def bar(
    value: Decimal | int,
    largest: Decimal | int,
    width: int = CHART_WIDTH,
    *,
    ascii_only: bool = False,
) -> str:
    """A horizontal bar of ``value`` scaled so ``largest`` fills ``width`` cells.

    Eighth-cell steps in block characters; whole cells of ``#`` where the output cannot encode
    them (a cp1252 console, a redirected Windows stream).
    """
    if largest <= 0 or value <= 0:
        return ""
    if ascii_only:
        return "#" * max(1, round(value / largest * width))
    eighths = max(1, round(value / largest * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_BLOCKS[rest] if rest else "")


def _ascii_only(console: Console) -> bool:
    return not console.encoding.lower().replace("-", "").startswith("utf")


def render_summary(rows: Sequence[SummaryRow], by: str, console: Console) -> None:
    """Print the totals table, then a bar chart of units spent and granted per group.

    Every figure keeps its full width; only the group names fold to fit the terminal.
    """
    body = [(row.group, _numbers(row.entries, row.spent, row.granted, row.expired)) for row in rows]
    total = _numbers(
        sum(r.entries for r in rows),
        sum((r.spent for r in rows), Decimal(0)),
        sum((r.granted for r in rows), Decimal(0)),
        sum((r.expired for r in rows), Decimal(0)),
    )
    figures = [numbers for _, numbers in body] + ([total] if len(rows) > 1 else [])
    widths = [
        max(len(name), *(len(numbers[i]) for numbers in figures))
        for i, (name, _) in enumerate(_SUMMARY_COLUMNS)
    ]
    longest = max(len(by), len("total"), *(len(group) for group, _ in body))
    shown = list(range(len(_SUMMARY_COLUMNS)))
    room = console.width - sum(widths) - _GAP * len(widths)
    title = f"units per {by} (UTC)"
    if room < min(longest, MIN_GROUP_WIDTH):
        # The entry counts matter least: they go before any unit figure is squeezed.
        shown.remove(0)
        room += widths[0] + _GAP
        title += f"; not shown at {console.width} columns: entries (see --format json)"
    table = Table(
        box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False, show_edge=False
    )
    table.add_column(by, width=max(MIN_GROUP_WIDTH, min(longest, room)), overflow="fold")
    for i in shown:
        name, style = _SUMMARY_COLUMNS[i]
        table.add_column(name, justify="right", style=style, no_wrap=True, width=widths[i])
    for group, numbers in body:
        table.add_row(group, *(numbers[i] for i in shown))
    if len(rows) > 1:
        table.add_section()
        table.add_row("total", *(total[i] for i in shown), style="bold")
    print_whole(console, table)
    print_whole(
        console, summary_chart(rows, by, width=console.width, ascii_only=_ascii_only(console))
    )


_SUMMARY_COLUMNS: Final = (
    ("entries", ""),
    ("spent", "red"),
    ("granted", "green"),
    ("expired", "yellow"),
    ("net", ""),
)


def _numbers(entries: int, spent: Decimal, granted: Decimal, expired: Decimal) -> tuple[str, ...]:
    return (
        f"{entries:,}",
        f"{spent:,}",
        f"{granted:,}",
        f"{expired:,}",
        f"{granted - spent - expired:+,}",
    )


def summary_chart(
    rows: Sequence[SummaryRow],
    by: str,
    *,
    width: int = 80,
    ascii_only: bool = False,
) -> Table:
    """Bars per group: units spent (red, expired in yellow) and granted (green).

    Each column has its own scale (its largest value fills it): grants are rare and large,
    spending frequent and small, and one shared scale would flatten every spending bar. The bars
    shrink to fit ``width``; the figure after each bar never does.
    """
    most_out = max((r.spent + r.expired for r in rows), default=Decimal(0))
    most_in = max((r.granted for r in rows), default=Decimal(0))
    out_digits = len(f"{most_out:,}") + 1
    in_digits = len(f"{most_in:,}") + 1
    longest = max(len(by), *(len(r.group) for r in rows))
    # Whole group names when the bars keep half their width; else names fold at 20 cells.
    roomy = (width - longest - out_digits - in_digits - 2 * _GAP) // 2 >= CHART_WIDTH // 2
    group_width = longest if roomy else max(MIN_GROUP_WIDTH, min(20, longest))
    room = width - group_width - out_digits - in_digits - 2 * _GAP
    bar_width = max(MIN_CHART_WIDTH, min(CHART_WIDTH, room // 2))
    chart = Table(
        box=None, title="spent (expired) and granted", title_justify="left", pad_edge=False
    )
    chart.add_column(by, width=group_width, overflow="fold")
    chart.add_column("spent", width=bar_width + out_digits, no_wrap=True)
    chart.add_column("granted", width=bar_width + in_digits, no_wrap=True)
    for row in rows:
        out = row.spent + row.expired
        spent_cells = bar(out, most_out, bar_width, ascii_only=ascii_only)
        expired_cells = bar(row.expired, most_out, bar_width, ascii_only=ascii_only)
        expired_len = len(expired_cells) if row.expired else 0
        spent_text = Text.assemble(
            (spent_cells[: len(spent_cells) - expired_len], "red"),
            (spent_cells[len(spent_cells) - expired_len :], "yellow"),
            f" {out:,}" if out else "",
        )
        granted_text = Text.assemble(
            (bar(row.granted, most_in, bar_width, ascii_only=ascii_only), "green"),
            f" {row.granted:,}" if row.granted else "",
        )
        chart.add_row(row.group, spent_text, granted_text)
    return chart
