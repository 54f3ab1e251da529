"""Output writers for ``history``: table, json, jsonl and csv.

Every history writer streams: it is handed one page of entries at a time and writes it at once, so
the whole history is never held in memory and a pipe sees the first rows after the first request.

json and jsonl write each entry exactly as the service sent it (``HistoryEntry.to_dict()``: ids
as exact integers, ``timestamp`` in milliseconds, fields beyond the spec kept), so an export
parses back with ``HistoryEntry.from_dict``. csv flattens an entry into one row for spreadsheets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal, Protocol, TextIO

from youcam_units import _json as exact_json
from youcam_units._cli._text import iso_utc

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
        import csv  # noqa: PLC0415 - only for --format csv

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
                    # beyond the years 1-9999: empty, the timestamp_ms column holds it
                    "" if entry.timestamp is None else iso_utc(entry.timestamp),
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


def make_writer(fmt: Format, out: TextIO, console: Console | None = None) -> HistoryWriter:
    """The streaming writer for ``fmt``: the table to ``console`` (stdout), the rest to ``out``."""
    if fmt == "jsonl":
        return _JsonLinesWriter(out)
    if fmt == "json":
        return _JsonArrayWriter(out)
    if fmt == "csv":
        return _CsvWriter(out)
    # rich only for the table: piped jsonl, json and csv start without it.
    from youcam_units._cli._consoles import stdout_console  # noqa: PLC0415
    from youcam_units._cli._render_table import TableWriter  # noqa: PLC0415

    return TableWriter(console if console is not None else stdout_console())
