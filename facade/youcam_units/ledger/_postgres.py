"""The PostgreSQL ledger: many accounts' ledgers in one database, the database doing the locking.

Each write of the pass state is one transaction that first takes the ledger's advisory lock
(``pg_advisory_xact_lock``) and checks ``state_version``, as the SQLite ledger does under
``BEGIN IMMEDIATE``: syncs of one ledger from several hosts serialise there, and the one whose
version is stale stops (``Superseded``). Staging and promoting use ``ON CONFLICT DO NOTHING``,
so a replayed page adds nothing twice; a page and its checkpoint commit together or not at all.
Totals per day and action are kept in the transaction that promotes (``NUMERIC``: exact).

psycopg (the ``postgres`` extra) is imported only when a ``postgresql://`` URL is opened
(``_postgres_session``); ``_postgres_reads`` holds the read side.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Final

from youcam_units._models import Action
from youcam_units.ledger._postgres_reads import PostgresReading
from youcam_units.ledger._postgres_schema import DATED_SQL, DAY_SQL, SCHEMA
from youcam_units.ledger._storage import LedgerError, PassState, Superseded

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from youcam_units._models import HistoryEntry

__all__ = ["PostgresLedger"]

_STATE_COLUMNS: Final = tuple(field.name for field in fields(PassState) if field.name != "version")
"""The pass state's columns of ``ledgers``, in ``PassState``'s order (its version aside)."""
_COLUMNS: Final = "id, timestamp_ms, action, spent, granted, raw"


class PostgresLedger(PostgresReading):
    """One ledger in a PostgreSQL database (schema ``youcam_units``). Use it as a context manager.

    ``read_only=True`` (what ``summary`` and ``export`` use) creates nothing: the ledger must be
    there, and the session refuses writes. Opening upgrades an older schema (both modes).
    """

    def __repr__(self) -> str:
        return f"PostgresLedger({self.location!r}, read_only={self.read_only})"

    # -- state ------------------------------------------------------------------------------

    def _set(self, key: str, value: int | str | None) -> None:
        """Write one pass-state value (tests, and nothing else, set one alone)."""
        if key not in _STATE_COLUMNS:
            raise KeyError(key)
        self._conn.execute(
            f"UPDATE {SCHEMA}.ledgers SET {key} = %s WHERE ledger = %s",  # noqa: S608 - checked name
            (value, self.name),
        )

    @property
    def staged_count(self) -> int:
        """Entries read by the pass in progress, waiting to join the ledger."""
        with self._errors("read"):
            row = self._conn.execute(
                f"SELECT COUNT(*) FROM {SCHEMA}.staged WHERE ledger = %s",  # noqa: S608 - fixed names
                (self.name,),
            ).fetchone()
        return int(row[0]) if row else 0

    def pass_state(self) -> PassState:
        (version, *rest) = self._row(", ".join(("state_version", *_STATE_COLUMNS)))
        return PassState(int(version), *rest)

    # -- writing ----------------------------------------------------------------------------

    def _stage(self, entries: Iterable[HistoryEntry]) -> None:
        from youcam_units.ledger._rows import entry_values  # noqa: PLC0415 - not for reading

        rows = [(self.name, *entry_values(e)) for e in entries]
        if not rows:
            return
        with self._conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {SCHEMA}.staged (ledger, {_COLUMNS}) "  # noqa: S608 - fixed names
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                rows,
            )

    def _promote(self) -> int:
        """Move every staged entry into the ledger, its totals into the rollups; how many.

        One statement: the rows that join (``ON CONFLICT DO NOTHING`` skips those held) are
        what the rollups add, so a replay adds nothing to either.
        """
        row = self._conn.execute(
            f"""WITH moved AS (
                INSERT INTO {SCHEMA}.entries (ledger, {_COLUMNS})
                SELECT ledger, {_COLUMNS} FROM {SCHEMA}.staged WHERE ledger = %(ledger)s
                ORDER BY id
                ON CONFLICT DO NOTHING
                RETURNING timestamp_ms, action, spent, granted
            ), per_action AS (
                SELECT ({DAY_SQL})::INTEGER AS day, action, COUNT(*) AS entries,
                       SUM(spent) AS spent, SUM(granted) AS granted
                FROM moved WHERE {DATED_SQL} GROUP BY 1, 2
            ), rolled AS (
                INSERT INTO {SCHEMA}.rollup AS r (ledger, day, action, entries, spent, granted)
                SELECT %(ledger)s, day, action, entries, spent, granted FROM per_action
                ON CONFLICT (ledger, day, action) DO UPDATE SET
                    entries = r.entries + excluded.entries,
                    spent = r.spent + excluded.spent,
                    granted = r.granted + excluded.granted
            ), rolled_days AS (
                INSERT INTO {SCHEMA}.rollup_day AS r
                    (ledger, day, entries, spent, expired, granted)
                SELECT %(ledger)s, day, SUM(entries),
                       COALESCE(SUM(spent) FILTER (WHERE action <> %(expire)s), 0),
                       COALESCE(SUM(spent) FILTER (WHERE action = %(expire)s), 0),
                       SUM(granted)
                FROM per_action GROUP BY day
                ON CONFLICT (ledger, day) DO UPDATE SET
                    entries = r.entries + excluded.entries,
                    spent = r.spent + excluded.spent,
                    expired = r.expired + excluded.expired,
                    granted = r.granted + excluded.granted
            )
            SELECT COUNT(*) FROM moved""",  # noqa: S608 - fixed names
            {"ledger": self.name, "expire": Action.EXPIRE.value},
        ).fetchone()
        added = int(row[0]) if row else 0
        self._conn.execute(
            f"UPDATE {SCHEMA}.ledgers SET entry_count = entry_count + %s, synced_at = now() "  # noqa: S608 - fixed names
            "WHERE ledger = %s",
            (added, self.name),
        )
        self._drop_staged()
        return added

    def _drop_staged(self) -> None:
        self._conn.execute(
            f"DELETE FROM {SCHEMA}.staged WHERE ledger = %s",  # noqa: S608 - fixed names
            (self.name,),
        )

    def write_pass(
        self,
        expected_version: int,
        state: Mapping[str, int | str | None],
        *,
        stage: Sequence[HistoryEntry] = (),
        drop_staged: bool = False,
        promote: bool = False,
    ) -> tuple[int, int]:
        """``LedgerStorage.write_pass``: one transaction under the ledger's advisory lock."""
        unknown = set(state).difference(_STATE_COLUMNS)
        if unknown:
            raise ValueError(f"not pass state: {', '.join(sorted(unknown))}")
        added = 0
        with self._errors("write"), self.transaction():
            (version,) = self._row("state_version")
            if version != expected_version:
                raise Superseded
            if drop_staged:
                self._drop_staged()
            self._stage(stage)
            if promote:
                added = self._promote()
            columns = sorted(state)
            assignments = "".join(f"{column} = %s, " for column in columns)
            self._conn.execute(
                f"UPDATE {SCHEMA}.ledgers SET {assignments}state_version = %s "  # noqa: S608 - checked names
                "WHERE ledger = %s",
                (*(state[c] for c in columns), version + 1, self.name),
            )
        return version + 1, added

    def claim_source(self, source: str) -> None:
        """Record where this ledger's history comes from; refuse to mix in another source."""
        with self._errors("write"), self.transaction():
            (stored,) = self._row("source")
            if stored is None:
                self._conn.execute(
                    f"UPDATE {SCHEMA}.ledgers SET source = %s WHERE ledger = %s",  # noqa: S608 - fixed names
                    (source, self.name),
                )
            elif stored != source:
                raise LedgerError(
                    f"{self.location} holds the history of {stored}, not of {source}: "
                    "use another --db or ledger name for this one"
                )

    @property
    def source(self) -> str | None:
        """The source recorded by :meth:`claim_source`, if any."""
        (stored,) = self._row("source")
        return stored if isinstance(stored, str) else None
