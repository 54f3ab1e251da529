"""The machine-readable output, written one way: json, jsonl and csv (and history's table).

A command that lists rows (history, export, summary, balance's buckets, costs) writes ``json``
(one array), ``jsonl`` (one object a line) and ``csv`` (a header, then one line a row), with the
same fields in each and amounts exact; the commands meant for reading on a terminal also draw a
``table``; a command that shows one record (``status``) writes ``table`` or ``json``.

History and export stream: each page is written as it arrives (a pipe sees the first rows after
the first request; the history is never held in memory), each entry exactly as the service sent
it (``HistoryEntry.to_dict()``), so an export parses back with ``HistoryEntry.from_dict``; csv
flattens an entry into one row. The other commands build their few rows first and write them
with ``write_rows`` and ``write_json``.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal, Protocol, TextIO

from youcam_units import _json as exact_json
from youcam_units._cli._text import iso_utc

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from youcam_units._models import HistoryEntry

__all__ = ["FORMATS", "Format", "HistoryWriter", "make_writer", "write_json", "write_rows"]

Format = Literal["table", "json", "jsonl", "csv"]
RowFormat = Literal["jsonl", "csv"]
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


def make_writer(fmt: Format, out: TextIO) -> HistoryWriter:
    """The streaming writer for ``fmt``: the table to rich's stdout console, the rest to ``out``."""
    if fmt == "jsonl":
        return _JsonLinesWriter(out)
    if fmt == "json":
        return _JsonArrayWriter(out)
    if fmt == "csv":
        return _CsvWriter(out)
    # rich only for the table: piped jsonl, json and csv start without it.
    from youcam_units._cli._consoles import stdout_console  # noqa: PLC0415
    from youcam_units._cli._render_table import TableWriter  # noqa: PLC0415

    return TableWriter(stdout_console())


def _cell(value: object) -> str:
    """A csv cell: a ``Decimal`` in plain digits (never ``1E+2``), ``None`` as empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def write_json(value: object) -> None:
    """``--format json``: one document, indented, amounts exact."""
    import click  # noqa: PLC0415 - keeps `--help` fast

    from youcam_units._cli._output import machine_readable  # noqa: PLC0415

    machine_readable()
    click.echo(exact_json.dumps(value, indent=2))


def write_rows(
    fmt: RowFormat,
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[str],
) -> None:
    """Write ``rows`` to stdout as JSON lines (each row whole) or csv (``columns``, in order).

    A field a row does not have is an empty csv cell.
    """
    from youcam_units._cli._output import machine_readable  # noqa: PLC0415

    machine_readable()
    out = sys.stdout
    if fmt == "jsonl":
        for row in rows:
            out.write(exact_json.dumps(row, ensure_ascii=False) + "\n")
        return
    import csv  # noqa: PLC0415 - keeps `--help` fast

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
