"""A connection to one PostgreSQL ledger: reaching the database, its errors, schema and lock.

What both sides of ``PostgresLedger`` stand on, kept apart from them: psycopg imported on
demand, connecting, a database error as one line without the password, the schema checked and
migrated on open, the write transaction that holds the ledger's advisory lock.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Final

from youcam_units.ledger._postgres_schema import (
    MIGRATIONS,
    OUR_RELATIONS,
    SCHEMA,
    SCHEMA_LOCK,
    SCHEMA_VERSION,
)
from youcam_units.ledger._storage import LedgerError, OpenLedger

if TYPE_CHECKING:
    from collections.abc import Iterator

    import psycopg

    from youcam_units.ledger._target import PostgresTarget

__all__ = ["CONNECT_TIMEOUT", "MISSING_PSYCOPG", "PostgresSession"]

MISSING_PSYCOPG: Final = (
    "a postgresql:// ledger needs psycopg: pip install 'youcam-units[postgres]'"
)
CONNECT_TIMEOUT: Final = 10
"""Seconds to wait for the server when the URL sets no ``connect_timeout``."""
_DEFAULTS: Final = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "youcam-units"}
"""Connection settings the URL may set otherwise."""


def _psycopg() -> Any:  # noqa: ANN401 - the module, imported on demand
    try:
        import psycopg  # noqa: PLC0415 - only a postgresql:// ledger needs it
    except ImportError:
        raise LedgerError(MISSING_PSYCOPG) from None
    return psycopg


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


class PostgresSession(OpenLedger):
    """An open connection to one ledger of a database; ``PostgresLedger`` reads and writes it."""

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

    @property
    def schema_version(self) -> int:
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
        if self.schema_version == SCHEMA_VERSION:
            return
        if self.read_only and self._relations() is None:
            self._require_ledger()
        with self._conn.transaction():
            self._conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (SCHEMA_LOCK,)
            )
            version = self.schema_version  # again, under the lock: another host may have migrated
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

    def _row(self, columns: str) -> tuple[Any, ...]:
        with self._errors("read"):
            row = self._conn.execute(
                f"SELECT {columns} FROM {SCHEMA}.ledgers WHERE ledger = %s",  # noqa: S608 - fixed names
                (self.name,),
            ).fetchone()
        if row is None:
            raise LedgerError(f"the ledger {self.location} was deleted while in use")
        return row
