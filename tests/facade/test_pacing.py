"""Pacing to the limits the token and the IP have: 5 per second and 250 per 300 s, shared."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from contextlib import closing
from typing import TYPE_CHECKING

import httpx
import pytest
import youcam_units as yu
from facade_support import TOKEN, FakeService
from youcam_units import _config, _pacing, _pacing_file

if TYPE_CHECKING:
    from pathlib import Path


class FakeClock:
    """Milliseconds that move only when a test moves them."""

    def __init__(self, start: int = 0) -> None:
        self.now = start

    def __call__(self) -> int:
        """The current fake time."""
        return self.now


BOTH = [yu.RateLimit(5, 1.0), yu.RateLimit(12, 3.0)]


def test_both_limits_apply_at_once() -> None:
    """5 go at once, the 6th waits for the 1 s window; the 13th waits for the 3 s one."""
    clock = FakeClock()
    pacer = _pacing.Pacer(BOTH, clock=clock)
    assert [pacer.try_acquire_now() for _ in range(5)] == [0] * 5
    assert pacer.try_acquire_now() == 1_021
    sent = 5
    while sent < 12:
        wait = pacer.try_acquire_now()
        if wait:
            clock.now += wait
        else:
            sent += 1
    assert clock.now < 3_030
    wait = pacer.try_acquire_now()
    assert wait > 0
    assert clock.now + wait == 3_031  # the first send leaves the 3 s (+1 %) window
    pacer.close()


def test_default_limits_are_five_per_second_and_250_per_300_s() -> None:
    """The vendor's recommendation and the published limit, both paced by default."""
    with yu.Client(TOKEN) as client:
        assert client._settings.rate_limits == (yu.RateLimit(5, 1.0), yu.RateLimit(250, 300.0))
        pacer = client._settings.pacer
        assert pacer is not None
        assert pacer.windows_ms == (1_020, 303_000)


def simulate(pacer: _pacing.Pacer, clock: FakeClock, count: int, latency_ms: int) -> list[int]:
    """Send ``count`` requests through ``pacer`` on a fake clock; each takes ``latency_ms``."""
    sent: list[int] = []
    while len(sent) < count:
        wait = pacer.try_acquire_now()
        if wait:
            clock.now += wait
            continue
        sent.append(clock.now)
        clock.now += latency_ms
    return sent


def most_in_window(sent: list[int], window_ms: int) -> int:
    """Most sends in any half-open window of ``window_ms``."""
    return max(sum(1 for t in sent[i:] if t < start + window_ms) for i, start in enumerate(sent))


def test_a_long_read_reaches_97_percent_of_the_limit_and_breaks_neither_window() -> None:
    """Simulated: 4 windows' worth plus one at >= 97 % of 12 per 3 s, never 6 in 1 s."""
    clock = FakeClock()
    pacer = _pacing.Pacer(BOTH, clock=clock)
    sent = simulate(pacer, clock, 4 * 12 + 1, latency_ms=3)
    assert most_in_window(sent, 3_000) <= 12
    assert most_in_window(sent, 1_000) <= 5
    rate = (len(sent) - 1) / ((sent[-1] - sent[0]) / 1000)
    assert rate >= 0.97 * 12 / 3.0
    pacer.close()


def test_on_wait_is_told_each_wait(tmp_path: Path) -> None:
    """The hook hears the seconds before each pacing wait (what the CLI shows)."""
    del tmp_path
    waits: list[float] = []
    pacer = _pacing.Pacer([yu.RateLimit(1, 0.05)], on_wait=waits.append)
    pacer.acquire()
    assert waits == []
    pacer.acquire()
    assert waits
    assert all(0 < wait <= 0.071 for wait in waits)
    pacer.close()


def test_pacers_sharing_a_file_share_one_budget(tmp_path: Path) -> None:
    """Two pacers on one state file (as two processes would be) draw on one budget."""
    clock = FakeClock(1_800_000_000_000)
    state = tmp_path / "pacing.sqlite3"
    first = _pacing.Pacer([yu.RateLimit(3, 3600.0)], state_file=state, clock=clock)
    second = _pacing.Pacer([yu.RateLimit(3, 3600.0)], state_file=state, clock=clock)
    assert [first.try_acquire_now(), second.try_acquire_now(), first.try_acquire_now()] == [0] * 3
    assert second.try_acquire_now() > 3_500_000
    clock.now += 3_636_001  # the whole window (plus its margin) later
    assert second.try_acquire_now() == 0
    first.close()
    second.close()


def test_the_budget_survives_a_restart(tmp_path: Path) -> None:
    """A rerun (a new client after Ctrl-C, a cron job) finds the sends of the last run."""
    state = tmp_path / "pacing.sqlite3"
    service = FakeService(6)
    limit = yu.RateLimit(3, 3600.0)
    with (
        httpx.Client(transport=httpx.MockTransport(service)) as http,
        yu.Client(TOKEN, http_client=http, rate_limit=limit, pacing_file=state) as client,
    ):
        assert len(client.history_page(page_size=2).entries) == 2
        assert len(client.history_page(page_size=2).entries) == 2
    with yu.Client(TOKEN, rate_limit=limit, pacing_file=state) as rerun:
        pacer = rerun._settings.pacer
        assert pacer is not None
        assert pacer.try_acquire_now() == 0  # the third slot of the hour
        assert pacer.try_acquire_now() > 3_500_000  # and the budget is spent


_WORKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from youcam_units import RateLimit
    from youcam_units._pacing import Pacer

    pacer = Pacer([RateLimit(12, 3600.0)], state_file=Path(sys.argv[1]))
    print(sum(1 for _ in range(10) if pacer.try_acquire_now() == 0))
    pacer.close()
    """
)


@pytest.mark.slow
def test_processes_sharing_a_file_never_exceed_the_limit_together(tmp_path: Path) -> None:
    """Three processes each try 10 sends under 12 per hour: exactly 12 go, none twice."""
    state = tmp_path / "pacing.sqlite3"
    procs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _WORKER, str(state)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    admitted = []
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        admitted.append(int(out))
    assert sum(admitted) == 12


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"pacing_file": 3}, TypeError, "pacing_file must be a path"),
        ({"pacing_file": "x.sqlite3", "rate_limit": None}, ValueError, "needs a rate_limit"),
        ({"rate_limit": []}, TypeError, "rate_limit must be"),
        ({"rate_limit": [yu.RateLimit(1, 1.0), (5, 1.0)]}, TypeError, "rate_limit must be"),
        ({"rate_limit": [*BOTH[::-1], yu.RateLimit(25, 3.0)]}, ValueError, "a longer period"),
        ({"rate_limit": [yu.RateLimit(5, 1.0), yu.RateLimit(6, 1.0)]}, ValueError, "a longer"),
    ],
)
def test_pacing_arguments_are_checked_up_front(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    """Bad pacing settings fail at construction with a message that says what to pass."""
    with pytest.raises(error, match=match):
        yu.Client(TOKEN, **kwargs)  # type: ignore[arg-type] # the point


def test_pacing_file_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    """A directory where the state file should be is named in the error."""
    with pytest.raises(ValueError, match="is a directory"):
        yu.Client(TOKEN, pacing_file=tmp_path)


def test_unusable_pacing_file_says_what_to_do(tmp_path: Path) -> None:
    """A state file that cannot be opened (its folder is a file) fails up front, clearly."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(ValueError, match=r"cannot be read.*pacing_file=None"):
        yu.Client(TOKEN, pacing_file=blocker / "pacing.sqlite3")


def test_window_has_a_small_safety_margin() -> None:
    """The enforced window is the period plus 1% (at least 20 ms)."""
    assert _pacing.window_ms(300.0) == 303_000
    assert _pacing.window_ms(3.0) == 3_030
    assert _pacing.window_ms(1.0) == 1_020


def test_pacer_admits_the_limit_then_says_how_long_to_wait() -> None:
    """25 requests go at once; the 26th waits until the first leaves the window."""
    clock = FakeClock()
    pacer = _pacing.Pacer([yu.RateLimit(25, 3.0)], clock=clock)
    assert [pacer.try_acquire_now() for _ in range(25)] == [0] * 25
    assert pacer.try_acquire_now() == 3_031
    clock.now = 3_000
    assert pacer.try_acquire_now() == 31
    clock.now = 3_031
    assert pacer.try_acquire_now() == 0
    pacer.close()


def test_pacing_reaches_the_limit_without_breaking_a_sliding_window() -> None:
    """Simulated: a long read sends >= 97% of 25 req / 3 s and never 26 in any 3 s window."""
    clock = FakeClock()
    pacer = _pacing.Pacer([yu.RateLimit(25, 3.0)], clock=clock)
    sent: list[int] = []
    while len(sent) < 500:
        wait = pacer.try_acquire_now()
        if wait:
            clock.now += wait
            continue
        sent.append(clock.now)
        clock.now += 7  # request latency
    for i, start in enumerate(sent):
        in_window = [t for t in sent[i:] if t < start + 3_000]
        assert len(in_window) <= 25
    rate = len(sent) / ((sent[-1] - sent[0]) / 1000 + 3.0)  # per second, with a trailing window
    assert rate >= 0.97 * 25 / 3.0
    pacer.close()


def test_client_paces_every_request() -> None:
    """Each request takes a pacer slot: after 3 pages a 3-per-hour limit is full."""
    service = FakeService(9)
    http = httpx.Client(transport=httpx.MockTransport(service))
    with yu.Client(TOKEN, http_client=http, rate_limit=yu.RateLimit(3, 3600.0)) as client:
        assert len(list(client.history(page_size=3))) == 9
        pacer = client._settings.pacer
        assert pacer is not None
        assert pacer.try_acquire_now() > 3_500_000


def test_rate_limit_none_turns_pacing_off() -> None:
    """rate_limit=None means no pacer at all; the default paces to 5/s and 250 per 300 s."""
    assert yu.Client(TOKEN, rate_limit=None)._settings.pacer is None
    default = yu.Client(TOKEN)._settings.rate_limit
    assert default == (yu.RateLimit(5, 1.0), yu.RateLimit(250, 300.0)) == yu.DEFAULT_RATE_LIMITS
    assert yu.RateLimit(250, 300.0) == yu.DEFAULT_RATE_LIMIT


# -- the shared file stays trustworthy ------------------------------------------------------------

NOW = 1_800_000_000_000


def _sqlite_file(path: Path) -> bytes:
    """A SQLite database that is not ours (a ledger, say), in WAL mode; its bytes."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, amount TEXT)")
    conn.execute("INSERT INTO entries (amount) VALUES ('1.5')")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["sqlite", "text"])
def test_a_file_that_is_not_ours_is_refused_and_left_unchanged(tmp_path: Path, kind: str) -> None:
    """pacing_file= naming a ledger (any SQLite file) or a text file: refused, byte for byte."""
    path = tmp_path / "ledger.sqlite3"
    if kind == "sqlite":
        before = _sqlite_file(path)
    else:
        before = b"notes\n" * 40
        path.write_bytes(before)
    with pytest.raises(yu.PacingFileError, match="is not a youcam-units pacing file") as caught:
        yu.Client(TOKEN, pacing_file=path)
    assert caught.value.path == path
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite3"]  # no -wal, no -shm


def test_a_pacing_file_is_recognised_after_a_checkpoint_and_a_reopen(tmp_path: Path) -> None:
    """Our own file, created, used, closed and reopened, is accepted every time."""
    state = tmp_path / "pacing.sqlite3"
    clock = FakeClock(NOW)
    for _ in range(3):
        pacer = _pacing.Pacer([yu.RateLimit(10, 3600.0)], state_file=state, clock=clock)
        assert pacer.try_acquire_now() == 0
        pacer.close()
    again = _pacing.Pacer([yu.RateLimit(10, 3600.0)], state_file=state, clock=clock)
    assert [again.try_acquire_now() for _ in range(8)] == [0] * 7 + [again.try_acquire_now()]
    again.close()


def _remove(state: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        state.with_name(state.name + suffix).unlink(missing_ok=True)


def test_a_deleted_file_is_noticed_and_the_budget_is_not_split(tmp_path: Path) -> None:
    """A process that opens the path after a deletion and one that ran before share one budget."""
    state = tmp_path / "pacing.sqlite3"
    clock = FakeClock(NOW)
    limit = [yu.RateLimit(3, 3600.0)]
    before = _pacing.Pacer(limit, state_file=state, clock=clock)
    assert before.try_acquire_now() == 0
    _remove(state)
    after = _pacing.Pacer(limit, state_file=state, clock=clock)  # creates a new file
    assert [after.try_acquire_now(), after.try_acquire_now()] == [0, 0]
    assert before.try_acquire_now() > 3_500_000  # it joined the new file, carrying its send
    assert after.try_acquire_now() > 3_500_000
    before.close()
    after.close()


def test_a_main_file_deleted_alone_gets_new_wal_and_shm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The old ``-shm`` is still mapped by the old process: a new file must not share it."""
    monkeypatch.setattr(_pacing_file, "ORPHAN_WAIT", 0.05)
    state = tmp_path / "pacing.sqlite3"
    shm = state.with_name(state.name + "-shm")
    clock = FakeClock(NOW)
    limit = [yu.RateLimit(3, 3600.0)]
    before = _pacing.Pacer(limit, state_file=state, clock=clock)
    assert before.try_acquire_now() == 0
    old_shm = shm.stat().st_ino
    state.unlink()  # -wal and -shm stay
    with caplog.at_level(logging.WARNING, logger="youcam_units"):
        after = _pacing.Pacer(limit, state_file=state, clock=clock)
    assert shm.stat().st_ino != old_shm
    assert "left behind by a deleted pacing file" in caplog.text
    assert [after.try_acquire_now(), after.try_acquire_now()] == [0, 0]
    assert before.try_acquire_now() > 3_500_000  # one budget: it joined, carrying its send
    before.close()
    after.close()


def test_a_deletion_in_progress_is_let_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The main file is gone and ``-wal``/``-shm`` go 0.2 s later: the new file waits for them."""
    monkeypatch.setattr(_pacing_file, "ORPHAN_WAIT", 10.0)
    state = tmp_path / "pacing.sqlite3"
    before = _pacing.Pacer([yu.RateLimit(3, 3600.0)], state_file=state, clock=FakeClock(NOW))
    assert before.try_acquire_now() == 0
    state.unlink()
    rest = threading.Timer(0.2, _remove, args=(state,))
    started = time.monotonic()
    rest.start()
    with caplog.at_level(logging.WARNING, logger="youcam_units"):
        after = _pacing.Pacer([yu.RateLimit(3, 3600.0)], state_file=state)
    waited = time.monotonic() - started
    rest.join()
    assert 0.2 <= waited < 5.0
    assert "left behind" not in caplog.text  # nothing was left: the deletion finished
    assert after.try_acquire_now() == 0
    before.close()
    after.close()


def _admitted_with_another_pacer_before(state: Path, at: int) -> tuple[list[str], int]:
    """Admissions in one window, a second pacer's coming before the first's ``at``-th statement.

    Only statements outside the first pacer's transaction count; returns how many it ran.
    """
    clock = FakeClock(NOW)
    limit = [yu.RateLimit(5, 1.0)]
    first = _pacing.Pacer(limit, state_file=state, clock=clock)
    second = _pacing.Pacer(limit, state_file=state, clock=clock)
    for _ in range(5):
        first.answered(first.acquire())
    clock.now += 1_100  # the 5 sends are out of the window: 5 slots free again
    assert first._file is not None
    conn = first._file.conn  # the statements of one pacer's connection
    assert conn is not None
    admitted: list[str] = []
    outside = 0

    def between(statement: str) -> None:
        nonlocal outside
        if conn.in_transaction or statement.startswith("BEGIN"):
            return
        if outside == at and second.try_acquire_now() == 0:
            admitted.append("second")
        outside += 1

    conn.set_trace_callback(between)
    if first.try_acquire_now() == 0:
        admitted.append("first")
    conn.set_trace_callback(None)
    while first.try_acquire_now() == 0:
        admitted.append("first")
    first.close()
    second.close()
    return admitted, outside


def test_two_pacers_admitted_together_never_free_each_others_sends(tmp_path: Path) -> None:
    """Two pacers on one file clean up as they admit: the window admits 5, never 6.

    Another pacer's whole admission may come between any two statements one runs outside its
    transaction (two threads, or two processes).

    A cleanup that counted the expired sends, then deleted as many of the oldest, deleted live
    ones when another pacer had cleaned up in between: 6 requests reached the service within a
    second in the six-account simulation.
    """
    at, outside = 0, 1
    while at < outside:
        admitted, outside = _admitted_with_another_pacer_before(tmp_path / f"{at}.sqlite3", at)
        assert len(admitted) == 5, (at, admitted)
        assert "second" in admitted  # it did come in between
        at += 1


def test_a_file_replaced_by_a_foreign_one_is_refused_mid_run(tmp_path: Path) -> None:
    """A running process whose pacing file is swapped for a foreign database stops, clearly."""
    state = tmp_path / "pacing.sqlite3"
    pacer = _pacing.Pacer([yu.RateLimit(3, 3600.0)], state_file=state, clock=FakeClock(NOW))
    assert pacer.try_acquire_now() == 0
    _remove(state)
    before = _sqlite_file(state)
    with pytest.raises(yu.PacingFileError, match="not a youcam-units pacing file"):
        pacer.try_acquire_now()
    assert state.read_bytes() == before
    pacer.close()


def test_the_strictest_limits_on_one_file_hold_for_everyone(tmp_path: Path) -> None:
    """A looser process on the file of a stricter one is held to the stricter limit."""
    state = tmp_path / "pacing.sqlite3"
    clock = FakeClock(NOW)
    strict = _pacing.Pacer([yu.RateLimit(3, 3600.0)], state_file=state, clock=clock)
    loose = _pacing.Pacer([yu.RateLimit(15, 3600.0)], state_file=state, clock=clock)
    admitted = sum(1 for _ in range(15) if loose.try_acquire_now() == 0)
    assert admitted == 3
    strict.close()
    clock.now += 2 * 3_636_000  # the strict limit has not been used for its whole window
    assert sum(1 for _ in range(20) if loose.try_acquire_now() == 0) == 15
    loose.close()


def test_limits_that_do_not_nest_on_one_file_are_held_to_their_strictest(tmp_path: Path) -> None:
    """60 per 10 s beside 5 per s and 250 per 300 s: no list pyrate-limiter refuses, no error.

    The 10 s window allows a faster rate than the 1 s one, an order pyrate-limiter does not
    take; the process using it is still paced, to 5 per second.
    """
    state = tmp_path / "pacing.sqlite3"
    clock = FakeClock(NOW)
    default = _pacing.Pacer(list(_config.DEFAULT_RATE_LIMITS), state_file=state, clock=clock)
    other = _pacing.Pacer([yu.RateLimit(60, 10.0)], state_file=state, clock=clock)
    assert sum(1 for _ in range(10) if other.try_acquire_now() == 0) == 5
    assert default.try_acquire_now() > 0
    default.close()
    other.close()


@pytest.mark.parametrize(
    "limits",
    [
        [(5, 1_000), (250, 300_000)],
        [(5, 1_000), (250, 300_000), (60, 10_000)],
        [(5, 1_000), (8, 1_500)],
        [(5, 1_000), (5, 1_001)],
        [(100, 1_000), (3, 60_000), (7, 2_000)],
        [(10, 1_000), (5, 1_000), (1_000, 300), (1_000, 60_000)],
    ],
)
def test_the_strictest_of_several_limits_is_a_list_pyrate_limiter_takes(
    limits: list[tuple[int, int]],
) -> None:
    """Nested as pyrate-limiter requires, each given limit implied, a nested list kept as is."""
    from pyrate_limiter import Rate  # noqa: PLC0415
    from pyrate_limiter.utils import validate_rate_list  # noqa: PLC0415
    from youcam_units._config import strictest  # noqa: PLC0415

    result = strictest([Rate(requests, window) for requests, window in limits])
    assert validate_rate_list(result)
    for requests, window in limits:  # a window at least as long allows no more: it holds
        assert any(r.interval >= window and r.limit <= requests for r in result)
    if validate_rate_list([Rate(requests, window) for requests, window in sorted(limits)]):
        assert [(r.limit, r.interval) for r in result] == sorted(limits, key=lambda x: x[1])


@pytest.mark.parametrize("ahead_ms", [3_600_000, 86_400_000])
def test_sends_stamped_in_the_future_never_make_anyone_wait_past_the_window(
    tmp_path: Path, ahead_ms: int
) -> None:
    """Rows a clock stepped back left an hour or a day ahead: a wait of one window at most."""
    state = tmp_path / "pacing.sqlite3"
    clock = FakeClock(NOW)
    limits = [yu.RateLimit(5, 1.0), yu.RateLimit(20, 10.0)]
    pacer = _pacing.Pacer(limits, state_file=state, clock=clock)
    with sqlite3.connect(state) as conn:
        conn.executemany(
            "INSERT INTO sends (name, item_timestamp) VALUES (?, ?)",
            [(f"old.{n}", NOW + ahead_ms + n) for n in range(20)],
        )
    conn.close()
    waited = 0
    while wait := pacer.try_acquire_now():
        waited += wait
        clock.now += wait
    assert 0 < waited <= _pacing.window_ms(10.0) + 1
    pacer.close()


def test_a_long_wait_is_logged_as_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """A wait of a minute or more is announced, not only to on_wait."""

    class HeardError(Exception):
        """Stops the wait once on_wait has heard of it."""

    def stop(seconds: float) -> None:
        raise HeardError(seconds)

    pacer = _pacing.Pacer([yu.RateLimit(1, 120.0)], on_wait=stop)
    pacer.acquire()
    with caplog.at_level(logging.WARNING, logger="youcam_units"), pytest.raises(HeardError):
        pacer.acquire()
    assert any("waiting 121 s" in record.getMessage() for record in caplog.records)
    pacer.close()


def test_a_locked_pacing_file_is_a_pacing_file_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locked past the busy timeout, at start or mid-run: a typed error naming the file."""
    monkeypatch.setattr(_config, "PACING_FILE_BUSY_TIMEOUT", 0.05)
    state = tmp_path / "pacing.sqlite3"
    pacer = _pacing.Pacer([yu.RateLimit(3, 3600.0)], state_file=state, clock=FakeClock(NOW))
    holder = sqlite3.connect(state, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(yu.PacingFileError, match=r"pacing file .*pacing\.sqlite3 failed"):
            pacer.try_acquire_now()
        with pytest.raises(yu.PacingFileError, match="locked"):
            yu.Client(TOKEN, pacing_file=state)
    finally:
        holder.rollback()
        holder.close()
        pacer.close()


def test_a_corrupt_pacing_file_is_a_pacing_file_error(tmp_path: Path) -> None:
    """Our header over garbage: a typed error (a ValueError too), never a raw sqlite3 one."""
    state = tmp_path / "pacing.sqlite3"
    _pacing.Pacer([yu.RateLimit(3, 3600.0)], state_file=state).close()
    header = state.read_bytes()[:100]
    state.write_bytes(header + b"\xff" * 8000)
    with pytest.raises(ValueError, match="pacing file") as caught:
        yu.Client(TOKEN, pacing_file=state)
    assert isinstance(caught.value, yu.PacingFileError)


def test_a_shared_send_counts_from_its_answer(tmp_path: Path) -> None:
    """A request that left late still arrived before its answer: the window runs from there."""
    clock = FakeClock(NOW)
    pacer = _pacing.Pacer(
        [yu.RateLimit(1, 1.0)], state_file=tmp_path / "pacing.sqlite3", clock=clock
    )
    send = pacer.acquire()
    assert send is not None
    clock.now += 500  # the request's flight, however long it took to leave
    pacer.answered(send)
    clock.now += 600
    assert pacer.try_acquire_now() == 500 + 1_020 + 1 - 1_100
    pacer.close()


def test_a_pacing_file_of_an_earlier_version_is_adopted(tmp_path: Path) -> None:
    """The file an earlier version left in the cache dir (no id, a sends log) is still ours."""
    state = tmp_path / "pacing.sqlite3"
    with closing(sqlite3.connect(state)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS sends (name VARCHAR, item_timestamp INTEGER)")
        conn.execute(
            "CREATE INDEX IF NOT EXISTS idx_sends_item_timestamp ON sends (item_timestamp)"
        )
        conn.execute("INSERT INTO sends VALUES ('youcam-units', ?)", (NOW,))
        conn.commit()
    clock = FakeClock(NOW)
    pacer = _pacing.Pacer([yu.RateLimit(2, 3600.0)], state_file=state, clock=clock)
    assert [pacer.try_acquire_now(), pacer.try_acquire_now() > 3_500_000] == [0, True]
    pacer.close()
    again = _pacing.Pacer([yu.RateLimit(2, 3600.0)], state_file=state, clock=clock)
    assert again.try_acquire_now() > 3_500_000
    again.close()


def _stamps(state: Path) -> list[int]:
    with closing(sqlite3.connect(state)) as conn:
        return [stamp for (stamp,) in conn.execute("SELECT item_timestamp FROM sends")]


def test_both_clients_count_a_shared_send_from_its_answer(tmp_path: Path) -> None:
    """Client and AsyncClient restamp each send once answered: after the server saw it."""
    service = FakeService(4)
    handled: list[int] = []

    def slow(request: httpx.Request) -> httpx.Response:
        time.sleep(0.03)  # the request reaches the server late
        handled.append(time.time_ns() // 1_000_000)
        return service(request)

    state = tmp_path / "pacing.sqlite3"
    limit = yu.RateLimit(10, 3600.0)
    with (
        httpx.Client(transport=httpx.MockTransport(slow)) as http,
        yu.Client(TOKEN, http_client=http, rate_limit=limit, pacing_file=state) as client,
    ):
        client.history_page(page_size=2)

    async def read_async() -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            return slow(request)

        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
            yu.AsyncClient(TOKEN, http_client=http, rate_limit=limit, pacing_file=state) as aclient,
        ):
            await aclient.history_page(page_size=2)

    asyncio.run(read_async())
    stamps = sorted(_stamps(state))
    assert len(stamps) == len(handled) == 2
    assert all(stamp >= seen for stamp, seen in zip(stamps, sorted(handled), strict=True))


def test_a_shared_send_counts_as_now_until_its_answer_comes(tmp_path: Path) -> None:
    """A request still in flight past its window keeps its slot: the service may count it late.

    Five sends in a 5-per-second window, one never answered: two seconds later the answered four
    have left the window, but the one in flight still counts as sent now, so only four more fit.
    Once it is answered, it counts from its answer.
    """
    state = tmp_path / "pacing.sqlite3"
    clock = FakeClock(NOW)
    pacer = _pacing.Pacer([yu.RateLimit(5, 1.0)], state_file=state, clock=clock)
    sends = [pacer.acquire() for _ in range(5)]
    for send in sends[1:]:
        pacer.answered(send)
    clock.now += 2000
    later = [pacer.try_acquire_now() for _ in range(5)]
    assert later[:4] == [0, 0, 0, 0]
    assert later[4] > 0  # the unanswered send still holds its slot
    pacer.answered(sends[0])
    clock.now += 1100
    assert pacer.try_acquire_now() == 0
    pacer.close()
