"""The ledger's side: write speed during sync, file size against its data, upgrading big files.

Write speed: ``youcam_units.ledger.sync`` against an in-memory history source that hands out
pages read from the mock beforehand (the facade's own ``Page``/``HistoryEntry`` objects), so
HTTP and parsing are excluded and only the ledger's work (stage, checkpoint, promote, count) is
timed. Its same-run reference is the floor of that work: the same entries inserted by a bare
``executemany`` into a plain table, one transaction per page, with the ledger's settings (WAL,
``synchronous=FULL``), their JSON serialized beforehand.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from youcam_units import Client, Page
from youcam_units.ledger import PAGE_SIZE, Ledger, sync
from youcam_units.mock import DEFAULT_TOKEN, MockService

from benchmarks._common import BASE_URL, SEED, progress
from benchmarks.ledger_build import Built, cached_v2_ledger
from benchmarks.startup import Spread

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from youcam_units import HistoryEntry


# -- an upgraded copy of a built ledger -----------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A built version 2 ledger, copied and opened once with ``Ledger`` (which upgrades it)."""

    built: Built
    path: Path
    upgrade_seconds: float
    """``Ledger(path)`` on the version 2 copy: open, migrate to the current schema, close."""
    schema_version: int


def prepared_ledger(entries: int, workdir: Path) -> Prepared:
    """Build (or reuse) the version 2 ledger of ``entries``, copy it, upgrade the copy, timed."""
    built = cached_v2_ledger(entries, SEED)
    if built.cached:
        progress(f"ledger of {entries:,} entries: reusing {built.path.name}")
    else:
        progress(f"ledger of {entries:,} entries: built in {built.seconds:.1f} s")
    path = workdir / f"ledger-{entries}.sqlite3"
    shutil.copyfile(built.path, path)
    started = time.perf_counter()
    with Ledger(path) as ledger:
        version = ledger.schema_version
    upgrade = time.perf_counter() - started
    progress(f"ledger of {entries:,} entries: opened and upgraded to v{version} in {upgrade:.1f} s")
    return Prepared(built, path, upgrade, version)


# -- ledger writes during sync --------------------------------------------------------------------


class _Pager:
    def __init__(self, pages: Sequence[Page], start: int) -> None:
        self._pages = pages
        self._start = start

    def pages(self) -> Iterator[Page]:
        yield from self._pages[self._start :]


class MemoryHistory:
    """A ``HistorySource`` serving pages held in memory; its tokens are page numbers."""

    def __init__(self, pages: Sequence[Page]) -> None:
        self._pages = pages

    def history(self, *, page_size: int = PAGE_SIZE, starting_token: str | None = None) -> _Pager:
        """The pages from ``starting_token`` on (the first when None)."""
        if page_size != PAGE_SIZE:
            raise ValueError(f"pages were read at {PAGE_SIZE} per page, not {page_size}")
        return _Pager(self._pages, 0 if starting_token is None else int(starting_token))


def read_pages(entries: int) -> list[Page]:
    """Every page of the mock's history of ``entries`` entries, read through ``Client``."""
    service = MockService(seed=SEED, entries=entries)
    with (
        httpx.Client(transport=service.transport()) as http,
        Client(DEFAULT_TOKEN, base_url=BASE_URL, http_client=http, rate_limit=None) as client,
    ):
        read = list(client.history(page_size=PAGE_SIZE).pages())
    return [
        Page(page.entries, str(number + 1) if number + 1 < len(read) else None)
        for number, page in enumerate(read)
    ]


@dataclass(frozen=True)
class WriteSpeed:
    """Entries per second: the ledger's sync, and the bare-insert floor, paired by round."""

    entries: int
    ledger: Spread
    floor: Spread
    ratio: Spread
    """Ledger / floor within each round."""


def _floor_rows(pages: Sequence[Page]) -> list[list[tuple[int, int, str, str]]]:
    return [
        [
            (e.id, e.timestamp_ms, str(e.action), json.dumps(e.to_dict(), default=str))
            for e in page.entries
        ]
        for page in pages
    ]


def _floor(path: Path, rows: Sequence[Sequence[tuple[int, int, str, str]]]) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(
            "CREATE TABLE plain (id INTEGER PRIMARY KEY, timestamp_ms INTEGER NOT NULL, "
            "action TEXT NOT NULL, raw TEXT NOT NULL)"
        )
        started = time.perf_counter()
        for page in rows:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO plain VALUES (?, ?, ?, ?)", page)
            conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


def _ledger_sync(path: Path, source: MemoryHistory, expected: Sequence[HistoryEntry]) -> float:
    with Ledger(path) as ledger:
        started = time.perf_counter()
        result = sync(ledger, source)
        elapsed = time.perf_counter() - started
        if result.new_entries != len(expected) or list(ledger.entries()) != list(expected):
            raise AssertionError("the ledger does not hold exactly the entries served")
    return elapsed


def measure_writes(pages: Sequence[Page], workdir: Path, *, rounds: int) -> tuple[WriteSpeed, Path]:
    """Sync into a fresh ledger and run the floor, alternating, ``rounds`` times.

    Every round's ledger must then hold exactly the entries served (else ``AssertionError``).
    Returns the figures and the last round's ledger (closed), for the file-size figure.
    """
    entries = [e for page in pages for e in page.entries]
    expected = sorted(entries, key=lambda e: (e.timestamp_ms, e.id), reverse=True)
    rows = _floor_rows(pages)
    source = MemoryHistory(pages)
    ledger_rates: list[float] = []
    floor_rates: list[float] = []
    last = workdir / "write-0.sqlite3"
    for number in range(rounds + 1):  # round 0 warms up, untimed
        path = workdir / f"write-{number}.sqlite3"
        floor_path = workdir / f"floor-{number}.sqlite3"
        if number % 2:
            floor = _floor(floor_path, rows)
            synced = _ledger_sync(path, source, expected)
        else:
            synced = _ledger_sync(path, source, expected)
            floor = _floor(floor_path, rows)
        for stale in (last, floor_path):
            for file in (stale, stale.with_name(stale.name + "-wal")):
                if file != path:
                    file.unlink(missing_ok=True)
        last = path
        if number:
            ledger_rates.append(len(entries) / synced)
            floor_rates.append(len(entries) / floor)
    speed = WriteSpeed(
        len(entries),
        Spread(tuple(ledger_rates)),
        Spread(tuple(floor_rates)),
        Spread(tuple(a / b for a, b in zip(ledger_rates, floor_rates, strict=True))),
    )
    return speed, last


# -- file size against its data -------------------------------------------------------------------


@dataclass(frozen=True)
class FileSize:
    """A ledger file's bytes on disk against the bytes of data its b-trees hold."""

    entries: int
    file_bytes: int
    """The database file, plus its ``-wal`` if one is left."""
    data_bytes: int
    """``SUM(payload)`` over SQLite's ``dbstat`` for every table and index (the schema too)."""
    tables: dict[str, tuple[int, int]]
    """Per table or index: (payload bytes, page bytes)."""
    free_bytes: int
    """Pages on the free list: space the file keeps that no b-tree uses."""

    @property
    def ratio(self) -> float:
        """File bytes per byte of data."""
        return self.file_bytes / self.data_bytes


def file_size(path: Path, entries: int) -> FileSize:
    """Measure a closed ledger file with SQLite's ``dbstat`` (CPython's SQLite has it)."""
    wal = path.with_name(path.name + "-wal")
    size = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            rows = conn.execute(
                "SELECT name, SUM(payload), SUM(pgsize) FROM dbstat GROUP BY name ORDER BY name"
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise RuntimeError(
                f"this Python's SQLite {sqlite3.sqlite_version} has no dbstat table "
                f"(SQLITE_ENABLE_DBSTAT_VTAB), which the file-size figure needs: {exc}"
            ) from exc
        (free,) = conn.execute("PRAGMA freelist_count").fetchone()
        (page,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    tables = {name: (int(payload), int(pages)) for name, payload, pages in rows}
    return FileSize(entries, size, sum(p for p, _ in tables.values()), tables, free * page)
