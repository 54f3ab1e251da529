"""The per-token budget shared through PostgreSQL (``token_pacing``) under the host's budget."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import pytest
from youcam_units import Client, RateLimit, TokenPacingError
from youcam_units._pacing import Pacer
from youcam_units._token_pacing import bucket_key

if TYPE_CHECKING:
    from pathlib import Path

TOKEN = "token-pacing-secret-0123456789"  # noqa: S105 - a test token, checked never to be stored
FIVE_PER_SECOND = (RateLimit(5, 1.0),)


def test_token_pacing_takes_only_a_postgresql_url() -> None:
    """Anything else is refused before any connection, in one line that hides a password."""
    with pytest.raises(ValueError, match=r"postgresql://user@host/database") as refused:
        Client("tok", token_pacing="redis://:hunter2@cache:6379/0")  # noqa: S106 - a wrong URL
    assert "hunter2" not in str(refused.value)
    with pytest.raises(TypeError, match="token_pacing must be a postgresql:// URL"):
        Client("tok", token_pacing=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="token_pacing needs a rate_limit"):
        Client("tok", rate_limit=None, token_pacing="postgresql://localhost/db")  # noqa: S106


def test_the_bucket_is_named_by_a_fingerprint_of_the_token() -> None:
    """Stable per token, different between tokens, and never the token itself."""
    key = bucket_key(TOKEN)
    assert key == bucket_key(TOKEN)
    assert key != bucket_key(TOKEN + "x")
    assert TOKEN not in key
    assert len("ratelimit___" + key) <= 63


@pytest.mark.postgres
@pytest.mark.slow
def test_a_wrong_password_is_one_line_without_it(postgres_url: str) -> None:
    """A refused login fails the client's construction with one line; the password is hidden."""
    url = postgres_url.replace(":ledger-test-secret@", ":not-the-password@")
    with pytest.raises(TokenPacingError) as refused:
        Client("tok", token_pacing=url)
    message = str(refused.value)
    assert "\n" not in message
    assert "not-the-password" not in message
    assert "token pacing database" in message
    assert "***" in message


@pytest.mark.postgres
@pytest.mark.slow
def test_two_hosts_with_one_token_share_its_budget(postgres_url: str, tmp_path: Path) -> None:
    """Each host's file would admit 5 at once; the token's budget admits 5 for both together.

    The second host's refused attempt gives its own slot back: its host budget stays empty, so
    the host's other tokens keep their full share of its IP.
    """
    hosts = [
        Pacer(FIVE_PER_SECOND, state_file=tmp_path / f"host{n}.sqlite3", token_pacing=postgres_url)
        for n in (1, 2)
    ]
    try:
        first, second = hosts
        assert [first.try_acquire_now(TOKEN) for _ in range(5)] == [0] * 5
        wait_ms = second.try_acquire_now(TOKEN)
        assert 0 < wait_ms <= 1020
        # The second host's budget was given back: another token goes at once from it.
        assert [second.try_acquire_now("another-token") for _ in range(5)] == [0] * 5
        assert second.try_acquire_now("a-third-token") > 0  # now its own IP budget is full
    finally:
        for pacer in hosts:
            pacer.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_the_strictest_limits_on_a_token_hold_for_every_process(postgres_url: str) -> None:
    """A process at 10/s sharing a token with one at 5/s is held to 5/s while that one paces.

    Each process registers its limits for the token; every limit used within its own window
    binds all of them, so together they take 5 in a second, not 10. Once the stricter process
    has not paced for its window, its limit no longer binds and the looser gets its own 10.
    """
    strict = Pacer(FIVE_PER_SECOND, token_pacing=postgres_url)
    loose = Pacer((RateLimit(10, 1.0),), token_pacing=postgres_url)
    try:
        assert strict.try_acquire_now(TOKEN) == 0  # registers 5 per second for the token
        loose_waits = [loose.try_acquire_now(TOKEN) for _ in range(6)]
        assert loose_waits[:4] == [0] * 4
        assert 0 < loose_waits[4] <= 1020  # refused: 5 in all, though its own limit is 10
        assert 0 < loose_waits[5] <= 1020
        assert 0 < strict.try_acquire_now(TOKEN) <= 1020
        time.sleep(1.1)  # the 5 sends and the stricter's last use are out of their window
        assert [loose.try_acquire_now(TOKEN) for _ in range(10)] == [0] * 10
        assert loose.try_acquire_now(TOKEN) > 0  # its own limit still holds
    finally:
        strict.close()
        loose.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_leak_keeps_what_a_window_in_force_counts_and_forgets_stale_limits(
    postgres_url: str,
) -> None:
    """Sends go only once out of every window in force, another process's longest included.

    A process with a 300 ms window must not delete a send still counted by another's 60 s
    window; a limit out of its own window is deleted from the registry as the log is cleaned.
    """
    import psycopg  # noqa: PLC0415 - the postgres extra
    from pyrate_limiter import Rate  # noqa: PLC0415
    from youcam_units._token_pacing import LEAK_EVERY, TokenBudgets  # noqa: PLC0415

    budgets = [
        TokenBudgets(postgres_url, [Rate(900, 100)]),  # used once, then out of its window
        TokenBudgets(postgres_url, [Rate(1_000, 60_000)]),
        TokenBudgets(postgres_url, [Rate(1_000, 300)]),
    ]
    stale, minute, fast = budgets
    try:
        assert stale.try_take(TOKEN, "stale-send") == 0
        assert minute.try_take(TOKEN, "minute-send") == 0
        time.sleep(0.4)
        assert [fast.try_take(TOKEN, f"fast-{n}") for n in range(LEAK_EVERY)] == [0] * LEAK_EVERY
    finally:
        for budget in budgets:
            budget.close()
    with psycopg.connect(postgres_url) as conn:
        sends = {
            name
            for (name,) in conn.execute(
                f"SELECT name FROM ratelimit___{bucket_key(TOKEN)}"  # noqa: S608 - a fixed name
            )
        }
        limits = set(conn.execute("SELECT requests, window_ms FROM youcam_units_token_limits"))
    assert {"stale-send", "minute-send"} <= sends
    assert limits == {(1_000, 60_000), (1_000, 300)}


@pytest.mark.postgres
@pytest.mark.slow
def test_processes_starting_at_once_all_create_the_limits_table(postgres_url: str) -> None:
    """Several budgets opened together on a new database: none fails creating the table."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    import psycopg  # noqa: PLC0415 - the postgres extra
    from pyrate_limiter import Rate  # noqa: PLC0415
    from youcam_units._token_pacing import TokenBudgets  # noqa: PLC0415

    barrier = threading.Barrier(8)

    def open_budget(n: int) -> int:
        barrier.wait()
        budgets = TokenBudgets(postgres_url, [Rate(5 + n, 1_000)])
        try:
            return budgets.try_take(TOKEN, f"send-{n}")
        finally:
            budgets.close()

    with ThreadPoolExecutor(8) as pool:
        waits = list(pool.map(open_budget, range(8)))
    assert all(wait >= 0 for wait in waits)
    with psycopg.connect(postgres_url) as conn:
        registered = conn.execute("SELECT requests FROM youcam_units_token_limits").fetchall()
    assert sorted(requests for (requests,) in registered) == [5 + n for n in range(8)]


@pytest.mark.postgres
@pytest.mark.slow
def test_in_memory_host_budget_is_given_back_too(postgres_url: str) -> None:
    """Without a pacing file the host's budget is the process's: a refused slot is returned."""
    first = Pacer(FIVE_PER_SECOND, token_pacing=postgres_url)
    second = Pacer(FIVE_PER_SECOND, token_pacing=postgres_url)
    try:
        for _ in range(5):
            first.acquire(TOKEN)
        assert second.try_acquire_now(TOKEN) > 0
        assert [second.try_acquire_now("other") for _ in range(5)] == [0] * 5
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_an_answered_send_counts_from_its_answer(postgres_url: str) -> None:
    """A send is restamped when its answer comes, so its window starts no earlier than that."""
    import psycopg  # noqa: PLC0415 - the postgres extra

    pacer = Pacer(FIVE_PER_SECOND, token_pacing=postgres_url)
    try:
        send = pacer.acquire(TOKEN)
        time.sleep(0.3)
        pacer.answered(send)
    finally:
        pacer.close()
    table = "ratelimit___" + bucket_key(TOKEN)
    with psycopg.connect(postgres_url) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        (age,) = conn.execute(  # type: ignore[misc] # one row
            f"SELECT extract(epoch FROM now()::timestamp - max(item_timestamp)) FROM {table}"  # noqa: S608 - a fixed name
        ).fetchone()
    assert float(age) < 0.25


@pytest.mark.postgres
@pytest.mark.slow
def test_the_database_holds_no_token(postgres_url: str) -> None:
    """Table names and rows carry a fingerprint and send names, never the token."""
    import psycopg  # noqa: PLC0415

    with Client(TOKEN, base_url="http://127.0.0.1:9", token_pacing=postgres_url) as client:
        pacer = client._settings.pacer
        assert pacer is not None
        pacer.answered(pacer.acquire(TOKEN))
        assert ":***@" in repr(client)  # the URL shown, its password hidden
        assert "ledger-test-secret" not in repr(client)
        assert TOKEN not in repr(client)
    with psycopg.connect(postgres_url) as conn:
        dump = conn.execute(
            "SELECT string_agg(table_name, ' ') FROM information_schema.tables "
            "WHERE table_name LIKE 'ratelimit%%'"
        ).fetchone()
        names = str(dump)
        rows = conn.execute(
            f"SELECT string_agg(name, ' ') FROM ratelimit___{bucket_key(TOKEN)}"  # noqa: S608
        ).fetchone()
        limits = conn.execute(
            "SELECT bucket, requests, window_ms FROM youcam_units_token_limits"
        ).fetchall()
    assert bucket_key(TOKEN) in names
    assert TOKEN not in names
    assert TOKEN not in str(rows)
    assert [row[0] for row in limits] == [bucket_key(TOKEN)] * len(limits)
    assert limits  # the client's limits, registered under the fingerprint


@pytest.mark.postgres
@pytest.mark.slow
def test_in_memory_host_slot_is_stamped_after_the_tokens_round_trip(postgres_url: str) -> None:
    """The host's stamp is taken before the token's round trip: it is moved to when it ends."""
    from pyrate_limiter import InMemoryBucket  # noqa: PLC0415

    ticks = iter(range(1_000, 1_000_000, 1_000))
    pacer = Pacer(FIVE_PER_SECOND, token_pacing=postgres_url, clock=lambda: next(ticks))
    try:
        send = pacer.acquire(TOKEN)
        bucket = pacer._bucket
        assert isinstance(bucket, InMemoryBucket)
        assert [(item.name, item.timestamp) for item in bucket.items] == [(send, 2_000)]
    finally:
        pacer.close()
