"""Output writers for ``history`` (table, json, jsonl, csv) and the ``summary`` table and chart.

Every history writer streams: it is handed one page of entries at a time and writes it at once, so
the whole history is never held in memory and a pipe sees the first rows after the first request.

json and jsonl write each entry exactly as the service sent it (``HistoryEntry.to_dict()``: ids
as exact integers, ``timestamp`` in milliseconds, fields beyond the spec kept), so an export
parses back with ``HistoryEntry.from_dict``. csv flattens an entry into one row for spreadsheets.
"""

from __future__ import annotations

import csv
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
    from youcam_units._summary import SummaryRow

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


class _TableWriter:
    """A rich table, printed one page at a time with fixed column widths so the pages line up."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._count = 0
        self._raw_times = False

    def _table(self, *, header: bool) -> Table:
        table = Table(box=box.SIMPLE_HEAD, show_header=header, pad_edge=False, show_edge=False)
        # Fixed widths, so that each page's table lines up with the one before it.
        # A time beyond the years 1-9999 shows as raw ms; fold it, never cut it.
        table.add_column("time (UTC)", width=19, min_width=19, overflow="fold")
        table.add_column("action", width=26, no_wrap=True, overflow="ellipsis")
        # Exact amounts ("-0.70", "+168.50"): wide enough for most, folded, never cut, past that.
        table.add_column("units", width=9, min_width=5, justify="right", overflow="fold")
        table.add_column("id", width=19, min_width=19, no_wrap=True)
        table.add_column("target", width=20, no_wrap=True, overflow="ellipsis")
        return table

    def write_page(self, entries: Sequence[HistoryEntry]) -> None:
        if not entries:
            return
        table = self._table(header=self._count == 0)
        for entry in entries:
            amount = entry.amount
            style = "red" if amount < 0 else "green" if amount > 0 else ""
            when = entry.timestamp
            if when is None:
                self._raw_times = True
            table.add_row(
                f"{entry.timestamp_ms} ms" if when is None else when.strftime("%Y-%m-%d %H:%M:%S"),
                str(entry.action),
                Text(f"{amount:+}", style=style),
                str(entry.id),
                entry.target_id or "",
            )
        self._count += len(entries)
        self._console.print(table)

    def close(self) -> None:
        if self._count == 0:
            self._console.print("no history entries match")
        if self._raw_times:
            self._console.print(
                "times shown as 'N ms' are beyond the years 1-9999: the raw Unix milliseconds "
                "the service sent"
            )


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


def bar(value: Decimal | int, largest: Decimal | int, width: int = CHART_WIDTH) -> str:
    """A horizontal bar of ``value`` scaled so ``largest`` fills ``width`` cells (eighth steps)."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_BLOCKS[rest] if rest else "")


def render_summary(rows: Sequence[SummaryRow], by: str, console: Console) -> None:
    """Print the totals table, then a bar chart of units spent and granted per group."""
    table = Table(box=box.SIMPLE_HEAD, title=f"units per {by} (UTC)", title_justify="left")
    table.add_column(by, no_wrap=True, overflow="ellipsis")
    for name, style in _SUMMARY_COLUMNS:
        table.add_column(name, justify="right", style=style, no_wrap=True, min_width=len(name))
    for row in rows:
        table.add_row(row.group, *_numbers(row.entries, row.spent, row.granted, row.expired))
    if len(rows) > 1:
        table.add_section()
        table.add_row(
            "total",
            *_numbers(
                sum(r.entries for r in rows),
                sum((r.spent for r in rows), Decimal(0)),
                sum((r.granted for r in rows), Decimal(0)),
                sum((r.expired for r in rows), Decimal(0)),
            ),
            style="bold",
        )
    console.print(table)
    console.print(summary_chart(rows, by))


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


def summary_chart(rows: Sequence[SummaryRow], by: str) -> Table:
    """Bars per group: units spent (red, expired in yellow) and granted (green).

    Each column has its own scale (its largest value fills it): grants are rare and large,
    spending frequent and small, and one shared scale would flatten every spending bar.
    """
    chart = Table(
        box=None, title="spent (expired) and granted", title_justify="left", pad_edge=False
    )
    chart.add_column(by, no_wrap=True, overflow="ellipsis")
    chart.add_column("spent", no_wrap=True)
    chart.add_column("granted", no_wrap=True)
    most_out = max((r.spent + r.expired for r in rows), default=Decimal(0))
    most_in = max((r.granted for r in rows), default=Decimal(0))
    for row in rows:
        out = row.spent + row.expired
        spent_cells = bar(out, most_out)
        expired_len = len(bar(row.expired, most_out)) if row.expired else 0
        spent_text = Text.assemble(
            (spent_cells[: len(spent_cells) - expired_len], "red"),
            (spent_cells[len(spent_cells) - expired_len :], "yellow"),
            f" {out:,}" if out else "",
        )
        granted_text = Text.assemble(
            (bar(row.granted, most_in), "green"), f" {row.granted:,}" if row.granted else ""
        )
        chart.add_row(row.group, spent_text, granted_text)
    return chart
