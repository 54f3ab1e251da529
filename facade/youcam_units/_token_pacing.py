"""The per-token budget shared by every host through PostgreSQL (``Client(token_pacing=...)``).

The service's limits hold per token AND per IP. A pacing file shares one host's budget (its IP);
a token used from several hosts also needs one budget for all of them, kept where they all
write: pyrate-limiter's ``PostgresBucket``, one per token, the same sliding-window log the
pacing file keeps. Its ``put`` locks the bucket's table for the count and the insert, so two
hosts cannot both take the last slot; a put that meets the lock is refused without a wait, and
is tried again a few milliseconds later. Stamps come from the database's clock
(``clock_timestamp()``), the one clock every host shares, and sessions run in UTC,
so the bucket's ``TIMESTAMP`` column means the same on every host whatever its time zone. As
with the pacing file, a send is restamped when its answer comes (``answered``), so a request
that left late cannot break a window at the server.

Each admission registers this process's limits for the token in one small table of ours
(``youcam_units_token_limits``, stamped by the database's clock) and is judged against the
strictest limits registered for it within their own window, read in the statement that reads
the clock (no round trip added): a process configured looser cannot outrun a stricter one
sharing its token, and a limit nobody used for its window no longer binds.

A bucket is named by a fingerprint of the token (a domain-separated SHA-256, 96 bits), never
the token: the database holds no secret, neither in a table's name nor in a row.

psycopg and psycopg_pool (the ``postgres`` extra) are imported here only, when asked for.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import zlib
from typing import TYPE_CHECKING, Any, Final

from ._config import strictest
from ._errors import YouCamError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from pyrate_limiter import PostgresBucket, Rate

__all__ = ["TokenBudgets", "TokenPacingError", "bucket_key"]

MISSING_EXTRA: Final = (
    "token_pacing through PostgreSQL needs psycopg and psycopg_pool: "
    "pip install 'youcam-units[postgres]'"
)
CONNECT_TIMEOUT: Final = 10
"""Seconds to wait for the server when the URL sets no ``connect_timeout``."""
CONTENTION_WAIT_MS: Final = 3
"""How soon to try again when another host held the bucket's lock at that instant."""
LEAK_EVERY: Final = 20
"""Admissions between two deletions of sends older than every window (keeps the count fast)."""
_KEY_PREFIX: Final = "youcam_units_"
#: pyrate-limiter's ``PostgresBucket`` keeps the log of bucket ``t`` in table ``ratelimit___t``.
_LIBRARY_TABLE: Final = "ratelimit___{}"
#: The limits each process paces a token to, by bucket; the last use by the database's clock.
_LIMITS: Final = "youcam_units_token_limits"
_CREATE_LIMITS: Final = f"""
CREATE TABLE IF NOT EXISTS {_LIMITS} (
    bucket TEXT NOT NULL,
    requests INTEGER NOT NULL,
    window_ms INTEGER NOT NULL,
    last_used TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (bucket, requests, window_ms)
)
"""
#: Two processes creating the table at once would race on the catalogue without it.
_CREATE_LOCK: Final = zlib.crc32(_LIMITS.encode()) & 0x7FFFFFFF
#: One round trip: register this process's limits as used now, and read the clock and every
#: limit used within its own window. The select sees the table as it was before the insert (one
#: snapshot), so a first registration is added from this process's own limits by the caller.
_REGISTER: Final = f"""
WITH registered AS (
    INSERT INTO {_LIMITS} AS mine (bucket, requests, window_ms, last_used)
    SELECT %(bucket)s, requests, window_ms, clock_timestamp()
    FROM unnest(%(requests)s::integer[], %(windows)s::integer[]) AS own (requests, window_ms)
    ON CONFLICT (bucket, requests, window_ms) DO UPDATE SET last_used = excluded.last_used
)
SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
    array_agg(requests), array_agg(window_ms)
FROM {_LIMITS}
WHERE bucket = %(bucket)s AND last_used >= clock_timestamp() - window_ms * INTERVAL '1 millisecond'
"""  # noqa: S608 - the table's name is ours, fixed; every value is a bound parameter
#: Limits out of their window, forgotten now and then. A row another process is registering
#: is skipped, not waited for: a deletion never deadlocks with a registration.
_FORGET: Final = f"""
DELETE FROM {_LIMITS} WHERE (bucket, requests, window_ms) IN (
    SELECT bucket, requests, window_ms FROM {_LIMITS}
    WHERE bucket = %s AND last_used < clock_timestamp() - window_ms * INTERVAL '1 millisecond'
    FOR UPDATE SKIP LOCKED
)
"""  # noqa: S608 - the table's name is ours, fixed


class TokenPacingError(YouCamError, ValueError):
    """The database sharing the per-token budget cannot be used (unreachable, refused, failed).

    The URL in the message has its password replaced by ``***``. ``problem`` is the message
    without the library's way out (``token_pacing=None``), for callers that offer their own.
    """

    def __init__(self, problem: str, way_out: str = "") -> None:
        super().__init__(f"{problem}; {way_out}" if way_out else problem)
        self.problem = problem


def bucket_key(token: str) -> str:
    """The bucket of a token: a fingerprint that names it and cannot be turned back into it."""
    digest = hashlib.sha256(b"youcam-units token pacing\x00" + token.encode()).hexdigest()
    return _KEY_PREFIX + digest[:24]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _utc(conn: Any) -> None:  # noqa: ANN401 - a psycopg connection
    """Every session in UTC: the bucket's TIMESTAMP column then means one instant everywhere."""
    conn.execute("SET TIME ZONE 'UTC'")
    conn.commit()


class TokenBudgets:
    """One shared sliding-window budget per token, in one PostgreSQL database."""

    def __init__(self, url: str, rates: Sequence[Rate]) -> None:
        from ._redact import redact_url  # noqa: PLC0415

        self.location = redact_url(url)
        self._rates = list(rates)
        try:
            import psycopg  # noqa: PLC0415 - only shared token pacing needs it
            from psycopg_pool import ConnectionPool  # noqa: PLC0415
        except ImportError:
            raise TokenPacingError(MISSING_EXTRA) from None
        self._psycopg: Any = psycopg
        options: dict[str, Any] = {
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": "youcam-units pacing",
        }
        with self._errors("cannot be reached"):
            # One plain connection first: a wrong password or an unreachable server is one
            # clear error now, not a pool retrying in the background.
            psycopg.connect(url, **options).close()
        self._pool: Any = ConnectionPool(
            url,
            min_size=1,
            max_size=2,
            kwargs=options,
            configure=_utc,
            open=False,
            name="youcam-units-pacing",
        )
        with self._errors("cannot be reached"):
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        with self._errors("cannot be used"), self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_CREATE_LOCK,))
            conn.execute(_CREATE_LIMITS)
        # Sorted, so two processes upserting the same rows lock them in one order.
        self._own = sorted((rate.limit, rate.interval) for rate in self._rates)
        self._buckets: dict[tuple[str, tuple[tuple[int, int], ...]], PostgresBucket] = {}
        self._admitted = itertools.count(1)

    def __repr__(self) -> str:
        return f"TokenBudgets({self.location!r})"

    def try_take(self, token: str, name: str) -> int:
        """Take a slot of the token's budget for send ``name``: 0 if taken, else ms to wait."""
        from pyrate_limiter import Decision, RateItem  # noqa: PLC0415

        key = bucket_key(token)
        with self._errors("failed"):
            now, rates = self._register(key)
            bucket = self._bucket(key, rates)
            decision = bucket.put_decision(RateItem(name, now))
            assert isinstance(decision, Decision)  # noqa: S101 - PostgresBucket is synchronous
            if decision.allowed:
                if next(self._admitted) % LEAK_EVERY == 0:
                    # Out of every window in force, the bound the count was judged by.
                    bucket.leak(now)
                    with self._pool.connection() as conn:
                        conn.execute(_FORGET, (key,))
                return 0
        if decision.retry_after_ms is None:  # another host held the lock: not a full window
            return CONTENTION_WAIT_MS
        return max(1, int(decision.retry_after_ms))

    def answered(self, token_key: str, name: str) -> None:
        """Count send ``name`` from now (its answer came), as the pacing file does."""
        self._by_name(
            "UPDATE {} SET item_timestamp = GREATEST(item_timestamp, clock_timestamp()::timestamp) "
            "WHERE name = %s",
            token_key,
            name,
        )

    def _by_name(self, template: str, token_key: str, name: str) -> None:
        """Run ``template`` on the send ``name`` in the bucket's table."""
        sql = self._psycopg.sql
        statement = sql.SQL(template).format(sql.Identifier(_LIBRARY_TABLE.format(token_key)))
        with self._errors("failed"), self._pool.connection() as conn:
            conn.execute(statement, (name,))

    def give_back(self, token_key: str, name: str) -> None:
        """Remove send ``name`` from the token's budget: it was not sent."""
        self._by_name("DELETE FROM {} WHERE name = %s", token_key, name)

    def close(self) -> None:
        """Close the connections."""
        self._pool.close()

    def _register(self, key: str) -> tuple[int, list[Rate]]:
        """Mark this process's limits for bucket ``key`` as used; the clock and those in force."""
        from pyrate_limiter import Rate  # noqa: PLC0415

        params = {
            "bucket": key,
            "requests": [requests for requests, _ in self._own],
            "windows": [window for _, window in self._own],
        }
        with self._pool.connection() as conn:
            now, requests, windows = conn.execute(_REGISTER, params).fetchone()
        others = [Rate(int(r), int(w)) for r, w in zip(requests or (), windows or (), strict=True)]
        return int(now), strictest([*self._rates, *others])

    def _bucket(self, key: str, rates: list[Rate]) -> PostgresBucket:
        """The bucket judging by ``rates``: one per set of limits in force.

        Not one bucket whose ``rates`` is reassigned: ``PostgresBucket`` reads ``rates`` at
        every put and leak, but composes its counting statement once, for as many windows as
        it was built with, so a set of a different size would not fit it.
        """
        from pyrate_limiter import PostgresBucket  # noqa: PLC0415

        limits = tuple((rate.limit, rate.interval) for rate in rates)
        bucket = self._buckets.get((key, limits))
        if bucket is None:
            bucket = self._buckets[key, limits] = PostgresBucket(self._pool, key, rates)
        return bucket

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """The driver's and the pool's failures as one ``TokenPacingError`` line."""
        from psycopg_pool import PoolTimeout  # noqa: PLC0415

        try:
            yield
        except (self._psycopg.Error, PoolTimeout) as exc:
            raise TokenPacingError(
                f"the token pacing database {self.location} {what} ({_first_line(exc)})",
                "fix the URL or pass token_pacing=None",
            ) from None
