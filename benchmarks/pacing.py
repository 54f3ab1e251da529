"""Pacing: the facade against the service's limits, as fast as they allow and never faster."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from youcam_units import RateLimit
from youcam_units.ledger import PAGE_SIZE
from youcam_units.mock import MockService
from youcam_units.mock import RateLimit as MockRateLimit

from benchmarks._common import SEED, Config, Row, read_all, serving


@dataclass
class Pacing:
    """One full read under the mock's enforced limit, the facade paced to the same limits."""

    label: str
    limit: int
    period: float
    short_limit: int
    short_period: float
    requests: int
    entries: int
    span: float
    max_in_window: int
    max_in_short_window: int
    too_many: int

    @property
    def rate(self) -> float:
        """Requests per second from the first arrival to the last."""
        return (self.requests - 1) / self.span if self.span else 0.0

    @property
    def share(self) -> float:
        """The rate as a share of the long limit (requests/period)."""
        return self.rate / (self.limit / self.period)


def _pacing_limits(config: Config) -> tuple[RateLimit, RateLimit]:
    return RateLimit(*config.pacing_short), RateLimit(*config.pacing_long)


def _pacing_result(
    label: str, config: Config, arrivals: list[float], read: int, too_many: int
) -> Pacing:
    short, long = _pacing_limits(config)
    return Pacing(
        label=label,
        limit=long.requests,
        period=long.period,
        short_limit=short.requests,
        short_period=short.period,
        requests=len(arrivals),
        entries=read,
        span=arrivals[-1] - arrivals[0],
        max_in_window=_max_in_window(arrivals, long.period),
        max_in_short_window=_max_in_window(arrivals, short.period),
        too_many=too_many,
    )


def measure_pacing(config: Config, client: str) -> Pacing:
    """One process reads ``windows * L + 1`` pages under a mock limit of L per period.

    With R = k*L + 1 requests, a client exactly at the limit needs k periods from the first
    request to the last, so (R - 1) / span is its rate, and the share of L / P is exact.
    """
    short, long = _pacing_limits(config)
    requests = config.pacing_windows * long.requests + 1
    entries = (requests - 1) * PAGE_SIZE + PAGE_SIZE // 2
    service = MockService(
        seed=SEED,
        entries=entries,
        rate_limit=MockRateLimit(requests=long.requests, window=long.period),
    )
    arrivals: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        arrivals.append(time.monotonic())
        return service.handle_httpx(request)

    read = read_all(httpx.MockTransport(handler), client, (short, long))
    if read != entries:
        raise AssertionError(f"paced {client} read {read} of {entries} entries")
    return _pacing_result(
        f"one process, {client}", config, arrivals, read, service.log.by_status[429]
    )


def measure_shared_pacing(config: Config, workdir: Path) -> Pacing:
    """Two processes read at once from one mock over HTTP, sharing one pacing file.

    Together they send ``windows * L + 1`` requests (one reads L + 1 pages, the other the
    rest), so the same exact rate formula applies to the mock's arrivals from both.
    """
    short, long = _pacing_limits(config)
    requests = config.pacing_windows * long.requests + 1
    first = long.requests + 1
    pages = (first, requests - first)
    service = MockService(
        seed=SEED,
        entries=max(pages) * PAGE_SIZE + PAGE_SIZE,
        rate_limit=MockRateLimit(requests=long.requests, window=long.period),
    )
    app = service.asgi_app()
    arrivals: list[float] = []

    async def timed(scope: Any, receive: Any, send: Any) -> None:  # noqa: ANN401 - ASGI
        if scope["type"] == "http":
            arrivals.append(time.monotonic())
        await app(scope, receive, send)

    state = workdir / "pacing.sqlite3"
    worker = Path(__file__).with_name("pacing_worker.py")
    with serving(timed) as base_url:
        start_at = time.time() + 3.0  # both imported and waiting by then
        procs = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and script
                [
                    sys.executable,
                    str(worker),
                    "--base-url",
                    base_url,
                    "--pacing-file",
                    str(state),
                    "--pages",
                    str(count),
                    "--short",
                    f"{short.requests}/{short.period}",
                    "--long",
                    f"{long.requests}/{long.period}",
                    "--start-at",
                    str(start_at),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for count in pages
        ]
        outputs = [json.loads(proc.communicate(timeout=600)[0]) for proc in procs]
    read = sum(int(out["entries"]) for out in outputs)
    if read != requests * PAGE_SIZE:
        raise AssertionError(f"the two paced readers read {read} of {requests * PAGE_SIZE}")
    return _pacing_result(
        "two processes sharing one pacing file", config, arrivals, read, service.log.by_status[429]
    )


TARGET = 0.97
"""The share of the long limit a paced read reaches."""


def pacing_row(result: Pacing) -> Row:
    """At least 97% of the long limit, never above either limit, no 429."""
    return Row(
        f"pacing: {result.label}, {result.requests} requests",
        f"{result.share:.1%} of {result.limit} per {result.period:g} s; "
        f"most in any window {result.max_in_window}/{result.limit}, "
        f"{result.max_in_short_window}/{result.short_limit} per {result.short_period:g} s; "
        f"{result.too_many} x 429",
        f"≥ {TARGET:.0%}, never above a limit",
        result.share >= TARGET
        and result.max_in_window <= result.limit
        and result.max_in_short_window <= result.short_limit
        and result.too_many == 0,
    )


def client_pacing(config: Config) -> Row:
    """Row: one process, ``Client``."""
    return pacing_row(measure_pacing(config, "Client"))


def async_client_pacing(config: Config) -> Row:
    """Row: one process, ``AsyncClient``."""
    return pacing_row(measure_pacing(config, "AsyncClient"))


def shared_pacing(config: Config) -> Row:
    """Row: two processes sharing one pacing file."""
    with tempfile.TemporaryDirectory() as workdir:
        return pacing_row(measure_shared_pacing(config, Path(workdir)))


def _max_in_window(arrivals: list[float], period: float) -> int:
    """Most arrivals in any half-open window of ``period`` seconds (the mock's rule)."""
    best = 0
    start = 0
    for end, moment in enumerate(arrivals):
        while arrivals[start] <= moment - period:
            start += 1
        best = max(best, end - start + 1)
    return best
