"""jsonl and csv for every command that lists rows, written one way.

The rule every command's ``--format`` follows: a command that lists rows (history, export,
summary, balance's buckets, costs) writes ``json`` (one array), ``jsonl`` (one object a line)
and ``csv`` (a header, then one line a row), with the same fields in each and amounts exact;
the commands meant for reading on a terminal also draw a ``table``. A command that shows one
record (``status``) writes ``table`` or ``json``. History and export stream through
``_render``'s writers; the others build their few rows first and write them here.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = ["RowFormat", "write_json", "write_rows"]

RowFormat = Literal["jsonl", "csv"]


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

    from youcam_units import _json as exact_json  # noqa: PLC0415
    from youcam_units._cli._output import machine_readable  # noqa: PLC0415

    machine_readable()
    click.echo(exact_json.dumps(value, indent=2))


def write_rows(
    fmt: RowFormat,
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[str],
    out: TextIO | None = None,
) -> None:
    """Write ``rows`` as JSON lines (each row whole) or csv (``columns``, in that order).

    A field a row does not have is an empty csv cell.
    """
    if out is None:
        from youcam_units._cli._output import machine_readable  # noqa: PLC0415

        machine_readable()
        out = sys.stdout
    if fmt == "jsonl":
        from youcam_units import _json as exact_json  # noqa: PLC0415 - keeps `--help` fast

        for row in rows:
            out.write(exact_json.dumps(row, ensure_ascii=False) + "\n")
        return
    import csv  # noqa: PLC0415 - keeps `--help` fast

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
