"""Pacing across hosts: three hosts sync six accounts into one PostgreSQL database, at the limits.

The hosts are client source addresses 127.0.0.2, .3 and .4 (httpx's ``local_address``); the
mock, served by uvicorn, sees each request's IP in the ASGI scope and enforces its windows per
token AND per IP, scaled for a test: 5 per 1 s and 25 per 3 s. Each account is a thread with a
``Client`` of its own pacing to 5/s through its host's pacing file (a temp file per host: the
IP's budget) and ``token_pacing`` in the database (the token's budget), syncing its
ledger in that database. Two tokens are used from two hosts at once::

    host 127.0.0.2: account a1 (token T1), account a2 (token T2)
    host 127.0.0.3: account a3 (token T1), account a4 (token T2)
    host 127.0.0.4: account a5 (token T3), account a6 (token T4)

What the limits allow: in 5/1 s and 25/3 s the 5/1 s window binds (25/3 s is 8.3/s). A accounts
on H hosts read at most min(H, A) x 5/s when no token is used from two hosts at once; here T1
and T2 are, and their budgets bound hosts .2 and .3 together to T1 + T2 = 10/s, which is those
two IPs' 10/s: so 3 x 5 = 15 requests/s. Over D seconds, one budget admits at most a window's
requests at once and then its rate: 5 (D/1 + 1) (``allowed``; the exact most,
5 (floor(D) + 1), is never more), and the run at most 3 x 5 (D + 1). D is measured while every
account still reads: from the first arrival to the last request of the first account done.

What keeps a run below it: the client lengthens each window by its margin (20 ms a second) and
counts each send from its answer (so a request that left late cannot break a window at the
server): each slot comes back one round trip late. With the mock served from the same process
on two loaded cores (load average 2.5-7) that was ~0.1 s, and runs reached 89-91 %.

The mock serves one history to every token: each account's ledger must equal it, entry for
entry, in order (nothing lost, nothing stored twice).
"""

from __future__ import annotations

import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import httpx
from youcam_units import Client, RateLimit
from youcam_units.ledger import PAGE_SIZE, open_ledger, sync
from youcam_units.mock import Limits, MockService, token_id

from benchmarks._common import serving

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["PLAN", "HostsRun", "allowed", "hosts_row", "simulate"]

WINDOWS: Final = "5/1,25/3"
LIMITS: Final = Limits.parse(WINDOWS)
CLIENT_LIMITS: Final = (RateLimit(5, 1.0),)
"""The client paces to 5/s, under which 25/3 s never fills (15 < 25); its margin keeps it under
the mock's windows."""
PLAN: Final = {
    "a1": ("127.0.0.2", "hosts-token-1"),
    "a2": ("127.0.0.2", "hosts-token-2"),
    "a3": ("127.0.0.3", "hosts-token-1"),
    "a4": ("127.0.0.3", "hosts-token-2"),
    "a5": ("127.0.0.4", "hosts-token-3"),
    "a6": ("127.0.0.4", "hosts-token-4"),
}
"""Account: (host, token). Tokens 1 and 2 are each used from two hosts at once."""
BINDING_BUDGETS: Final = 3
"""Budgets that bound the run: the three IPs (T1 + T2 bound .2 and .3 as their IPs do)."""


def allowed(span: float, limits: Limits = LIMITS) -> float:
    """What one budget admits from the first arrival to the last, ``span`` later.

    At most a window's requests at once, then each window's rate: ``requests (span / seconds +
    1)``. The exact most, ``requests (floor(span / seconds) + 1)``, is never more; this bound has no
    steps, so a run a few milliseconds longer is not judged against a whole window more.
    """
    return min(window.requests * (span / window.seconds + 1) for window in limits.windows)


@dataclass
class HostsRun:
    """What the simulation measured; ``problems`` empty means every ledger and limit held."""

    requests: int
    span: float
    limit: float
    shape: str
    """The plan in words: hosts, accounts, tokens on several hosts."""
    problems: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """Requests against what the limits allowed in the same span (0 when none was sent)."""
        return self.requests / self.limit if self.limit else 0.0

    def row(self) -> str:
        """The bench row."""
        rate = self.requests / self.span if self.span else 0.0
        verdict = "; ".join(self.problems) or (
            "no limit exceeded, every ledger equal to its source"
        )
        return (
            f"pacing across hosts ({self.shape}; {WINDOWS} per token and IP): "
            f"{self.requests} requests in {self.span:.1f} s = {rate:.2f}/s, {self.ratio:.1%} of "
            f"the {self.limit:.0f} the limits allow; {verdict}"
        )


def simulate(
    url: str,
    *,
    plan: Mapping[str, tuple[str, str]] = PLAN,
    budgets: int = BINDING_BUDGETS,
    pages: int = 30,
) -> HostsRun:
    """Run ``plan``'s syncs at once against the mock over HTTP; ``url`` is a database to fill.

    ``budgets``: how many IP or token budgets bound the run (3 for ``PLAN``).
    """
    service = MockService(
        entries=pages * PAGE_SIZE,
        tokens=sorted({token for _, token in plan.values()}),
        limits=LIMITS,
    )
    failures: dict[str, BaseException] = {}
    with tempfile.TemporaryDirectory() as scratch, serving(service.asgi_app()) as base_url:
        files = {host: Path(scratch) / f"pacing-{host}.sqlite3" for host, _ in plan.values()}
        ledgers = {name: f"hosts-{name}-{time.time_ns()}" for name in plan}
        together = threading.Barrier(len(plan))

        def run(account: str) -> None:
            host, token = plan[account]
            transport = httpx.HTTPTransport(local_address=host)
            try:
                with (
                    httpx.Client(transport=transport) as http,
                    Client(
                        token,
                        base_url=base_url,
                        http_client=http,
                        rate_limit=CLIENT_LIMITS,
                        pacing_file=files[host],
                        token_pacing=url,
                        max_retries=0,  # a 429 would fail the sync: none may come
                    ) as client,
                    open_ledger(url, ledger=ledgers[account]) as ledger,
                ):
                    together.wait(timeout=120)
                    sync(ledger, client)
            except BaseException as exc:  # noqa: BLE001 - reported with the account's name
                failures[account] = exc
                together.abort()  # the others stop waiting for an account that cannot start

        threads = [threading.Thread(target=run, args=(name,)) for name in plan]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        problems = [f"{name} failed: {exc!r}" for name, exc in sorted(failures.items())]
        source = list(service.iter_entries())
        for name, ledger_name in ledgers.items():
            if name in failures:
                continue
            with open_ledger(url, ledger=ledger_name, read_only=True) as ledger:
                if list(ledger.raw_entries()) != source:
                    problems.append(f"{name}'s ledger differs from its source")
    problems += service.log.exceeded(LIMITS)
    if service.log.limited:
        problems.append(f"429s: {dict(service.log.limited)}")
    records = service.log.records
    if not records:
        return HostsRun(0, 0.0, 0.0, _shape(plan), [*problems, "no request reached the mock"])
    start = min(record.at for record in records)
    # While every account still reads: up to the last request of the first account done.
    busy_until = min(
        max(r.at for r in records if (r.client, r.token_id) == (host, token_id(token)))
        for host, token in plan.values()
    )
    busy = [r for r in records if r.at <= busy_until]
    span = busy_until - start
    return HostsRun(len(busy), span, budgets * allowed(span), _shape(plan), problems)


def _shape(plan: Mapping[str, tuple[str, str]]) -> str:
    hosts_of: dict[str, set[str]] = {}
    for host, token in plan.values():
        hosts_of.setdefault(token, set()).add(host)
    shared = sum(len(hosts) > 1 for hosts in hosts_of.values())
    hosts = len({host for host, _ in plan.values()})
    return f"{hosts} hosts, {len(plan)} accounts, tokens used from several hosts: {shared}"


def hosts_row(url: str, *, pages: int = 30) -> str:
    """The bench row: the simulation's throughput against its limit (a database to fill)."""
    return simulate(url, pages=pages).row()
