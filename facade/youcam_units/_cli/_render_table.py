"""The ``history`` table: figures whole, text folded, pages lined up as they stream in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from rich.text import Text

from youcam_units._cli._fit import (
    GAP,
    UNIT_DECIMALS,
    amounts,
    decimals_needed,
    print_whole,
    titled_table,
)
from youcam_units._cli._text import literal

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console
    from rich.table import Table

    from youcam_units._models import HistoryEntry

__all__ = ["HistoryLayout", "TableWriter", "history_layout"]

TIME_WIDTH: Final = 19
ID_WIDTH: Final = 19
"""Snowflake ids are 64-bit: at most 19 digits."""
MIN_ACTION_WIDTH: Final = 14
MIN_TARGET_WIDTH: Final = 24
"""Targets are ids of up to ~64 characters: narrower, they fold into a column of fragments."""


@dataclass(frozen=True)
class HistoryLayout:
    """Column widths for a terminal of ``width`` cells: figures whole, the rest made to fit.

    time, units and id are never narrowed (a number is never cut); action and target take the
    width their longest value needs, or fold onto more lines when the terminal is narrower; when
    even that leaves too little room, target goes, then id, and the table says so.
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


def history_layout(
    width: int, units_width: int, action_needs: int = 34, target_needs: int = 64
) -> HistoryLayout:
    """The widest layout that fits ``width`` cells, dropping target, then id, if it must.

    ``action_needs`` and ``target_needs`` are the widths of the longest action and target: a
    column is never wider than its content, and the action is whole before the target widens.
    """
    action_needs = max(action_needs, len("action"))
    target_needs = max(target_needs, len("target"))
    fixed = TIME_WIDTH + units_width
    room = width - fixed - ID_WIDTH - 4 * GAP
    if room >= min(action_needs, 22) + min(target_needs, MIN_TARGET_WIDTH):
        action = min(action_needs, room - min(target_needs, MIN_TARGET_WIDTH))
        return HistoryLayout(action, units_width, min(target_needs, room - action), show_id=True)
    room = width - fixed - ID_WIDTH - 3 * GAP
    if room >= min(action_needs, MIN_ACTION_WIDTH):
        return HistoryLayout(min(action_needs, room), units_width, None, show_id=True)
    room = width - fixed - 2 * GAP
    return HistoryLayout(max(min(action_needs, room), 1), units_width, None, show_id=False)


class TableWriter:
    """A rich table, printed one page at a time with the same column widths so the pages line up.

    The units, action and target columns are as wide as their widest value so far, and the
    amounts' decimals as many as any so far needed (both only ever grow): pages line up unless a
    later page holds a longer value.
    """

    def __init__(self, console: Console) -> None:
        self._console = console
        self._count = 0
        self._units_width = len("units") + 1
        self._decimals = UNIT_DECIMALS
        self._action_needs = 0
        self._target_needs = 0
        self._raw_times = False

    def _table(self, layout: HistoryLayout, *, first: bool) -> Table:
        hidden = layout.hidden
        title = (
            f"not shown at {self._console.width} columns: {', '.join(hidden)} (see --format jsonl)"
            if first and hidden
            else None
        )
        table = titled_table(title, show_header=first)
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
        encoding = self._console.encoding
        actions = [literal(entry.action, encoding=encoding) for entry in entries]
        targets = [literal(entry.target_id or "", encoding=encoding) for entry in entries]
        self._decimals = decimals_needed([self._one(), *(entry.amount for entry in entries)])
        figures = amounts([entry.amount for entry in entries], sign=True, decimals=self._decimals)
        self._units_width = max(self._units_width, *(len(a) for a in figures))
        self._action_needs = max(self._action_needs, *(t.cell_len for t in actions))
        self._target_needs = max(self._target_needs, *(t.cell_len for t in targets))
        layout = history_layout(
            self._console.width, self._units_width, self._action_needs, self._target_needs
        )
        table = self._table(layout, first=self._count == 0)
        for entry, amount, action, target in zip(entries, figures, actions, targets, strict=True):
            style = "red" if entry.amount < 0 else "green" if entry.amount > 0 else ""
            when = entry.timestamp
            if when is None:
                self._raw_times = True
            cells: list[str | Text] = [
                f"{entry.timestamp_ms} ms" if when is None else when.strftime("%Y-%m-%d %H:%M:%S"),
                action,
                Text(amount, style=style),
            ]
            if layout.show_id:
                cells.append(str(entry.id))
            if layout.target is not None:
                cells.append(target)
            table.add_row(*cells)
        self._count += len(entries)
        print_whole(self._console, table)

    def _one(self) -> Decimal:
        """A value with as many decimals as earlier pages showed, so decimals never shrink."""
        return Decimal(1).scaleb(-self._decimals)

    def close(self) -> None:
        if self._count == 0:
            self._console.print("no history entries match")
        if self._raw_times:
            self._console.print(
                "times shown as 'N ms' are beyond the years 1-9999: the raw Unix milliseconds "
                "the service sent"
            )
