"""The SQLite ledger's layout as its code uses it: the tables, ``meta``, an upgrade's progress.

Kept apart from the migrations that build it (``_migrations``), which run once per file;
``_rows`` builds the row an entry is stored as.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from typing import TypeAlias

    Report: TypeAlias = Callable[[str, int | None], None]
    """What a migration calls with its step's name and, if it counts them, the entries done."""

__all__ = [
    "LEDGER_TABLES",
    "V3_COLUMNS",
    "Meta",
    "UpgradeProgress",
]

LEDGER_TABLES: Final = frozenset({"meta", "entries", "staged", "rollup", "rollup_day"})


@dataclass(frozen=True, slots=True)
class UpgradeProgress:
    """Where the one-time upgrade of a ledger file to ``SCHEMA_VERSION`` is (``on_upgrade``).

    An upgrade rewrites every entry, once, in one transaction: minutes for millions of entries.
    The first report comes before any work (``step`` "starting"); ``done`` counts the entries
    a step has gone through, for the steps that can count them (``None`` for the others).
    """

    location: str
    """The ledger file."""
    from_version: int
    """The schema version the file had."""
    to_version: int
    """The version it is being upgraded to."""
    entries: int
    """Entries the ledger holds."""
    step: str
    """What runs now, in words: "copying entries", "compacting the file", ..."""
    done: int | None = None
    """Entries this step has gone through so far, if it counts them."""


V3_COLUMNS: Final = "timestamp_ms, action, spent, granted, raw"
"""The columns ``entries`` and ``staged`` share, after their key."""


class Meta:
    """The ``meta`` table's key/value pairs."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> Any:  # noqa: ANN401 - meta values are int or str by key
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set(self, key: str, value: int | str | None) -> None:
        """Store ``value`` under ``key``; ``None`` deletes the key."""
        self.set_many({key: value})

    def set_many(self, values: dict[str, int | str | None]) -> None:
        """``set`` each pair, in two statements."""
        self._conn.executemany(
            "DELETE FROM meta WHERE key = ?", [(k,) for k, v in values.items() if v is None]
        )
        self._conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(k, v) for k, v in values.items() if v is not None],
        )
