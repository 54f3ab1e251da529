"""The status as Prometheus metrics: built at scrape time from the last reading, never fetched.

A custom collector (prometheus-client's documented extension point) turns the last
``StatusReading`` into metric families each time it is collected: a scrape only reads memory.
``--serve`` reads the status in a background thread every ``--interval`` seconds, so the HTTP
server (prometheus-client's own, in its own thread) answers while a refresh waits on the rate
limit, with the values of the last reading that succeeded.

Amounts stay ``Decimal`` up to here; Prometheus values are 64-bit floats, so each is converted
once, as it becomes a sample (``float(Decimal)`` rounds to the nearest float, which keeps 15
significant digits: an amount in cents below 10**13 units reads back as itself).
"""

from __future__ import annotations

import functools
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Final

from prometheus_client import generate_latest, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from wsgiref.simple_server import WSGIServer

    from prometheus_client.metrics_core import Metric

    from youcam_units import Forecast
    from youcam_units._cli._status_reading import StatusReading

__all__ = [
    "EXPIRING_WITHIN_DAYS",
    "AccountsCollector",
    "AccountsRefresher",
    "Refresher",
    "StatusCollector",
    "accounts_text",
    "merged",
    "metric_families",
    "registry_for",
    "serve",
    "text",
    "write_atomically",
]

EXPIRING_WITHIN_DAYS: Final = (7, 30)
"""The horizons of ``youcam_units_expiring_units``: the status forecasts 30 days ahead."""
_INFINITY: Final = float("inf")
_FILE_MODE: Final = 0o644
"""What a metrics file needs: node_exporter runs as its own user and must read it."""


@dataclass(frozen=True)
class Snapshot:
    """A reading that succeeded, and when (Unix seconds, wall clock)."""

    reading: StatusReading
    refreshed_at: float


def metric_families(
    snapshot: Snapshot, account: str, *, last_sync: float | None = None
) -> Iterator[Metric]:
    """The status as metric families, every series labelled with ``account``.

    ``last_sync``: when the last sync succeeded, if not in this reading (``--no-sync``, or a
    refresh whose sync failed later than an earlier one that worked).
    """
    reading, labels = snapshot.reading, [account]
    outlook = reading.outlook

    def gauge(name: str, text: str, value: Decimal | float) -> GaugeMetricFamily:
        family = GaugeMetricFamily(f"youcam_units_{name}", text, labels=["account"])
        family.add_metric(labels, float(value))
        return family

    yield gauge("balance_units", "Units held now, every bucket together.", outlook.balance)
    yield _expiring_family(outlook, account)
    yield gauge(
        "spend_rate_units_per_day",
        "Units spent per day over the last 30 days, or since the ledger's first entry when "
        "younger (expiries aside).",
        outlook.spend_per_day,
    )
    left = outlook.days_left
    yield gauge(
        "days_left",
        "Days until the balance runs out at the current spend rate (+Inf: never).",
        _INFINITY if left is None else left,
    )
    synced = reading.synced_at.timestamp() if reading.synced_at is not None else last_sync
    if synced is not None:
        yield gauge(
            "last_sync_timestamp_seconds",
            "When the ledger was last synced with the service's history (Unix time).",
            synced,
        )
    yield gauge(
        "last_refresh_timestamp_seconds",
        "When these values were last read from the service and the ledger (Unix time).",
        snapshot.refreshed_at,
    )
    yield from _budget_families(reading, account)
    yield from _lifetime_families(reading, account)


def _expiring_family(outlook: Forecast, account: str) -> GaugeMetricFamily:
    """What expires unspent within each of ``EXPIRING_WITHIN_DAYS``, at the current spend rate."""
    expiring = GaugeMetricFamily(
        "youcam_units_expiring_units",
        "Units projected to expire unspent within the next N days at the current spend rate.",
        labels=["account", "within_days"],
    )
    for days in EXPIRING_WITHIN_DAYS:
        limit = outlook.now + timedelta(days=days)
        units = sum((u.amount for u in outlook.expiring if u.expires_at <= limit), Decimal(0))
        expiring.add_metric([account, str(days)], float(units))
    return expiring


def _lifetime_families(reading: StatusReading, account: str) -> Iterator[Metric]:
    """What was spent per action and what expired, since the ledger's first entry."""
    spent = CounterMetricFamily(
        "youcam_units_spent_units",
        "Units spent per action since the ledger's first entry (expiries aside).",
        labels=["account", "action"],
    )
    expired = CounterMetricFamily(
        "youcam_units_expired_units",
        "Units that expired unspent since the ledger's first entry.",
        labels=["account"],
    )
    lost = Decimal(0)
    for action, (units, gone) in sorted(reading.lifetime.items()):
        lost += gone
        if units or not gone:
            spent.add_metric([account, action], float(units))
    expired.add_metric([account], float(lost))
    yield spent
    yield expired


def _budget_families(reading: StatusReading, account: str) -> Iterator[Metric]:
    """The budgets given: the monthly one with ``action=""`` (in Prometheus, as if unset)."""
    if not reading.budget_uses:
        return
    families = {
        "units": GaugeMetricFamily(
            "youcam_units_budget_units",
            "Units this calendar month (UTC) may spend; action empty: every action together.",
            labels=["account", "action"],
        ),
        "spent": GaugeMetricFamily(
            "youcam_units_budget_spent_units",
            "Units spent this calendar month (UTC) against the budget.",
            labels=["account", "action"],
        ),
        "used": GaugeMetricFamily(
            "youcam_units_budget_used_ratio",
            "The share of the budget spent this calendar month (UTC): 1 is all of it.",
            labels=["account", "action"],
        ),
    }
    for use in reading.budget_uses:
        labels = [account, use.action or ""]
        families["units"].add_metric(labels, float(use.budget))
        families["spent"].add_metric(labels, float(use.spent))
        families["used"].add_metric(labels, float(use.used))
    yield from families.values()


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


def merged(parts: Iterable[Iterable[Metric]]) -> Iterator[Metric]:
    """Several accounts' families as one family per name, their samples together.

    The text format allows one block per metric name: each account's series joins it.
    """
    families: dict[str, Metric] = {}
    for part in parts:
        for family in part:
            if family.name in families:
                families[family.name].samples.extend(family.samples)
            else:
                families[family.name] = family
    yield from families.values()


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

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Once())
    return generate_latest(registry)


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
