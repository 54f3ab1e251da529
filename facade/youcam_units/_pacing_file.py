"""The pacing file on disk: ours or refused, and safe to create while others delete it.

``Pacer`` keeps its log of sends in this file (see ``_pacing``). Here is what concerns the file
itself: its header check before SQLite touches it, its creation, and its identity.

A file deleted under running processes goes in steps (``rm pacing.sqlite3*`` removes the main
file first, then ``-shm`` and ``-wal``). A process that recreates the main file in between would
open the old ``-shm`` that the old processes still map, and share their wal-index with a new
database: errors, or a budget split in two. So a file is created only once its old ``-wal`` and
``-shm`` are gone: a deletion in progress is given ``ORPHAN_WAIT`` to finish, then what is left
of it is removed (no database owns it any longer). Creation holds a lock on the directory, so
two processes recreating the file cannot remove each other's new ``-wal`` and ``-shm``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from typing import TYPE_CHECKING

from . import _config
from ._errors import PacingFileError
from ._logs import logger

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["check_header", "identity", "open_state"]

#: SQLite's ``application_id`` of a pacing file ("ycup"); a file without it is not ours.
_APPLICATION_ID = 0x79637570
_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_BYTES = 100
_APPLICATION_ID_OFFSET = 68
_SCHEMA = {
    "sends": "CREATE TABLE sends (name VARCHAR, item_timestamp INTEGER)",
    "idx_sends_item_timestamp": ("CREATE INDEX idx_sends_item_timestamp ON sends (item_timestamp)"),
    "limits": (
        "CREATE TABLE limits (requests INTEGER NOT NULL, window_ms INTEGER NOT NULL, "
        "last_used INTEGER NOT NULL, PRIMARY KEY (requests, window_ms))"
    ),
}
#: What an earlier version's pacing file holds: adopted (its id set, ``limits`` added).
_LEGACY_SCHEMA = frozenset({"sends", "idx_sends_item_timestamp"})
_NOT_OURS = "is not a youcam-units pacing file ({what}); it was left unchanged"


def check_header(path: Path) -> None:
    """Refuse a file that is not ours before SQLite touches it (it would add WAL files)."""
    try:
        with path.open("rb") as file:
            header = file.read(_HEADER_BYTES)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise PacingFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not header:
        return  # just created by another process, or by us before a failure: initialised below
    if len(header) < _HEADER_BYTES or not header.startswith(_SQLITE_MAGIC):
        raise PacingFileError(path, _NOT_OURS.format(what="not a SQLite database"))
    found = int.from_bytes(header[_APPLICATION_ID_OFFSET : _APPLICATION_ID_OFFSET + 4], "big")
    if found == _APPLICATION_ID:
        return
    if found or not is_legacy(schema_as_stored(path)):
        raise PacingFileError(path, _NOT_OURS.format(what="another SQLite database"))


def schema_as_stored(path: Path) -> set[str] | None:
    """The names in the main file's schema, read without a lock or a new file (``immutable``)."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return None
    try:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_schema")}
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def is_legacy(names: set[str] | None) -> bool:
    """An empty database, or a pacing file of an earlier version (no id, the sends log only)."""
    return names is not None and names <= _LEGACY_SCHEMA


def identity(path: Path) -> tuple[int, int] | None:
    """The file now at ``path`` (device, inode), or ``None`` when there is none."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PacingFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    return stat.st_dev, stat.st_ino


def open_state(path: Path) -> sqlite3.Connection:
    """The shared log of sends: ours, or created as ours; safe to open from many processes."""
    check_header(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PacingFileError(path, f"cannot be created ({exc.strerror or exc})") from None
    with _creation_lock(path.parent):
        if not path.exists():
            try:
                _clear_orphans(path)
            except OSError as exc:
                raise PacingFileError(path, f"cannot be created ({exc.strerror or exc})") from None
        return _connect(path)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            path,
            timeout=_config.PACING_FILE_BUSY_TIMEOUT,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise PacingFileError(path, f"cannot be opened ({exc})") from None
    try:
        _make_ours(conn, path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    except PacingFileError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise PacingFileError(path, f"cannot be used ({exc})") from None
    return conn


def _make_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Check the file is ours inside SQLite too, or make an empty one ours (one creator wins)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        (application_id,) = conn.execute("PRAGMA application_id").fetchone()
        if application_id != _APPLICATION_ID:
            names = {name for (name,) in conn.execute("SELECT name FROM sqlite_schema")}
            if application_id or not is_legacy(names):
                raise PacingFileError(path, _NOT_OURS.format(what="another SQLite database"))
            # A new file is still in rollback-journal mode: the id reaches the main file's
            # header at once, where _check_header reads it, before WAL mode is switched on.
            conn.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
            for name, statement in _SCHEMA.items():
                if name not in names:
                    conn.execute(statement)
        conn.commit()
    finally:
        if conn.in_transaction:
            conn.rollback()


#: How long a deletion in progress (the main file gone, ``-wal``/``-shm`` still there) may take.
ORPHAN_WAIT = 2.0
_SIDECARS = ("-wal", "-shm")


@contextlib.contextmanager
def _creation_lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` across processes, where the system has one."""
    if sys.platform == "win32":  # pragma: no cover - no flock: creation is not locked there
        yield
        return
    import fcntl  # noqa: PLC0415 - POSIX only

    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - a directory we can create in but not open
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _clear_orphans(path: Path) -> None:
    """With no main file, let a deletion in progress finish, then remove what it left."""
    sidecars = [path.with_name(path.name + suffix) for suffix in _SIDECARS]
    deadline = time.monotonic() + ORPHAN_WAIT
    while any(sidecar.exists() for sidecar in sidecars) and time.monotonic() < deadline:
        time.sleep(0.01)
    for sidecar in sidecars:
        if sidecar.exists():
            logger.warning("pacing: removing %s, left behind by a deleted pacing file", sidecar)
            sidecar.unlink(missing_ok=True)
