"""The status as Prometheus metric families, every series labelled with its account.

Amounts stay ``Decimal`` up to here; Prometheus values are 64-bit floats, so each is converted
once, as it becomes a sample (``float(Decimal)`` rounds to the nearest float, which keeps 15
significant digits: an amount in cents below 10**13 units reads back as itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from prometheus_client.metrics_core import Metric

    from youcam_units import Forecast
    from youcam_units._cli._status_reading import StatusReading

__all__ = ["EXPIRING_WITHIN_DAYS", "Snapshot", "merged", "metric_families"]

EXPIRING_WITHIN_DAYS: Final = (7, 30)
"""The horizons of ``youcam_units_expiring_units``: the status forecasts 30 days ahead."""
_INFINITY: Final = float("inf")


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
