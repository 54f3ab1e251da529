"""Ledger integrity: the v1 -> v2 migration, foreign files, one account, concurrent syncs."""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import threading
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from youcam_units import Client
from youcam_units import _json as exact_json
from youcam_units.ledger import (
    SCHEMA_VERSION,
    AccountMismatchError,
    Ledger,
    LedgerError,
    SyncResult,
    summarize,
    sync,
)
from youcam_units.mock import DEFAULT_TOKEN, FaultKind, FaultPlan, MockService

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from youcam_units import Page

LOCAL = "http://127.0.0.1"

# -- helpers ------------------------------------------------------------------------------------


def client_for(service: MockService) -> Client:
    """An unpaced client without retries reading ``service`` in-process."""
    return Client(
        DEFAULT_TOKEN,
        base_url=LOCAL,
        http_client=httpx.Client(transport=service.transport()),
        rate_limit=None,
        max_retries=0,
    )


def equal_to_source(path: Path, service: MockService) -> bool:
    """The ledger file holds exactly the service's entries, each exactly as sent."""
    with Ledger(path, read_only=True) as ledger:
        return list(ledger.raw_entries()) == list(service.iter_entries())


def digest(path: Path) -> str:
    """The file's SHA-256: what byte-for-byte unchanged compares."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Paused:
    """A client whose ``history().pages()`` calls ``hooks[n]`` before handing out page n."""

    def __init__(self, client: Client, hooks: dict[int, Callable[[], None]]) -> None:
        self.client = client
        self.hooks = hooks
        self.pages_read = 0

    def history(self, *, page_size: int = 30, starting_token: str | None = None) -> Paused:
        """What sync calls: the client's pager, wrapped."""
        self._pager = self.client.history(page_size=page_size, starting_token=starting_token)
        return self

    def pages(self) -> Iterator[Page]:
        """The client's pages, running a hook before handing out its page."""
        for page in self._pager.pages():
            self.pages_read += 1
            hook = self.hooks.pop(self.pages_read, None)
            if hook is not None:
                hook()
            yield page


# -- the v1 -> v2 migration -----------------------------------------------------------------------

# Schema version 1, exactly as youcam-units 0.1.0 (main at 899332d) created it.
V1_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS meta (
        key   TEXT PRIMARY KEY,
        value  -- no declared type, so no affinity: a digit-string token stays a string, exactly
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS entries (
        id           INTEGER PRIMARY KEY,  -- the history id: 64-bit, exact for snowflakes
        timestamp_ms INTEGER NOT NULL,     -- Unix time in milliseconds, UTC
        action       TEXT    NOT NULL,
        target_id    TEXT,
        amount       INTEGER NOT NULL,     -- net change: the sum of the changes
        spent        INTEGER NOT NULL,     -- the negative changes, as a positive number
        granted      INTEGER NOT NULL,     -- the positive changes
        changes      TEXT    NOT NULL,     -- JSON [{"unit_id": ..., "amount": ...}, ...]
        dst_actions  TEXT    NOT NULL,     -- JSON list of strings (skin analysis), often []
        extra        TEXT    NOT NULL,     -- JSON object: top-level fields beyond the spec
        raw          TEXT    NOT NULL      -- JSON: the entry exactly as the service sent it
    )
    """,
    "CREATE INDEX IF NOT EXISTS entries_by_time ON entries (timestamp_ms)",
)


def v1_row(sent: dict[str, Any]) -> tuple[Any, ...]:
    """The row version 1 wrote for an entry, with its flaws.

    It read amount_dec through a float and summed the integer amount, and split a string-form
    dst_actions into its characters (in the dst_actions column and in raw alike).
    """
    raw: dict[str, Any] = json.loads(exact_json.dumps(sent))  # floats, as v1 parsed them
    info = raw.get("info", {})
    if isinstance(info.get("dst_actions"), str):
        info["dst_actions"] = list(info["dst_actions"])
    amounts = [c["amount"] for c in info.get("credits", [])]
    return (
        raw["id"],
        raw["timestamp"],
        raw["action"],
        raw.get("target_id"),
        sum(amounts),
        -sum(a for a in amounts if a < 0),
        sum(a for a in amounts if a > 0),
        json.dumps([{"unit_id": c["id"], "amount": c["amount"]} for c in info.get("credits", [])]),
        json.dumps(info.get("dst_actions", [])),
        json.dumps({}, sort_keys=True),
        json.dumps(raw, sort_keys=True, separators=(",", ":")),
    )


def write_v1_ledger(path: Path, entries: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    """A ledger as version 1 left it: WAL mode, its schema, its rows, its meta."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for statement in V1_SCHEMA:
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [v1_row(e) for e in entries],
    )
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)", [("schema_version", 1), *sorted(meta.items())]
    )
    conn.close()


def test_a_v1_ledger_is_upgraded_in_place_losing_nothing(tmp_path: Path) -> None:
    """A complete v1 ledger becomes v2 on first open: exact amounts, dst_actions as sent."""
    service = MockService(seed=11, entries=300)
    sent = list(service.iter_entries())
    assert any(isinstance(e.get("info", {}).get("dst_actions"), str) for e in sent)
    assert any(c.get("amount_dec", 0) % 1 for e in sent for c in e["info"].get("credits", []))
    path = tmp_path / "v1.sqlite3"
    source = "http://127.0.0.1"
    write_v1_ledger(path, sent, {"source": source, "frontier_id": sent[0]["id"]})

    with Ledger(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION == 3
        assert list(ledger.raw_entries()) == sent  # repaired: exactly what was sent
        assert ledger.frontier_id == sent[0]["id"]
        assert ledger.source == source
        stored = sum(
            Decimal(granted) - Decimal(spent)
            for spent, granted in ledger.query("SELECT spent, granted FROM entries")
        )
    exact = sum(
        Decimal(c.get("amount_dec", c["amount"])) for e in sent for c in e["info"]["credits"]
    )
    assert stored == exact
    # summary reads it, and sums it exactly.
    with Ledger(path, read_only=True) as ledger:
        assert sum(r.net for r in summarize(ledger, by="month")) == exact
    # The upgraded ledger syncs on: nothing new is one request, then k new.
    with Ledger(path) as ledger:
        assert sync(ledger, client_for(service)).pages == 1
        service.add_entries(40)
        assert sync(ledger, client_for(service)).new_entries == 40
    assert equal_to_source(path, service)


def test_a_v1_pass_in_progress_is_finished_after_the_upgrade(tmp_path: Path) -> None:
    """A v1 ledger left mid-pass (pages stored, a resume token) completes after the upgrade."""
    service = MockService(seed=11, entries=200)
    sent = list(service.iter_entries())
    path = tmp_path / "v1.sqlite3"
    token = service.make_next_token(len(sent) - 1 - 90)  # v1 stored the newest 90
    write_v1_ledger(
        path, sent[:90], {"source": LOCAL, "pass_head_id": sent[0]["id"], "resume_token": token}
    )
    with Ledger(path) as ledger:
        result = sync(ledger, client_for(service))
    assert result.resumed
    assert service.log.count == math.ceil(110 / 30) + 1
    assert equal_to_source(path, service)


def test_a_failed_upgrade_leaves_the_v1_file_as_it_was(tmp_path: Path) -> None:
    """A row the upgrade cannot read stops it; the whole upgrade rolls back, the file stays v1."""
    service = MockService(seed=11, entries=20)
    path = tmp_path / "v1.sqlite3"
    write_v1_ledger(path, list(service.iter_entries()), {"source": LOCAL})
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE entries SET raw = '{\"id\": 1}' WHERE rowid = (SELECT MAX(rowid) FROM entries)"
    )
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match=r"cannot upgrade .* left as it was"):
        Ledger(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (1,)
    assert conn.execute("SELECT COUNT(*) FROM entries").fetchone() == (20,)
    tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"meta", "entries"}
    conn.close()


def test_summary_upgrades_a_v1_ledger_then_reads_it(tmp_path: Path) -> None:
    """A read-only open of a v1 ledger upgrades it first (its one write), then reads."""
    service = MockService(seed=3, entries=40)
    path = tmp_path / "v1.sqlite3"
    write_v1_ledger(path, list(service.iter_entries()), {"source": LOCAL})
    with Ledger(path, read_only=True) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
        assert sum(r.entries for r in summarize(ledger)) == 40


# -- files that are not ledgers, and reading without writing -------------------------------------


def foreign_database(path: Path, *, wal: bool) -> str:
    """Some other program's SQLite file; its digest."""
    conn = sqlite3.connect(path, isolation_level=None)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.close()
    return digest(path)


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
def test_a_foreign_sqlite_file_is_refused_and_left_byte_for_byte(
    tmp_path: Path, *, wal: bool, read_only: bool
) -> None:
    """A SQLite file with other tables is refused; not a byte of it, nor its mode, changes."""
    path = tmp_path / "other.sqlite3"
    before = digest(path) if path.exists() else foreign_database(path, wal=wal)
    with pytest.raises(LedgerError, match=r"not a youcam-units ledger .*tables: notes"):
        Ledger(path, read_only=read_only)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite3"]


def test_read_only_open_never_writes_nor_switches_to_wal(tmp_path: Path) -> None:
    """Summary's read-only open leaves a ledger in rollback-journal mode, bytes unchanged."""
    service = MockService(seed=3, entries=40)
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        sync(ledger, client_for(service))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")  # say a user converted it
    conn.close()
    before = digest(path)
    with Ledger(path, read_only=True) as ledger:
        assert len(ledger) == 40
        with pytest.raises(LedgerError, match="read-only"):
            ledger.transaction()
    assert digest(path) == before
    assert path.read_bytes()[18:20] == b"\x01\x01"  # the header still says rollback journal


def test_read_only_open_of_a_missing_or_empty_file_is_refused(tmp_path: Path) -> None:
    """Summary on a path with no ledger says so and creates nothing."""
    with pytest.raises(LedgerError, match="no ledger"):
        Ledger(tmp_path / "missing.sqlite3", read_only=True)
    assert list(tmp_path.iterdir()) == []


# -- one account per ledger -------------------------------------------------------------------


def synced(path: Path, service: MockService) -> None:
    """One complete sync of ``service`` into the ledger at ``path``."""
    with Ledger(path) as ledger:
        sync(ledger, client_for(service))


def test_another_accounts_history_is_refused_and_the_ledger_unchanged(tmp_path: Path) -> None:
    """Same URL, another account: refused early, nothing of it kept, the ledger as it was."""
    mine, theirs = MockService(seed=11, entries=200), MockService(seed=12, entries=2_000)
    path = tmp_path / "ledger.sqlite3"
    synced(path, mine)
    with Ledger(path) as ledger:
        before = (list(ledger.raw_entries()), ledger.frontier_id)
        with pytest.raises(AccountMismatchError, match="another account's history"):
            sync(ledger, client_for(theirs))
        assert (list(ledger.raw_entries()), ledger.frontier_id) == before
        assert (ledger.staged_count, ledger.pass_head_id, ledger.resume_token) == (0, None, None)
    # Detected at the first entry older than the ledger's newest, not after the whole history.
    assert theirs.log.count <= 2
    # The right account still syncs, in one request.
    with Ledger(path) as ledger:
        assert sync(ledger, client_for(mine)).pages == 1
    assert equal_to_source(path, mine)


def test_another_account_with_only_newer_entries_is_refused_at_its_end(tmp_path: Path) -> None:
    """A history that ends without ever reaching the ledger's newest entry is another account."""
    mine, theirs = MockService(seed=11, entries=200), MockService(seed=12, entries=0)
    path = tmp_path / "ledger.sqlite3"
    synced(path, mine)
    theirs.add_entries(45)  # all dated after every entry of mine
    with Ledger(path) as ledger, pytest.raises(AccountMismatchError, match="end of the history"):
        sync(ledger, client_for(theirs))
    assert theirs.log.count == 2
    assert equal_to_source(path, mine)


def test_an_unfinished_pass_is_not_finished_by_another_account(tmp_path: Path) -> None:
    """A pass left mid-way by a crash, continued with another account's token, keeps nothing."""
    mine, theirs = MockService(seed=11, entries=200), MockService(seed=12, entries=500)
    path = tmp_path / "ledger.sqlite3"
    synced(path, mine)
    with Ledger(path, read_only=True) as reader:
        before = list(reader.raw_entries())
    mine.add_entries(100)
    mine.faults = FaultPlan.script({mine.log.count + 3: FaultKind.SERVER_ERROR})
    with Ledger(path) as ledger, pytest.raises(Exception, match="Internal server error"):
        sync(ledger, client_for(mine))
    with Ledger(path) as ledger:
        assert ledger.staged_count == 60
        with pytest.raises(AccountMismatchError):
            sync(ledger, client_for(theirs))
        assert list(ledger.raw_entries()) == before
        assert ledger.staged_count == 0
    mine.faults = FaultPlan.none()
    synced(path, mine)
    assert equal_to_source(path, mine)


# -- concurrent syncs ---------------------------------------------------------------------------


def test_a_sync_run_while_another_is_mid_pass_takes_over(tmp_path: Path) -> None:
    """Sync B runs whole while A waits mid-pass: A then stops; nothing lost, nothing re-read."""
    service = MockService(seed=21, entries=1_200)
    path = tmp_path / "ledger.sqlite3"
    results: dict[str, SyncResult] = {}

    def run_b() -> None:
        with Ledger(path) as ledger_b:
            results["b"] = sync(ledger_b, client_for(service))

    with Ledger(path) as ledger_a:
        results["a"] = sync(ledger_a, Paused(client_for(service), {5: run_b}))
    a, b = results["a"], results["b"]
    assert b.new_entries == 1_200
    assert not b.superseded
    assert a.superseded
    assert a.pages == 5  # its fifth page, read while B ran, was not stored twice
    assert service.log.count <= math.ceil(1_200 / 30) + 2 + 1
    assert equal_to_source(path, service)
    with Ledger(path) as ledger:
        again = sync(ledger, client_for(service))
    assert (again.new_entries, again.pages) == (0, 1)


def test_a_sync_that_loses_the_race_to_commit_stops(tmp_path: Path) -> None:
    """B fetches while A goes on; A commits first, so B's page is stale: B stops, A finishes."""
    service = MockService(seed=22, entries=1_200)
    path = tmp_path / "ledger.sqlite3"
    b_fetched, a_committed = threading.Event(), threading.Event()
    results: dict[str, SyncResult] = {}

    def b_waits() -> None:
        b_fetched.set()
        assert a_committed.wait(30)

    def run_b() -> None:
        with Ledger(path) as ledger_b:
            results["b"] = sync(ledger_b, Paused(client_for(service), {1: b_waits}))

    thread = threading.Thread(target=run_b)

    def start_b() -> None:
        thread.start()
        assert b_fetched.wait(30)

    with Ledger(path) as ledger_a:
        results["a"] = sync(ledger_a, Paused(client_for(service), {3: start_b, 4: a_committed.set}))
    thread.join(30)
    a, b = results["a"], results["b"]
    assert (a.superseded, b.superseded) == (False, True)
    assert a.new_entries == 1_200
    assert b.pages == 1
    assert equal_to_source(path, service)


def test_three_interleaved_syncs_end_equal_to_the_source(tmp_path: Path) -> None:
    """A pauses, B starts and pauses, C runs whole; B and A then stop; every entry is there."""
    service = MockService(seed=23, entries=1_200)
    path = tmp_path / "ledger.sqlite3"
    results: dict[str, SyncResult] = {}

    def run(name: str, hooks: dict[int, Callable[[], None]]) -> Callable[[], None]:
        def go() -> None:
            with Ledger(path) as ledger:
                results[name] = sync(ledger, Paused(client_for(service), hooks))

        return go

    run("a", {7: run("b", {3: run("c", {})})})()
    assert [results[n].superseded for n in "abc"] == [True, True, False]
    assert sum(r.new_entries for r in results.values()) == 1_200
    # Nobody re-read the history: about one read in all, not one per sync.
    assert service.log.count <= math.ceil(1_200 / 30) + 6
    assert equal_to_source(path, service)


def test_concurrent_incremental_syncs_lose_nothing(tmp_path: Path) -> None:
    """The issue's case: interleaved incremental syncs, then a sync that finds nothing new."""
    service = MockService(seed=24, entries=600)
    path = tmp_path / "ledger.sqlite3"
    synced(path, service)
    service.add_entries(600)
    results: list[SyncResult] = []

    def run_b() -> None:
        with Ledger(path) as ledger_b:
            results.append(sync(ledger_b, client_for(service)))

    with Ledger(path) as ledger_a:
        results.append(sync(ledger_a, Paused(client_for(service), {4: run_b})))
    assert sum(r.new_entries for r in results) == 600
    assert equal_to_source(path, service)
    with Ledger(path) as ledger:
        assert sync(ledger, client_for(service)).new_entries == 0


# -- the v2 -> v3 migration -----------------------------------------------------------------------

# Schema version 2, exactly as youcam-units wrote it before version 3 (main at 1da13c5).
V2_COLUMNS = """(
        id           INTEGER PRIMARY KEY,  -- the history id: 64-bit, exact for snowflakes
        timestamp_ms INTEGER NOT NULL,     -- Unix time in milliseconds, UTC (any int64)
        action       TEXT    NOT NULL,
        target_id    TEXT,
        amount       TEXT    NOT NULL,     -- exact decimal: net change, the sum of the changes
        spent        TEXT    NOT NULL,     -- exact decimal: the negative changes, as positive
        granted      TEXT    NOT NULL,     -- exact decimal: the positive changes
        changes      TEXT    NOT NULL,     -- JSON [{"unit_id": ..., "amount": exact}, ...]
        dst_actions  TEXT    NOT NULL,     -- JSON list of strings, whichever form was sent
        extra        TEXT    NOT NULL,     -- JSON object: top-level fields beyond the spec
        raw          TEXT    NOT NULL      -- JSON: the entry exactly as the service sent it
    )"""
V2_SCHEMA = (
    V1_SCHEMA[0],
    f"CREATE TABLE entries {V2_COLUMNS}",
    "CREATE INDEX entries_by_time ON entries (timestamp_ms)",
    f"CREATE TABLE staged {V2_COLUMNS}",
)


def v2_row(sent: dict[str, Any]) -> tuple[Any, ...]:
    """The row version 2 wrote for an entry: exact decimal text, raw as sent (sorted, compact)."""
    changes = sent.get("info", {}).get("credits", [])
    amounts = [Decimal(c.get("amount_dec", c["amount"])) for c in changes]
    dst = sent.get("info", {}).get("dst_actions", [])
    return (
        sent["id"],
        sent["timestamp"],
        sent["action"],
        sent.get("target_id"),
        str(sum(amounts, Decimal(0))),
        str(-sum((a for a in amounts if a < 0), Decimal(0))),
        str(sum((a for a in amounts if a > 0), Decimal(0))),
        exact_json.dumps(
            [{"unit_id": c["id"], "amount": a} for c, a in zip(changes, amounts, strict=True)]
        ),
        exact_json.dumps(exact_json.loads(dst) if isinstance(dst, str) else dst),
        exact_json.dumps({}, sort_keys=True),
        exact_json.dumps(sent, sort_keys=True, separators=(",", ":")),
    )


def write_v2_ledger(
    path: Path,
    entries: list[dict[str, Any]],
    meta: dict[str, Any],
    staged: list[dict[str, Any]] = (),  # type: ignore[assignment] # read only
) -> None:
    """A ledger as version 2 left it: WAL mode, no auto-vacuum, its schema, rows and meta."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for statement in V2_SCHEMA:
        conn.execute(statement)
    for table, rows in (("entries", entries), ("staged", staged)):
        conn.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed
            [v2_row(e) for e in rows],
        )
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("schema_version", 2), ("state_version", 7), *sorted(meta.items())],
    )
    conn.close()


def test_a_v2_ledger_mid_pass_is_upgraded_and_its_pass_finished(tmp_path: Path) -> None:
    """A v2 ledger with a pass in progress becomes v3: rollup, count, compact; the pass goes on.

    Its staged rows include one the ledger already holds (v2 never checked): it joins as nothing.
    """
    service = MockService(seed=11, entries=300)
    held = list(service.iter_entries())
    service.add_entries(100)
    sent = list(service.iter_entries())
    path = tmp_path / "v2.sqlite3"
    token = service.make_next_token(len(sent) - 1 - 60)  # the newest 60 are staged
    write_v2_ledger(
        path,
        held,
        {
            "source": LOCAL,
            "frontier_id": held[0]["id"],
            "frontier_ts": held[0]["timestamp"],
            "anchor_id": held[0]["id"],
            "anchor_ts": held[0]["timestamp"],
            "pass_head_id": sent[0]["id"],
            "pass_head_ts": sent[0]["timestamp"],
            "resume_token": token,
        },
        staged=[*sent[:60], held[5]],
    )
    with Ledger(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION == 3
        assert list(ledger.raw_entries()) == held
        assert len(ledger) == 300
        assert ledger.staged_count == 61
        assert ledger.query("PRAGMA auto_vacuum") == [(2,)]
        assert ledger.query("PRAGMA freelist_count") == [(0,)]
        by_month = {r.group: (r.entries, r.net) for r in summarize(ledger, by="month")}
        by_day = {r.group: (r.entries, r.net) for r in summarize(ledger, by="day")}
        (tables,) = ledger.query("SELECT COUNT(*) FROM sqlite_master WHERE name = 'rollup_day'")
        assert tables == (1,)
        result = sync(ledger, client_for(service))
        assert result.resumed
        assert result.new_entries == 100
        assert len(ledger) == 400
    assert by_month == {
        month: (entries, net) for month, (entries, net) in recount_months(held).items()
    }
    assert by_day == recount_months(held, "%Y-%m-%d")
    assert equal_to_source(path, service)
    with Ledger(path, read_only=True) as ledger:
        assert {r.group: (r.entries, r.net) for r in summarize(ledger, by="month")} == (
            recount_months(sent)
        )


def recount_months(
    sent: list[dict[str, Any]], period: str = "%Y-%m"
) -> dict[str, tuple[int, Decimal]]:
    """(entries, net change) per UTC month (or ``period``), counted from the entries as sent."""
    months: dict[str, tuple[int, Decimal]] = {}
    for entry in sent:
        month = datetime.fromtimestamp(entry["timestamp"] / 1000, tz=UTC).strftime(period)
        net = sum(
            (Decimal(c.get("amount_dec", c["amount"])) for c in entry["info"].get("credits", [])),
            Decimal(0),
        )
        count, total = months.get(month, (0, Decimal(0)))
        months[month] = (count + 1, total + net)
    return months


def test_summary_upgrades_a_v2_ledger_then_reads_it(tmp_path: Path) -> None:
    """A read-only open of a v2 ledger upgrades it (its one write), then reads the rollup."""
    service = MockService(seed=3, entries=90)
    sent = list(service.iter_entries())
    path = tmp_path / "v2.sqlite3"
    write_v2_ledger(path, sent, {"source": LOCAL, "frontier_id": sent[0]["id"]})
    with Ledger(path, read_only=True) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
        assert {r.group: (r.entries, r.net) for r in summarize(ledger, by="month")} == (
            recount_months(sent)
        )
        assert len(ledger) == 90


def test_a_failed_v3_upgrade_leaves_the_v2_file_as_it_was(tmp_path: Path) -> None:
    """An amount the upgrade cannot read stops it; it rolls back whole: the file stays v2."""
    service = MockService(seed=11, entries=20)
    path = tmp_path / "v2.sqlite3"
    write_v2_ledger(path, list(service.iter_entries()), {"source": LOCAL})
    conn = sqlite3.connect(path)
    conn.execute("UPDATE entries SET spent = 'a lot' WHERE id = (SELECT MAX(id) FROM entries)")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match=r"cannot upgrade .* version 3.* left as it was"):
        Ledger(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (2,)
    assert conn.execute("SELECT COUNT(*) FROM entries").fetchone() == (20,)
    tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"meta", "entries", "staged"}
    conn.close()
