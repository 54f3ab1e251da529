"""The PostgreSQL ledger: many accounts' ledgers in one database, the database doing the locking.

Each write of the pass state is one transaction that first takes the ledger's advisory lock
(``pg_advisory_xact_lock``) and checks ``state_version``, as the SQLite ledger does under
``BEGIN IMMEDIATE``: syncs of one ledger from several hosts serialise there, and the one whose
version is stale stops (``Superseded``). Staging and promoting use ``ON CONFLICT DO NOTHING``,
so a replayed page adds nothing twice; a page and its checkpoint commit together or not at all.
Totals per day and action are kept in the transaction that promotes (``NUMERIC``: exact).

psycopg (the ``postgres`` extra) is imported here only, when a ``postgresql://`` URL is opened.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Final, Self

from youcam_units._amounts import ZERO
from youcam_units._models import DAY_MS, Action, HistoryEntry
from youcam_units.ledger import _rollup
from youcam_units.ledger._postgres_schema import (
    DATED_SQL,
    DAY_SQL,
    MIGRATIONS,
    OUR_RELATIONS,
    SCHEMA,
    SCHEMA_LOCK,
    SCHEMA_VERSION,
)
from youcam_units.ledger._storage import LedgerError, PassState, Superseded, Totals

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from decimal import Decimal

    import psycopg

    from youcam_units.ledger._storage import Per
    from youcam_units.ledger._target import PostgresTarget

__all__ = ["MISSING_PSYCOPG", "PostgresLedger"]

MISSING_PSYCOPG: Final = (
    "a postgresql:// ledger needs psycopg: pip install 'youcam-units[postgres]'"
)
CONNECT_TIMEOUT: Final = 10
"""Seconds to wait for the server when the URL sets no ``connect_timeout``."""
_DEFAULTS: Final = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "youcam-units"}
"""Connection settings the URL may set otherwise."""
_INT64: Final = (-(2**63), 2**63 - 1)
_STATE_COLUMNS: Final = frozenset(
    {
        "frontier_id",
        "frontier_ts",
        "pass_head_id",
        "pass_head_ts",
        "anchor_id",
        "anchor_ts",
        "resume_token",
    }
)
_COLUMNS: Final = "id, timestamp_ms, action, spent, granted, raw"


def _psycopg() -> Any:  # noqa: ANN401 - the module, imported on demand
    try:
        import psycopg  # noqa: PLC0415 - only a postgresql:// ledger needs it
    except ImportError:
        raise LedgerError(MISSING_PSYCOPG) from None
    return psycopg


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


class PostgresLedger:
    """One ledger in a PostgreSQL database (schema ``youcam_units``). Use it as a context manager.

    ``read_only=True`` (what ``summary`` and ``export`` use) creates nothing: the ledger must be
    there, and the session refuses writes. Opening upgrades an older schema (both modes).
    """

    def __init__(self, target: PostgresTarget, *, read_only: bool = False) -> None:
        self.target = target
        self.name = target.ledger
        self.read_only = read_only
        self._psycopg = _psycopg()
        self._conn: psycopg.Connection[tuple[Any, ...]] = self._connect()
        try:
            with self._errors("open"):
                self._migrate()
                if read_only:
                    self._require_ledger()
                    self._conn.execute("SET default_transaction_read_only = on")
                else:
                    with self._conn.transaction():
                        self._lock()
                        self._conn.execute(
                            f"INSERT INTO {SCHEMA}.ledgers (ledger) VALUES (%s) "  # noqa: S608 - fixed names
                            "ON CONFLICT DO NOTHING",
                            (self.name,),
                        )
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresLedger({self.location!r}, read_only={self.read_only})"

    @property
    def location(self) -> str:
        """The URL without its password, naming the ledger: for messages."""
        return self.target.location

    # -- plumbing ---------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        driver = self._psycopg
        try:
            info = driver.conninfo.conninfo_to_dict(self.target.conninfo)
            options: dict[str, Any] = {
                "autocommit": True,
                **{key: value for key, value in _DEFAULTS.items() if key not in info},
            }
            conn: psycopg.Connection[tuple[Any, ...]] = driver.connect(
                self.target.conninfo, **options
            )
        except driver.Error as exc:
            reason = self.target.redact(_first_line(exc))
            raise LedgerError(f"cannot connect to the ledger {self.location}: {reason}") from None
        return conn

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """A database error as a ``LedgerError``: one line, without the password."""
        try:
            yield
        except self._psycopg.Error as exc:
            reason = self.target.redact(_first_line(exc))
            raise LedgerError(f"cannot {doing} the ledger {self.location}: {reason}") from None

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction holding the ledger's advisory lock; rolled back on any error."""
        if self.read_only:
            raise LedgerError(f"{self.location} is open read-only")
        with self._conn.transaction():
            self._lock()
            yield

    def _lock(self) -> None:
        """Serialise this ledger's writers, on every host, until the transaction ends."""
        self._conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"{SCHEMA}:{self.name}",)
        )

    # -- the schema -------------------------------------------------------------------------

    def _relations(self) -> set[str] | None:
        """The tables and views in our schema; ``None`` when there is no such schema."""
        rows = self._conn.execute(
            "SELECT c.relname FROM pg_namespace n "
            "LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r','p','v','m','f') "
            "WHERE n.nspname = %s",
            (SCHEMA,),
        ).fetchall()
        if not rows:
            return None
        return {name for (name,) in rows if name is not None}

    def _version(self) -> int:
        """The schema version (0: none yet); refuses a schema of that name that is not ours."""
        relations = self._relations()
        if not relations:
            return 0
        version = None
        if "meta" in relations:
            row = self._conn.execute(
                f"SELECT value FROM {SCHEMA}.meta WHERE key = 'schema_version'"  # noqa: S608 - fixed names
            ).fetchone()
            version = row[0] if row is not None else None
        if not relations <= OUR_RELATIONS or version is None or not version.isdigit():
            raise LedgerError(
                f"{self.location} has a schema {SCHEMA} that is not a youcam-units ledger "
                f"(tables: {', '.join(sorted(relations))}); it was left as it was: "
                "use another database"
            )
        if int(version) > SCHEMA_VERSION:
            raise LedgerError(
                f"{self.location} has ledger schema version {version}; this youcam-units "
                f"reads up to version {SCHEMA_VERSION}: upgrade youcam-units"
            )
        return int(version)

    def _migrate(self) -> None:
        """Apply the migrations the database lacks, in one transaction, one host at a time."""
        if self._version() == SCHEMA_VERSION:
            return
        if self.read_only and self._relations() is None:
            self._require_ledger()
        with self._conn.transaction():
            self._conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (SCHEMA_LOCK,)
            )
            version = self._version()  # again, under the lock: another host may have migrated
            for migration in MIGRATIONS[version:]:
                migration(self._conn)
            self._conn.execute(
                f"INSERT INTO {SCHEMA}.meta (key, value) VALUES ('schema_version', %s) "  # noqa: S608 - fixed names
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )

    def _require_ledger(self) -> None:
        exists = (
            self._relations() is not None
            and self._conn.execute(
                f"SELECT 1 FROM {SCHEMA}.ledgers WHERE ledger = %s",  # noqa: S608 - fixed names
                (self.name,),
            ).fetchone()
        )
        if not exists:
            raise LedgerError(f"no ledger at {self.location}: run sync first")

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        return self._version()

    # -- state ------------------------------------------------------------------------------

    def _row(self, columns: str) -> tuple[Any, ...]:
        with self._errors("read"):
            row = self._conn.execute(
                f"SELECT {columns} FROM {SCHEMA}.ledgers WHERE ledger = %s",  # noqa: S608 - fixed names
                (self.name,),
            ).fetchone()
        if row is None:
            raise LedgerError(f"the ledger {self.location} was deleted while in use")
        return row

    def _set(self, key: str, value: int | str | None) -> None:
        """Write one pass-state value (tests, and nothing else, set one alone)."""
        if key not in _STATE_COLUMNS:
            raise KeyError(key)
        self._conn.execute(
            f"UPDATE {SCHEMA}.ledgers SET {key} = %s WHERE ledger = %s",  # noqa: S608 - checked name
            (value, self.name),
        )

    @property
    def frontier_id(self) -> int | None:
        """Newest id of the last confirmed pass; ``None`` before the first complete sync."""
        return self.pass_state().frontier_id

    @property
    def pass_head_id(self) -> int | None:
        """Newest id staged by the pass in progress, if one is."""
        return self.pass_state().pass_head_id

    @property
    def resume_token(self) -> str | None:
        """Token from which the pass in progress continues, if one is."""
        return self.pass_state().resume_token

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
        (version, *rest) = self._row(
            "state_version, frontier_id, frontier_ts, pass_head_id, pass_head_ts, "
            "anchor_id, anchor_ts, resume_token"
        )
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
        """One transaction: check the version, stage/promote/drop entries, write the state.

        Raises ``Superseded`` (writing nothing) when another run wrote the state since
        ``expected_version``. Returns the new version and how many entries joined the ledger.
        """
        unknown = set(state) - _STATE_COLUMNS
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

    # -- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        """Entries held, from the count kept with them: no scan, at any size."""
        (count,) = self._row("entry_count")
        return int(count)

    def _raw_rows(self, since_ms: int | None, until_ms: int | None) -> Iterator[str]:
        """``raw`` of the entries in ``[since_ms, until_ms)``, newest first, streamed."""
        where, params = "ledger = %s", list[str | int]([self.name])
        if since_ms is not None:
            where, params = f"{where} AND timestamp_ms >= %s", [*params, since_ms]
        if until_ms is not None:
            where, params = f"{where} AND timestamp_ms < %s", [*params, until_ms]
        with (
            self._errors("read"),
            self._conn.transaction(),
            self._conn.cursor(name="youcam_units_entries") as cursor,
        ):
            cursor.itersize = 2000
            cursor.execute(
                f"SELECT raw FROM {SCHEMA}.entries WHERE {where} "  # noqa: S608 - fixed names
                "ORDER BY timestamp_ms DESC, id DESC",
                params,
            )
            for (raw,) in cursor:
                yield raw

    def entries(
        self, *, since_ms: int | None = None, until_ms: int | None = None
    ) -> Iterator[HistoryEntry]:
        """Stored entries, newest first; ``since_ms`` inclusive, ``until_ms`` exclusive."""
        from youcam_units import _json as exact_json  # noqa: PLC0415 - summaries never parse

        for raw in self._raw_rows(since_ms, until_ms):
            yield HistoryEntry.from_dict(exact_json.loads(raw))

    def raw_entries(self) -> Iterator[dict[str, Any]]:
        """Every stored entry exactly as sent (fractions as Decimal), newest first."""
        from youcam_units import _json as exact_json  # noqa: PLC0415 - summaries never parse

        for raw in self._raw_rows(None, None):
            yield exact_json.loads(raw)

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run SQL with the ledger's schema first on the search path (tests and tools)."""
        with self._errors("query"), self._conn.cursor() as cursor:
            cursor.execute(f"SET search_path TO {SCHEMA}, public")
            cursor.execute(sql.replace("?", "%s") if params else sql, params or None)
            return cursor.fetchall() if cursor.description else []

    def oldest_timestamp_ms(self) -> int | None:
        """The time of the oldest entry held (the time index's first key)."""
        with self._errors("read"):
            row = self._conn.execute(
                f"SELECT MIN(timestamp_ms) FROM {SCHEMA}.entries WHERE ledger = %s",  # noqa: S608 - fixed names
                (self.name,),
            ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def totals(self, since_ms: int | None, until_ms: int | None, *, per: Per) -> Iterator[Totals]:
        """Totals per UTC day or action in ``[since_ms, until_ms)`` (see ``SummaryStorage``).

        Whole days from the rollups (``NUMERIC`` sums: exact); the partial days at the window's
        edges, and times that have no day, from ``entries`` through the time index.
        """
        low = _INT64[0] if since_ms is None else max(since_ms, _INT64[0])
        high = _INT64[1] if until_ms is None else min(until_ms - 1, _INT64[1])  # inclusive
        if low > high:
            return
        first_day = max(-(-low // DAY_MS), _rollup.MIN_DAY)
        end_day = min((high + 1) // DAY_MS, _rollup.MAX_DAY + 1)
        with self._errors("read"):
            if first_day < end_day:
                rows = list(self._rolled_up(first_day, end_day, per))
                edges = [(low, first_day * DAY_MS - 1), (end_day * DAY_MS, high)]
            else:
                rows, edges = [], [(low, high)]
            for start, stop in edges:
                if start <= stop:
                    rows.extend(self._scanned(start, stop, per))
        yield from rows

    def _rolled_up(self, first_day: int, end_day: int, per: Per) -> Iterator[Totals]:
        """The rollups' totals of the whole days ``[first_day, end_day)``."""
        if per == "day":
            for day, entries, spent, expired, granted in self._conn.execute(
                f"SELECT day, entries, spent, expired, granted FROM {SCHEMA}.rollup_day "  # noqa: S608 - fixed names
                "WHERE ledger = %s AND day >= %s AND day < %s",
                (self.name, first_day, end_day),
            ):
                yield Totals(day, day * DAY_MS, None, int(entries), spent, granted, expired)
            return
        for action, entries, spent, granted in self._conn.execute(
            f"SELECT action, SUM(entries), SUM(spent), SUM(granted) FROM {SCHEMA}.rollup "  # noqa: S608 - fixed names
            "WHERE ledger = %s AND day >= %s AND day < %s GROUP BY action",
            (self.name, first_day, end_day),
        ):
            yield _action_totals(action, entries, spent, granted)

    def _scanned(self, start: int, stop: int, per: Per) -> Iterator[Totals]:
        """Totals of the entries in ``[start, stop]`` (inclusive), summed by the database."""
        where = f"FROM {SCHEMA}.entries WHERE ledger = %s AND timestamp_ms BETWEEN %s AND %s"
        params = (self.name, start, stop)
        if per == "action":
            for action, entries, spent, granted in self._conn.execute(
                f"SELECT action, COUNT(*), SUM(spent), SUM(granted) {where} GROUP BY action",
                params,
            ):
                yield _action_totals(action, entries, spent, granted)
            return
        # Per day; a time with no day is a group of its own, named by its milliseconds.
        for day, time_ms, entries, spent, expired, granted in self._conn.execute(
            f"SELECT CASE WHEN {DATED_SQL} THEN ({DAY_SQL}) END AS day, "
            f"CASE WHEN {DATED_SQL} THEN ({DAY_SQL}) * {DAY_MS} ELSE timestamp_ms END, "
            "COUNT(*), "
            "COALESCE(SUM(spent) FILTER (WHERE action <> %s), 0), "
            "COALESCE(SUM(spent) FILTER (WHERE action = %s), 0), SUM(granted) "
            f"{where} GROUP BY 1, 2",
            (Action.EXPIRE.value, Action.EXPIRE.value, *params),
        ):
            yield Totals(
                None if day is None else int(day),
                int(time_ms),
                None,
                int(entries),
                spent,
                granted,
                expired,
            )


def _action_totals(action: str, entries: object, spent: Decimal, granted: Decimal) -> Totals:
    expiry = action == Action.EXPIRE
    return Totals(
        None,
        None,
        action,
        int(str(entries)),
        ZERO if expiry else spent,
        granted,
        spent if expiry else ZERO,
    )
