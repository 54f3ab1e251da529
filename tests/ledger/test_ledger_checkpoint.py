"""A main file a checkpoint left half-written is judged with its WAL: a ledger, or still foreign.

A checkpoint copies pages from the WAL into the main file, page 1 first; a full disk or a kill
stops it part way, and the main file alone is then malformed until the WAL is read with it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from youcam_units import Client
from youcam_units._cli._commands import DEMO_SEED
from youcam_units.ledger import Ledger, LedgerError, sync
from youcam_units.mock import DEFAULT_TOKEN, MockService

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

_WAL_HEADER = 32
_FRAME_HEADER = 24


def client_for(service: MockService) -> Client:
    """An unpaced client without retries reading ``service`` in-process."""
    return Client(
        DEFAULT_TOKEN,
        base_url="http://127.0.0.1",
        http_client=httpx.Client(transport=service.transport()),
        rate_limit=None,
        max_retries=0,
    )


def committed_pages(wal: bytes) -> dict[int, bytes]:
    """Each page's newest version in the WAL's committed frames: what a checkpoint writes."""
    (page_size,) = struct.unpack(">I", wal[8:12])
    pages: dict[int, bytes] = {}
    committed: dict[int, bytes] = {}
    frame = _WAL_HEADER
    while frame + _FRAME_HEADER + page_size <= len(wal):
        number, commit_size = struct.unpack(">II", wal[frame : frame + 8])
        pages[number] = wal[frame + _FRAME_HEADER : frame + _FRAME_HEADER + page_size]
        if commit_size:
            committed = dict(pages)
        frame += _FRAME_HEADER + page_size
    return committed


def mid_checkpoint(write: Callable[[Path], None], target: Path, *, shm: bool) -> None:
    """At ``target``: what ``write`` made, as a checkpoint cut short after page 1 leaves it.

    A second connection switches the empty file to WAL and holds it open while ``write`` runs,
    so everything written stays in the WAL past the writer's close. The main file and WAL are
    copied then, and the WAL's page 1 (the schema's root, naming pages the main file does not
    have) is written into the copy.
    """
    source = target.parent / "source" / target.name
    source.parent.mkdir()
    holder = sqlite3.connect(source, isolation_level=None)
    try:
        holder.execute("PRAGMA journal_mode=WAL")
        holder.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        write(source)
        for suffix in ("", "-wal", *(("-shm",) if shm else ())):
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    finally:
        holder.close()
    shutil.rmtree(source.parent)
    page_one = committed_pages(Path(f"{target}-wal").read_bytes())[1]
    with target.open("r+b") as main:
        main.write(page_one)


def digests(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` by name, with its SHA-256: what byte-for-byte compares."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def malformed_alone(path: Path) -> bool:
    """The main file read without its WAL is malformed: the case this module is about."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        conn.execute("SELECT * FROM sqlite_master").fetchall()
        conn.execute("SELECT COUNT(*) FROM meta").fetchall()
    except sqlite3.DatabaseError as exc:
        return "malformed" in str(exc)
    finally:
        conn.close()
    return False


@pytest.fixture
def service() -> MockService:
    """300 entries: the WAL holds tens of pages."""
    return MockService(seed=3, entries=300)


@pytest.fixture
def half_checkpointed(service: MockService, tmp_path: Path) -> Callable[..., Path]:
    """A synced ledger whose main file a checkpoint left half-written, beside its WAL."""

    def make(*, shm: bool) -> Path:
        path = tmp_path / "ledger.sqlite3"

        def write(source: Path) -> None:
            with Ledger(source) as ledger:
                sync(ledger, client_for(service))

        mid_checkpoint(write, path, shm=shm)
        assert malformed_alone(path)
        return path

    return make


@pytest.mark.parametrize("shm", [True, False], ids=["with-shm", "without-shm"])
def test_a_half_checkpointed_ledger_is_read_with_its_wal(
    half_checkpointed: Callable[..., Path], service: MockService, *, shm: bool
) -> None:
    """Read-only: every committed entry, exactly as sent; the files are left as they were."""
    path = half_checkpointed(shm=shm)
    before = digests(path.parent)
    with Ledger(path, read_only=True) as ledger:
        assert list(ledger.raw_entries()) == list(service.iter_entries())
        assert ledger.frontier_id is not None
    after = digests(path.parent)
    assert {k: v for k, v in after.items() if k != path.name + "-shm"} == {
        k: v for k, v in before.items() if k != path.name + "-shm"
    }


@pytest.mark.parametrize("shm", [True, False], ids=["with-shm", "without-shm"])
def test_a_half_checkpointed_ledger_syncs_on_and_ends_exact(
    half_checkpointed: Callable[..., Path], service: MockService, *, shm: bool
) -> None:
    """Opened to write, SQLite finishes the checkpoint; a re-sync adds nothing and ends exact."""
    path = half_checkpointed(shm=shm)
    with Ledger(path) as ledger:
        result = sync(ledger, client_for(service))
        assert result.new_entries == 0
        assert result.total_entries == service.total
        assert list(ledger.raw_entries()) == list(service.iter_entries())
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def _foreign(path: Path) -> None:
    """Another program's WAL file: a schema too big for page 1, so page 1 alone is malformed."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for n in range(60):
            conn.execute(f"CREATE TABLE notes_{n} (id INTEGER PRIMARY KEY, body_of_a_note TEXT)")
        conn.execute("INSERT INTO notes_0 (body_of_a_note) VALUES ('keep me')")
    finally:
        conn.close()


@pytest.mark.parametrize("shm", [True, False], ids=["with-shm", "without-shm"])
@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
def test_a_half_checkpointed_foreign_file_is_still_refused_and_left_as_it_was(
    tmp_path: Path, *, shm: bool, read_only: bool
) -> None:
    """Judged with its WAL it is another program's file: refused; no byte or file changes."""
    path = tmp_path / "app.sqlite3"
    mid_checkpoint(_foreign, path, shm=shm)
    assert malformed_alone(path)
    before = digests(tmp_path)
    with pytest.raises(LedgerError, match=r"not a youcam-units ledger .*tables: notes_0"):
        Ledger(path, read_only=read_only)
    assert digests(tmp_path) == before


def test_a_non_sqlite_file_beside_a_wal_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    """Any other file, even with a ``-wal`` beside it: refused, nothing written or created."""
    path = tmp_path / "notes.txt"
    path.write_bytes(b"not a database, " * 512)
    path.with_name("notes.txt-wal").write_bytes(b"nor a WAL " * 1000)
    before = digests(tmp_path)
    for read_only in (False, True):
        with pytest.raises(LedgerError, match="not a youcam-units ledger"):
            Ledger(path, read_only=read_only)
    assert digests(tmp_path) == before


def test_a_full_disk_is_reported_as_such_and_the_next_sync_ends_exact(
    tmp_path: Path, service: MockService
) -> None:
    """SQLite rolls a transaction back itself on a full disk: its error is what is raised."""
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.query("PRAGMA max_page_count=12")  # a disk that fills up within the first pass
        with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
            sync(ledger, client_for(service))
    with Ledger(path) as ledger:
        sync(ledger, client_for(service))
        assert list(ledger.raw_entries()) == list(service.iter_entries())


# -- a real full disk -----------------------------------------------------------------------------

ENTRY_POINT = shutil.which("youcam-units", path=str(Path(sys.executable).parent))
_SMALL_DISK_MB = 120
_FREE_MB = 6


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    assert ENTRY_POINT is not None
    environment = {k: v for k, v in os.environ.items() if not k.startswith("YOUCAM_")}
    return subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        [ENTRY_POINT, *args],
        capture_output=True,
        text=True,
        env={**environment, "COLUMNS": "200"},
        timeout=600,
        check=False,
    )


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 120 MB tmpfs (a 60,000-entry pass needs about 45), unmounted afterwards.

    Skipped where mounting is not allowed; never under CI, which runs as root.
    """
    folder = tmp_path / "disk"
    folder.mkdir()
    allowed = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None
    mounted = allowed and (
        subprocess.run(  # noqa: S603 - fixed arguments
            ["mount", "-t", "tmpfs", "-o", f"size={_SMALL_DISK_MB}m", "tmpfs", str(folder)],  # noqa: S607 - mount from PATH
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    if not mounted:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs as root and must mount a tmpfs for the full-disk test")
        pytest.skip("mounting a small tmpfs needs root and the mount permission")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)  # noqa: S603, S607 - fixed arguments


@pytest.mark.slow
@pytest.mark.skipif(ENTRY_POINT is None, reason="youcam-units is not installed")
def test_after_a_full_disk_every_command_works_and_a_resync_ends_exact(small_disk: Path) -> None:
    """Sync fails on a full disk; with room again summary, export, status and sync all work."""
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * (free - _FREE_MB * 2**20))
    db = small_disk / "l.sqlite3"
    full = _cli("sync", "--demo", "--entries", "60000", "--db", str(db))
    assert full.returncode != 0, full.stdout
    assert "database or disk is full" in full.stderr
    assert "Traceback" not in full.stderr
    filler.unlink()
    for command in (
        ("summary", "--db", str(db)),
        ("export", "--db", str(db), "--format", "jsonl"),
        ("status", "--demo", "--entries", "60000", "--db", str(db)),
    ):
        run = _cli(*command)
        assert run.returncode == 0, (command, run.stderr)
        assert "not a youcam-units ledger" not in run.stderr
    resync = _cli("sync", "--demo", "--entries", "60000", "--db", str(db))
    assert resync.returncode == 0, resync.stderr
    service = MockService(seed=DEMO_SEED, entries=60_000)
    with Ledger(db, read_only=True) as ledger:
        assert list(ledger.raw_entries()) == list(service.iter_entries())
