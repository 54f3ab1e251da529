"""The per-token budget shared by every host through PostgreSQL (``Client(token_pacing=...)``).

The service's limits hold per token AND per IP. A pacing file shares one host's budget (its IP);
a token used from several hosts also needs one budget for all of them, kept where they all
write: pyrate-limiter's ``PostgresBucket``, one per token, the same sliding-window log the
pacing file keeps. Its ``put`` locks the bucket's table for the count and the insert, so two
hosts cannot both take the last slot; a put that meets the lock is refused without a wait, and
is tried again a few milliseconds later. Stamps come from the database's clock (``now()`` of
the bucket: ``clock_timestamp()``), the one clock every host shares, and sessions run in UTC,
so the bucket's ``TIMESTAMP`` column means the same on every host whatever its time zone. As
with the pacing file, a send is restamped when its answer comes (``answered``), so a request
that left late cannot break a window at the server.

A bucket is named by a fingerprint of the token (a domain-separated SHA-256, 96 bits), never
the token: the database holds no secret. Processes sharing a token should pace to the same
limits (each counts the shared log against its own).

psycopg and psycopg_pool (the ``postgres`` extra) are imported here only, when asked for.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from typing import TYPE_CHECKING, Any, Final

from ._config import POSTGRES_SCHEMES
from ._errors import YouCamError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from pyrate_limiter import PostgresBucket, Rate

__all__ = ["TokenBudgets", "TokenPacingError", "bucket_key", "check_token_pacing_url"]

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


class TokenPacingError(YouCamError, ValueError):
    """The database sharing the per-token budget cannot be used (unreachable, refused, failed).

    The URL in the message has its password replaced by ``***``.
    """


def bucket_key(token: str) -> str:
    """The bucket of a token: a fingerprint that names it and cannot be turned back into it."""
    digest = hashlib.sha256(b"youcam-units token pacing\x00" + token.encode()).hexdigest()
    return _KEY_PREFIX + digest[:24]


def check_token_pacing_url(url: object) -> str:
    """A ``postgresql://`` URL, else ``TypeError``/``ValueError`` saying what to pass."""
    if not isinstance(url, str):
        raise TypeError(
            f"token_pacing must be a postgresql:// URL or None, got {type(url).__name__}"
        )
    if not url.strip().lower().startswith(POSTGRES_SCHEMES):
        from ._redact import redact_url  # noqa: PLC0415

        raise ValueError(
            f"token_pacing must be a postgresql://user@host/database URL, got {redact_url(url)!r}"
        )
    return url.strip()


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
        self._buckets: dict[str, PostgresBucket] = {}
        self._admitted = itertools.count(1)

    def __repr__(self) -> str:
        return f"TokenBudgets({self.location!r})"

    def try_take(self, token: str, name: str) -> int:
        """Take a slot of the token's budget for send ``name``: 0 if taken, else ms to wait."""
        from pyrate_limiter import Decision, RateItem  # noqa: PLC0415

        with self._errors("failed"):
            bucket = self._bucket(token)
            now = int(bucket.now())  # type: ignore[no-untyped-call] # the database's clock
            decision = bucket.put_decision(RateItem(name, now))
            assert isinstance(decision, Decision)  # noqa: S101 - PostgresBucket is synchronous
            if decision.allowed:
                if next(self._admitted) % LEAK_EVERY == 0:
                    bucket.leak(now)
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

    def _bucket(self, token: str) -> PostgresBucket:
        from pyrate_limiter import PostgresBucket  # noqa: PLC0415

        key = bucket_key(token)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = PostgresBucket(self._pool, key, list(self._rates))
        return bucket

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """The driver's and the pool's failures as one ``TokenPacingError`` line."""
        from psycopg_pool import PoolTimeout  # noqa: PLC0415

        try:
            yield
        except (self._psycopg.Error, PoolTimeout) as exc:
            raise TokenPacingError(
                f"the token pacing database {self.location} {what} ({_first_line(exc)}); "
                "fix the URL or pass token_pacing=None"
            ) from None
