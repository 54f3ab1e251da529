"""Output writers for ``history``: table, json, jsonl and csv.

Every history writer streams: it is handed one page of entries at a time and writes it at once, so
the whole history is never held in memory and a pipe sees the first rows after the first request.

json and jsonl write each entry exactly as the service sent it (``HistoryEntry.to_dict()``: ids
as exact integers, ``timestamp`` in milliseconds, fields beyond the spec kept), so an export
parses back with ``HistoryEntry.from_dict``. csv flattens an entry into one row for spreadsheets.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, Protocol, TextIO

from rich import box
from rich.table import Table
from rich.text import Text

from youcam_units import _json as exact_json
from youcam_units._cli._fit import GAP, print_whole

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from youcam_units._models import HistoryEntry

__all__ = ["FORMATS", "Format", "HistoryWriter", "make_writer"]

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
    room = width - fixed - ID_WIDTH - 4 * GAP
    if room >= 22 + MIN_TARGET_WIDTH:
        action = min(26, room - MIN_TARGET_WIDTH)
        return HistoryLayout(action, units_width, room - action, show_id=True)
    room = width - fixed - ID_WIDTH - 3 * GAP
    if room >= MIN_ACTION_WIDTH:
        return HistoryLayout(min(ACTION_WIDTH, room), units_width, None, show_id=True)
    room = width - fixed - 2 * GAP
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
