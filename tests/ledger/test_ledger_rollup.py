"""Schema v3: summaries from the rollup equal summaries counted from the entries, whatever happened.

Random ledgers (seeded): fractional amounts (some with 12 places, some so big that SQLite's
integer sums overflow), the ``expire`` action, duplicates within and across
pages, entries the ledger already holds, passes abandoned and restarted, ledgers closed and
reopened between pages, times at midnight and outside the years 1-9999. After every step the
ledger's summaries for random windows (whole days, partial days, open ends) must equal a recount
of the entries a model says the ledger holds, and ``len`` must equal their number.
"""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from youcam_units import HistoryEntry
from youcam_units._models import (
    MAX_DATETIME_MS,
    MIN_DATETIME_MS,
    describe_timestamp,
    timestamp_datetime,
)
from youcam_units.ledger import Grouping, Ledger, daily_spending, open_ledger, summarize

if TYPE_CHECKING:
    from pathlib import Path

    from ledger.conftest import AnyLedger

DAY = 86_400_000
BASE = 1_767_225_600_000  # 2026-01-01T00:00:00Z
ACTIONS = ("photo_enhance", "expire", "sign_up_gift", "object_removal")
ODD_TIMES = (
    -(2**63),
    MIN_DATETIME_MS - 1,
    MIN_DATETIME_MS,  # 0001-01-01T00:00:00.000, the first time that has a day
    -1,
    0,
    MAX_DATETIME_MS,  # 9999-12-31T23:59:59.999, the last
    MAX_DATETIME_MS + 1,
    2**63 - 1,
)


def random_entry(rng: random.Random, entry_id: int) -> HistoryEntry:
    """An entry on one of a few days (often at midnight), now and then at an odd time."""
    if rng.random() < 0.08:
        timestamp = rng.choice(ODD_TIMES)
    else:
        day = BASE + rng.randrange(-3, 4) * DAY
        timestamp = day + rng.choice((0, 1, DAY - 1, rng.randrange(DAY)))
    changes = []
    for _ in range(rng.choice((0, 1, 1, 2))):
        sign = rng.choice((-1, 1))
        whole = Decimal(rng.randrange(0, 50))
        amount = sign * (whole + rng.choice((Decimal(0), Decimal("0.25"), Decimal("0.10"))))
        if rng.random() < 0.05:  # too many places, or so big that SQLite's sums overflow
            amount = sign * rng.choice((Decimal("0.000000000001"), Decimal("2000000000.5")))
        changes.append({"id": rng.randrange(1, 4), "amount": int(amount), "amount_dec": amount})
    return HistoryEntry.from_dict(
        {
            "id": entry_id,
            "timestamp": timestamp,
            "action": rng.choice(ACTIONS),
            "info": {"credits": changes},
        }
    )


def recount(
    entries: dict[int, HistoryEntry], by: Grouping, since: int | None, until: int | None
) -> list[tuple[str, int, Decimal, Decimal, Decimal]]:
    """The summary counted entry by entry, in summarize's order."""
    groups: dict[str, list[Any]] = defaultdict(
        lambda: [None, 0, Decimal(0), Decimal(0), Decimal(0)]
    )
    for e in entries.values():
        if (since is not None and e.timestamp_ms < since) or (
            until is not None and e.timestamp_ms >= until
        ):
            continue
        when = timestamp_datetime(e.timestamp_ms)
        if by == "action":
            name = str(e.action)
        elif when is None:
            name = describe_timestamp(e.timestamp_ms)
        else:
            name = when.date().isoformat() if by == "day" else when.date().isoformat()[:7]
        group = groups[name]
        group[0] = e.timestamp_ms if group[0] is None else min(group[0], e.timestamp_ms)
        group[1] += 1
        out = -sum((c.amount for c in e.changes if c.amount < 0), Decimal(0))
        group[4 if e.action == "expire" else 2] += out
        group[3] += sum((c.amount for c in e.changes if c.amount > 0), Decimal(0))
    rows = [(name, g[1], g[2], g[3], g[4]) for name, g in groups.items()]
    if by == "action":
        rows.sort(key=lambda r: (-r[2], -r[3], r[0]))
    else:
        rows.sort(key=lambda r: groups[r[0]][0])
    return rows


def random_window(rng: random.Random) -> tuple[int | None, int | None]:
    """Open, whole-day, partial-day and odd bounds."""

    def bound() -> int | None:
        return rng.choice(
            (
                None,
                BASE + rng.randrange(-4, 5) * DAY,
                BASE + rng.randrange(-4 * DAY, 5 * DAY),
                rng.choice(ODD_TIMES),
            )
        )

    return bound(), bound()


def check(ledger: AnyLedger, held: dict[int, HistoryEntry], rng: random.Random) -> None:
    """The ledger holds ``held``; its summaries, count and daily spending agree with a recount."""
    assert len(ledger) == len(held) == ledger.query("SELECT COUNT(*) FROM entries")[0][0]
    assert {e["id"] for e in ledger.raw_entries()} == set(held)
    assert day_rollup(ledger) == day_rollup_from_rollup(ledger)
    for by in ("action", "day", "month"):
        for since, until in [(None, None), *(random_window(rng) for _ in range(4))]:
            got = [
                (r.group, r.entries, r.spent, r.granted, r.expired)
                for r in summarize(ledger, by=by, since_ms=since, until_ms=until)
            ]
            assert got == recount(held, by, since, until), (by, since, until)


def day_rollup(ledger: AnyLedger) -> dict[int, tuple[int, Decimal, Decimal, Decimal]]:
    """``rollup_day`` as stored: day -> entries, spent, expired, granted."""
    return {
        day: (entries, Decimal(spent), Decimal(expired), Decimal(granted))
        for day, entries, spent, expired, granted in ledger.query(
            "SELECT day, entries, spent, expired, granted FROM rollup_day"
        )
    }


def day_rollup_from_rollup(ledger: AnyLedger) -> dict[int, tuple[int, Decimal, Decimal, Decimal]]:
    """The per-day totals ``rollup`` (per day and action) adds up to, added here in Python."""
    days: dict[int, list[Any]] = defaultdict(lambda: [0, Decimal(0), Decimal(0), Decimal(0)])
    for day, action, entries, spent, granted in ledger.query(
        "SELECT day, action, entries, spent, granted FROM rollup"
    ):
        sums = days[day]
        sums[0] += entries
        sums[2 if action == "expire" else 1] += Decimal(spent)
        sums[3] += Decimal(granted)
    return {day: (s[0], s[1], s[2], s[3]) for day, s in days.items()}


class Pass:
    """A model of sync's use of ``write_pass``: stage pages, then promote, abandon or crash."""

    def __init__(self) -> None:
        self.held: dict[int, HistoryEntry] = {}
        self.staged: dict[int, HistoryEntry] = {}

    def write(self, ledger: AnyLedger, **kwargs: Any) -> None:
        """One ``write_pass`` at the version stored now."""
        version = ledger.pass_state().version
        ledger.write_pass(version, {"resume_token": "t"}, **kwargs)

    def stage(self, ledger: AnyLedger, page: list[HistoryEntry]) -> None:
        """Stage a page (sync's step between the head and the anchor)."""
        self.write(ledger, stage=page)
        for e in page:
            self.staged.setdefault(e.id, e)

    def promote(self, ledger: AnyLedger, page: list[HistoryEntry]) -> None:
        """Stage a last page and promote everything staged (the pass met its anchor)."""
        self.write(ledger, stage=page, promote=True)
        for e in page:
            self.staged.setdefault(e.id, e)
        for key, e in self.staged.items():
            self.held.setdefault(key, e)
        self.staged.clear()

    def abandon(self, ledger: AnyLedger) -> None:
        """Drop what is staged (a refused token, another account's history)."""
        self.write(ledger, drop_staged=True)
        self.staged.clear()


@pytest.mark.parametrize("seed", range(8))
def test_summaries_from_the_rollup_equal_a_recount_of_the_entries(
    ledger_target: str, seed: int
) -> None:
    """Random passes of random pages: after each step, every summary equals the recount."""
    rng = random.Random(seed)  # noqa: S311 - seeded test data, not secrets
    model = Pass()
    next_id = 1
    ledger = open_ledger(ledger_target)
    try:
        for _ in range(25):
            page = []
            for _ in range(rng.randrange(0, 12)):
                if model.held and rng.random() < 0.1:  # one the ledger holds already
                    page.append(rng.choice(list(model.held.values())))
                elif page and rng.random() < 0.1:  # the same entry twice on a page
                    page.append(page[-1])
                else:
                    page.append(random_entry(rng, next_id))
                    next_id += rng.choice((1, 1, 2**40))  # ids beyond 2**53 too
            step = rng.random()
            if step < 0.55:
                model.stage(ledger, page)
            elif step < 0.85:
                model.promote(ledger, page)
            elif step < 0.92:
                model.abandon(ledger)
            else:  # a restart: the next run continues the same pass
                ledger.close()
                ledger = open_ledger(ledger_target)
            assert ledger.staged_count == len(model.staged)
            check(ledger, model.held, rng)
        model.promote(ledger, [])
        check(ledger, model.held, rng)
        assert ledger.staged_count == 0
    finally:
        ledger.close()
    with open_ledger(ledger_target, read_only=True) as reader:
        check(reader, model.held, rng)


def test_abandoning_a_pass_leaves_the_rollup_as_it_was(ledger: AnyLedger) -> None:
    """Entries staged then dropped never reach the totals; the same entries promoted later do."""
    rng = random.Random(5)  # noqa: S311 - seeded test data, not secrets
    entries = [random_entry(rng, i) for i in range(1, 40)]
    model = Pass()
    model.promote(ledger, entries[:10])
    before = ledger.query("SELECT * FROM rollup ORDER BY day, action")
    days_before = ledger.query("SELECT * FROM rollup_day ORDER BY day")
    assert days_before
    model.stage(ledger, entries[10:])
    assert ledger.query("SELECT * FROM rollup ORDER BY day, action") == before
    assert ledger.query("SELECT * FROM rollup_day ORDER BY day") == days_before
    model.abandon(ledger)
    assert ledger.query("SELECT * FROM rollup ORDER BY day, action") == before
    assert ledger.query("SELECT * FROM rollup_day ORDER BY day") == days_before
    check(ledger, model.held, rng)
    model.promote(ledger, entries[10:])
    check(ledger, model.held, rng)


def test_an_undated_entry_is_a_group_of_its_own_read_from_the_entries(ledger: AnyLedger) -> None:
    """Times outside the years 1-9999 are in no rollup row, yet summaries show them as before."""
    rng = random.Random(1)  # noqa: S311 - seeded test data, not secrets
    entries = {}
    for index, timestamp in enumerate((MIN_DATETIME_MS - 1, MAX_DATETIME_MS + 1, BASE), start=1):
        entry = random_entry(rng, index)
        entries[index] = HistoryEntry.from_dict({**entry.to_dict(), "timestamp": timestamp})
    Pass().promote(ledger, list(entries.values()))
    ((rolled,),) = ledger.query("SELECT SUM(entries) FROM rollup")
    assert rolled == 1
    groups = [r.group for r in summarize(ledger, by="day")]
    assert groups == [
        describe_timestamp(MIN_DATETIME_MS - 1),
        "2026-01-01",
        describe_timestamp(MAX_DATETIME_MS + 1),
    ]
    check(ledger, entries, rng)


def test_daily_spending_is_the_spending_per_utc_day_from_the_totals(ledger: AnyLedger) -> None:
    """The status chart's days are UTC days, today up to now; expiries, grants: not spending."""

    def entry(entry_id: int, timestamp: int, amount: str, action: str = "photo_enhance") -> Any:
        credit = {"id": 1, "amount": 0, "amount_dec": Decimal(amount)}
        info = {"credits": [credit]}
        return HistoryEntry.from_dict(
            {"id": entry_id, "timestamp": timestamp, "action": action, "info": info}
        )

    now = datetime(2026, 1, 3, 12, tzinfo=UTC)  # BASE + 2.5 days
    page = [
        entry(1, BASE - 1, "-100"),  # the day before the chart's first
        entry(2, BASE, "-1.25"),  # the first day's first millisecond
        entry(3, BASE + DAY - 1, "-2"),
        entry(4, BASE + DAY, "-7", "expire"),
        entry(5, BASE + DAY + 5, "+9", "sign_up_gift"),
        entry(6, BASE + 2 * DAY + 12 * 3_600_000 - 1, "-0.5"),  # just before now
        entry(7, BASE + 2 * DAY + 12 * 3_600_000, "-50"),  # now: not yet
    ]
    Pass().promote(ledger, page)
    assert daily_spending(ledger, now, days=3) == [Decimal("3.25"), 0, Decimal("0.5")]


def test_the_count_is_kept_not_counted(tmp_path: Path) -> None:
    """``len`` reads the count kept in meta (promote keeps it), not a scan of the entries."""
    rng = random.Random(2)  # noqa: S311 - seeded test data, not secrets
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        Pass().promote(ledger, [random_entry(rng, i) for i in range(1, 31)])
        assert len(ledger) == 30
        with ledger.transaction():
            ledger.query("DELETE FROM entries WHERE id <= 10")  # behind the ledger's back
        assert len(ledger) == 30


def test_a_promote_gives_the_staged_pages_back(tmp_path: Path) -> None:
    """After a pass is promoted (or dropped) no page of the file is free: nothing is dead space.

    The staged rows' pages are freed when they join the ledger; incremental auto-vacuum gives
    them back to the file system, so the file holds the entries and little else.
    """
    rng = random.Random(3)  # noqa: S311 - seeded test data, not secrets
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        model = Pass()
        for start in range(1, 3_000, 30):
            model.stage(ledger, [random_entry(rng, i) for i in range(start, start + 30)])
        assert ledger.query("PRAGMA freelist_count") == [(0,)]
        pages_staged = ledger.query("PRAGMA page_count")[0][0]
        model.promote(ledger, [])
        assert ledger.query("PRAGMA freelist_count") == [(0,)]
        for start in range(3_001, 4_000, 30):
            model.stage(ledger, [random_entry(rng, i) for i in range(start, start + 30)])
        model.abandon(ledger)
        assert ledger.query("PRAGMA freelist_count") == [(0,)]
        assert ledger.query("PRAGMA auto_vacuum") == [(2,)]  # incremental
    conn = sqlite3.connect(path)
    try:
        # The entries took the staged rows' place: the file did not grow by a second copy.
        assert conn.execute("PRAGMA page_count").fetchone()[0] < pages_staged * 1.3
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("amount", "count", "step"),
    [
        ("-2000000000.5", 6, DAY),  # the summary's nano-unit sums of 6 days pass 2**63
        ("-999999999999999", 9_300, 1),  # the promote's integer sum of one day passes 2**63
        ("-0.000000000001", 3, 1),  # more places than nano-units hold: added as text
    ],
)
def test_sums_beyond_what_sqlite_adds_exactly_are_still_exact(
    ledger: AnyLedger, amount: str, count: int, step: int
) -> None:
    """Amounts SQLite cannot add exactly as integers are added in Python, to the last digit."""
    credit = {"id": 1, "amount": 0, "amount_dec": Decimal(amount)}
    entries = {
        i: HistoryEntry.from_dict(
            {
                "id": i,
                "timestamp": BASE + i * step,
                "action": "photo_enhance",
                "info": {"credits": [credit]},
            }
        )
        for i in range(1, count + 1)
    }
    Pass().promote(ledger, list(entries.values()))
    (row,) = summarize(ledger, by="action")
    assert row.spent == -Decimal(amount) * count
    assert str(row.spent) == str(-Decimal(amount) * count)  # written with the same places
    check(ledger, entries, random.Random(count))  # noqa: S311 - seeded test data


def test_pages_are_given_back_later_when_another_sync_holds_the_file(tmp_path: Path) -> None:
    """Giving free pages back never fails a sync: while another holds the lock it waits a turn."""
    rng = random.Random(4)  # noqa: S311 - seeded test data
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        Pass().stage(ledger, [random_entry(rng, i) for i in range(1, 600)])
        with ledger.transaction():
            ledger.query("DELETE FROM staged")  # frees pages, as a promote does
        ledger.query("PRAGMA busy_timeout = 0")
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            ledger._reclaim()  # no error: the pages stay free for now
            ((free,),) = ledger.query("PRAGMA freelist_count")
            assert free > 0
            other.execute("ROLLBACK")
        finally:
            other.close()
        ledger._reclaim()
        assert ledger.query("PRAGMA freelist_count") == [(0,)]


def test_every_entry_is_read_back_whatever_its_time(ledger: AnyLedger) -> None:
    """``entries()`` with no bounds gives every stored entry, at the first and last int64 ms too."""
    stored = [
        HistoryEntry.from_dict({"id": i, "timestamp": at, "action": "photo_enhance"})
        for i, at in enumerate(ODD_TIMES, start=1)
    ]
    Pass().promote(ledger, stored)
    assert sorted(entry.id for entry in ledger.entries()) == [entry.id for entry in stored]
    assert sorted(entry.id for entry in ledger.entries(until_ms=2**63 - 1)) == list(
        range(1, len(ODD_TIMES))
    )
