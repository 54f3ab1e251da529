"""Opening a SQLite ledger file: refuse what is not a ledger, migrate, read-only opens."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Final

from youcam_units.ledger._migrations import MIGRATIONS, SCHEMA_VERSION
from youcam_units.ledger._schema import LEDGER_TABLES, Meta, UpgradeProgress
from youcam_units.ledger._storage import LedgerError

if TYPE_CHECKING:
    from collections.abc import Callable

    from youcam_units.ledger._schema import Report

    OnUpgrade = Callable[[UpgradeProgress], None]

__all__ = [
    "Transaction",
    "check_is_ledger",
    "compact",
    "connect",
    "migrate",
    "open_read_only",
]

logger = logging.getLogger("youcam_units.ledger")

_INCREMENTAL: Final = 2
BUSY_TIMEOUT: Final = 30.0
"""Seconds a write waits for another sync's transaction on the same file."""


def connect(path: Path, target: str, *, uri: bool) -> sqlite3.Connection:
    try:
        return sqlite3.connect(target, isolation_level=None, timeout=BUSY_TIMEOUT, uri=uri)
    except sqlite3.Error as exc:
        raise LedgerError(f"cannot open the ledger {path}: {exc}") from exc


def _read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot write; in a read-only directory, an immutable one.

    SQLite reads a WAL file read-only only if it can create the ``-shm`` file beside it, or
    map one that is there read-only (``readonly_shm``). In a directory nobody can write to, no
    sync can be writing either, so reading the file as immutable (no locks, no ``-shm``) is
    safe there.
    """
    if not path.exists():
        raise LedgerError(f"no ledger at {path}")
    fallbacks = ["mode=ro&readonly_shm=1"] if _beside(path, "-shm").is_file() else []
    for query in ("mode=ro", *fallbacks):
        try:
            return _open(path, path, query)
        except sqlite3.DatabaseError:
            pass
    return _open(path, path, "mode=ro&immutable=1")


def _open(path: Path, file: Path, query: str) -> sqlite3.Connection:
    """``file`` opened with the URI ``query`` and read once; a non-SQLite file is refused.

    Messages name ``path`` (``file`` may be a private copy of it). Other database errors
    propagate as ``sqlite3.DatabaseError`` for the caller to judge.
    """
    conn = connect(path, f"{file.resolve().as_uri()}?{query}", uri=True)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise LedgerError(f"{path} is not a youcam-units ledger ({exc})") from exc
        raise
    return conn


def _judge(path: Path, file: Path, query: str) -> None:
    """Refuse ``file`` (opened with ``query``) if it is not a ledger; messages name ``path``."""
    try:
        conn = _open(path, file, query)
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{path} is not a youcam-units ledger ({exc})") from exc
    try:
        _version_of(path, conn)
    finally:
        conn.close()


def check_is_ledger(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not a ledger (or a newer one).

    First the main file alone, immutable: a WAL file opened read-only otherwise keeps a
    ``-wal`` and ``-shm`` beside it. A main file a checkpoint left half-written (a full disk,
    a kill) is whole only with its WAL, so a refusal is judged again with the WAL before it
    stands. The check is repeated, with locks, in the transaction that would write; rolling
    back writes nothing either.
    """
    if not path.exists():
        raise LedgerError(f"no ledger at {path}")
    try:
        _judge(path, path, "mode=ro&immutable=1")
    except LedgerError:
        wal = _beside(path, "-wal")
        if not (wal.is_file() and wal.stat().st_size > 0):
            raise
        _judge_with_wal(path, wal)


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _judge_with_wal(path: Path, wal: Path) -> None:
    """Judge ``path`` as SQLite reads it, with its WAL, writing nothing beside it.

    With its ``-shm`` there: a read-only open that maps the ``-shm`` read-only
    (``readonly_shm``; SQLite then indexes the WAL in its own memory if no writer keeps the
    ``-shm`` current). Without one (no process has the file open): a private copy of the two
    files, since a plain read-only open would create a ``-shm`` beside what may be another
    program's file.
    """
    if _beside(path, "-shm").is_file():
        try:
            _judge(path, path, "mode=ro&readonly_shm=1")
        except LedgerError as exc:
            if not isinstance(exc.__cause__, sqlite3.OperationalError):
                raise
            logger.info("reading %s with its WAL in place failed (%s): reading a copy", path, exc)
        else:
            return
    import shutil  # noqa: PLC0415 - only a file left mid-checkpoint needs them
    import tempfile  # noqa: PLC0415

    try:
        with tempfile.TemporaryDirectory(prefix="youcam-units-") as folder:
            copy = Path(folder) / "judged.sqlite3"
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, _beside(copy, "-wal"))
            _judge(path, copy, "mode=ro")
    except OSError as exc:
        raise LedgerError(
            f"cannot read {path} with its WAL {wal.name} to check that it is a ledger "
            f"({exc}); both were left as they were: make room in the temporary directory"
        ) from exc


def _version_of(path: Path, conn: sqlite3.Connection) -> int:
    """The file's schema version (0: an empty database); refuses what is not a ledger."""
    try:
        tables = {
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        version = Meta(conn).get("schema_version") if "meta" in tables else None
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{path} is not a youcam-units ledger ({exc})") from exc
    if not tables:
        return 0
    if not tables <= LEDGER_TABLES or not isinstance(version, int):
        raise LedgerError(
            f"{path} is a SQLite database but not a youcam-units ledger (tables: "
            f"{', '.join(sorted(tables))}); it was left as it was: pass another --db"
        )
    if version > SCHEMA_VERSION:
        raise LedgerError(
            f"{path} has ledger schema version {version!r}; this youcam-units "
            f"reads up to version {SCHEMA_VERSION}: upgrade youcam-units"
        )
    return version


def migrate(path: Path, conn: sqlite3.Connection, on_upgrade: OnUpgrade | None = None) -> Report:
    """Apply the migrations this file lacks, all in one transaction.

    ``on_upgrade`` hears of each step of upgrading a file an older version wrote (a new file
    is created, not upgraded: it hears nothing). Returns what ``compact`` reports to.
    """
    with Transaction(conn):
        version = _version_of(path, conn)
        if version == SCHEMA_VERSION:
            return _silent
        report = _reporter(path, conn, version, on_upgrade)
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            logger.info("upgrading ledger %s to schema version %d", path, number)
            try:
                migration(conn, report)
            except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
                # The transaction rolls back: the file stays at its version, untouched.
                raise LedgerError(
                    f"cannot upgrade the ledger {path} to schema version {number}: "
                    f"{type(exc).__name__}: {exc}; it was left as it was"
                ) from exc
        Meta(conn).set("schema_version", SCHEMA_VERSION)
        return report


def _silent(_step: str, _done: int | None) -> None:
    """No upgrade, or nobody to tell."""


def _reporter(
    path: Path, conn: sqlite3.Connection, version: int, on_upgrade: OnUpgrade | None
) -> Report:
    """What the migrations report to: ``on_upgrade``, told "starting" first."""
    if on_upgrade is None or version == 0:
        return _silent
    ((entries,),) = conn.execute("SELECT COUNT(*) FROM entries")
    start = UpgradeProgress(str(path), version, SCHEMA_VERSION, entries, "starting")
    on_upgrade(start)

    def report(step: str, done: int | None) -> None:
        on_upgrade(UpgradeProgress(start.location, version, SCHEMA_VERSION, entries, step, done))

    return report


def compact(path: Path, conn: sqlite3.Connection, report: Report = _silent) -> None:
    """Switch a file an older version wrote to incremental auto-vacuum: one VACUUM, once.

    Also returns what the upgrade freed (the old tables' pages). A file this version created
    is in that mode from the start, and a VACUUM cut short leaves the file as it was: the next
    open tries again. On a large file it takes a while: ``report`` (the upgrade's) hears of it.
    """
    ((mode,),) = conn.execute("PRAGMA auto_vacuum")
    if mode == _INCREMENTAL:
        return
    logger.info("compacting ledger %s (once)", path)
    report("compacting the file", None)
    conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
    conn.execute("VACUUM")


def open_read_only(path: Path, upgrade: Callable[[], None]) -> sqlite3.Connection:
    """A read-only connection to a ledger at ``SCHEMA_VERSION``; ``upgrade`` opens it to write."""
    check_is_ledger(path)  # a foreign WAL file would keep a -wal and -shm from a plain open
    conn = _read_only_connection(path)
    try:
        version = _version_of(path, conn)
    except LedgerError:
        conn.close()
        raise
    if version == SCHEMA_VERSION:
        return conn
    conn.close()
    if version == 0:
        raise LedgerError(f"{path} is an empty database, not a ledger: run sync first")
    try:
        upgrade()  # the one write a read-only open may need: the upgrade
    except (LedgerError, sqlite3.Error, OSError) as exc:
        raise LedgerError(
            f"{path} needs upgrading to ledger schema version {SCHEMA_VERSION} and "
            f"cannot be written here ({exc}): run `youcam-units sync` once where it can"
        ) from exc
    return _read_only_connection(path)


class Transaction:
    """``BEGIN IMMEDIATE`` on enter; ``COMMIT`` on a clean exit, ``ROLLBACK`` on any exception.

    SQLite may have rolled back already (a full disk does): then there is nothing to undo, and
    the error that caused it is the one to report, not "cannot rollback".
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self._conn.execute("COMMIT")
        elif self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
