"""The status as Prometheus metrics: built at scrape time from the last reading, never fetched.

A custom collector (prometheus-client's documented extension point) turns the last
``StatusReading`` into metric families (``_metric_families``) each time it is collected: a scrape
only reads memory. ``--serve`` reads the status in a background thread every ``--interval``
seconds, so the HTTP server (prometheus-client's own, in its own thread) answers while a refresh
waits on the rate limit, with the values of the last reading that succeeded.
"""

from __future__ import annotations

import functools
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final

from prometheus_client import generate_latest, start_http_server
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from youcam_units._cli._metric_families import Snapshot, merged, metric_families

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from wsgiref.simple_server import WSGIServer

    from prometheus_client.metrics_core import Metric

    from youcam_units._cli._status_reading import StatusReading

__all__ = [
    "AccountsCollector",
    "AccountsRefresher",
    "Refresher",
    "Snapshot",
    "StatusCollector",
    "accounts_text",
    "registry_for",
    "serve",
    "text",
    "write_atomically",
]

_FILE_MODE: Final = 0o644
"""What a metrics file needs: node_exporter runs as its own user and must read it."""


class StatusCollector:
    """Builds the families from the last reading each time it is collected: no request."""

    def __init__(self, account: str, latest: Callable[[], Snapshot | None]) -> None:
        self._account = account
        self._latest = latest
        self.failures = 0
        self.last_sync: float | None = None

    def collect(self) -> Iterator[Metric]:
        """The last reading's families (none before the first), and the failed refreshes."""
        snapshot = self._latest()
        if snapshot is not None:
            yield from metric_families(snapshot, self._account, last_sync=self.last_sync)
        failures = CounterMetricFamily(
            "youcam_units_refresh_failures",
            "Refreshes that failed (the last values are served meanwhile).",
            labels=["account"],
        )
        failures.add_metric([self._account], self.failures)
        yield failures


def registry_for(collector: Collector) -> CollectorRegistry:
    """A registry of its own: only these metrics, none of the process's defaults."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


class AccountsCollector:
    """Every account's collector as one: a family per metric name, a series per account."""

    def __init__(self, collectors: Iterable[StatusCollector]) -> None:
        self._collectors = list(collectors)

    def collect(self) -> Iterator[Metric]:
        """Each account's families, merged by name."""
        return merged(collector.collect() for collector in self._collectors)


def text(snapshot: Snapshot, account: str) -> bytes:
    """The Prometheus text format (what node_exporter's textfile collector reads)."""
    return accounts_text({account: snapshot})


def accounts_text(snapshots: Mapping[str, Snapshot]) -> bytes:
    """The text format of several accounts' snapshots: one family per name, ``account`` apart."""

    class _Once:
        def collect(self) -> Iterator[Metric]:
            return merged(
                metric_families(snapshot, account) for account, snapshot in snapshots.items()
            )

    return generate_latest(registry_for(_Once()))


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed over it.

    node_exporter's textfile collector may read the file at any moment: it sees the old
    metrics or the new ones, never half a file.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).chmod(_FILE_MODE)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class AccountsRefresher:
    """Reads each account's status in turn every ``interval`` seconds, in one daemon thread.

    One loop for every account: each account's token spends one reading (two requests or more)
    per interval, and the accounts' readings never overlap (one host's IP budget is shared). A
    failed reading keeps that account's last values (their ``last_refresh`` time shows their
    age), counts the failure and tells ``on_failure``; the others go on.
    """

    def __init__(
        self,
        reads: Mapping[str, Callable[[], StatusReading]],
        interval: float,
        *,
        on_failure: Callable[[str, BaseException], None],
    ) -> None:
        self._reads = dict(reads)
        self._interval = interval
        self._on_failure = on_failure
        self._stop = threading.Event()
        self._latest: dict[str, Snapshot] = {}
        self._collectors = {
            account: StatusCollector(account, functools.partial(self._latest.get, account))
            for account in self._reads
        }
        self.collector = AccountsCollector(self._collectors.values())
        self.refreshed = threading.Event()
        """Set after each round in which a reading succeeded (tests and logs wait on it)."""
        self._thread = threading.Thread(target=self._run, name="youcam-units-refresh", daemon=True)

    def start(self) -> None:
        """Begin reading now, then every interval."""
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """No further reading; a reading under way is left to end with the process."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            succeeded = False
            for account, read in self._reads.items():
                if self._stop.is_set():
                    return
                collector = self._collectors[account]
                try:
                    reading = read()
                except Exception as exc:  # noqa: BLE001 - any failure: keep serving the last values
                    collector.failures += 1
                    self._on_failure(account, exc)
                else:
                    if reading.synced_at is not None:
                        collector.last_sync = reading.synced_at.timestamp()
                    self._latest[account] = Snapshot(reading, time.time())
                    succeeded = True
            if succeeded:
                self.refreshed.set()
            self._stop.wait(self._interval)


class Refresher(AccountsRefresher):
    """One account's ``AccountsRefresher``; ``on_failure`` is told the failure alone."""

    def __init__(
        self,
        read: Callable[[], StatusReading],
        interval: float,
        collector_account: str,
        *,
        on_failure: Callable[[BaseException], None],
    ) -> None:
        super().__init__(
            {collector_account: read}, interval, on_failure=lambda _account, exc: on_failure(exc)
        )


def serve(registry: CollectorRegistry, host: str, port: int) -> WSGIServer:
    """prometheus-client's own server for ``/metrics``, in a daemon thread.

    Raises ``OSError`` when it cannot bind (a port in use).
    """
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return server
