"""Summaries: totals per action, day and month agree with a plain recount of the mock's data."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from youcam_units.ledger import Grouping, summarize, sync

if TYPE_CHECKING:
    from youcam_units.mock import MockService

    from ledger.conftest import AnyLedger, MakeClient


def recount(
    entries: list[dict[str, Any]], by: Grouping, since: int | None = None, until: int | None = None
) -> dict[str, tuple[int, Decimal, Decimal, Decimal]]:
    """(entries, spent, granted, expired) per group, counted straight from the wire format.

    Each change counts its exact amount_dec when sent, else its integer amount.
    """
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    for entry in entries:
        if since is not None and entry["timestamp"] < since:
            continue
        if until is not None and entry["timestamp"] >= until:
            continue
        when = datetime.fromtimestamp(entry["timestamp"] / 1000, tz=UTC)
        key = {"action": entry["action"], "day": f"{when:%Y-%m-%d}", "month": f"{when:%Y-%m}"}[by]
        amounts = [
            Decimal(c.get("amount_dec", c["amount"]))
            for c in entry.get("info", {}).get("credits", [])
        ]
        out = -sum(a for a in amounts if a < 0)
        group = totals[key]
        group[0] += 1
        group[1 if entry["action"] != "expire" else 3] += out
        group[2] += sum(a for a in amounts if a > 0)
    return {k: (int(v[0]), v[1], v[2], v[3]) for k, v in totals.items()}


@pytest.mark.parametrize("by", ["action", "day", "month"])
def test_summary_matches_a_recount(
    ledger: AnyLedger, service: MockService, make_client: MakeClient, by: Grouping
) -> None:
    """Every group's entries, spent, granted and expired equal a recount of the source."""
    sync(ledger, make_client())
    rows = summarize(ledger, by=by)
    got = {r.group: (r.entries, r.spent, r.granted, r.expired) for r in rows}
    assert got == recount(list(service.iter_entries()), by)
    assert sum(r.entries for r in rows) == 200


def test_summary_respects_the_time_window(
    ledger: AnyLedger, service: MockService, make_client: MakeClient
) -> None:
    """The since (inclusive) and until (exclusive) bounds limit the entries summarised."""
    sync(ledger, make_client())
    entries = list(service.iter_entries())
    since, until = entries[120]["timestamp"], entries[40]["timestamp"]
    rows = summarize(ledger, by="action", since_ms=since, until_ms=until)
    got = {r.group: (r.entries, r.spent, r.granted, r.expired) for r in rows}
    assert got == recount(entries, "action", since, until)
    assert sum(r.entries for r in rows) == 80


def test_day_and_month_groups_are_chronological(ledger: AnyLedger, make_client: MakeClient) -> None:
    """Days and months read oldest first, like a time line."""
    sync(ledger, make_client())
    for by in ("day", "month"):
        groups = [r.group for r in summarize(ledger, by=by)]
        assert groups == sorted(groups)


def test_net_is_granted_minus_spent_minus_expired(
    ledger: AnyLedger, make_client: MakeClient
) -> None:
    """The net of all groups equals the sum of every change in the ledger."""
    sync(ledger, make_client())
    rows = summarize(ledger, by="month")
    stored = sum(
        Decimal(c.get("amount_dec", c["amount"]))
        for raw in ledger.raw_entries()
        for c in raw.get("info", {}).get("credits", [])
    )
    assert sum(r.net for r in rows) == stored
    assert any(r.net % 1 for r in rows)  # fractional units are in the data, and summed exactly


def test_unknown_grouping_is_refused(ledger: AnyLedger) -> None:
    """A grouping other than action, day or month is a ValueError, not an SQL error."""
    with pytest.raises(ValueError, match="by must be one of"):
        summarize(ledger, by="week")  # type: ignore[arg-type] # the wrong value is the test


@pytest.mark.parametrize("bound", [datetime(2026, 11, 1, tzinfo=UTC), "1793491200000", None])
def test_a_window_bound_that_is_not_milliseconds_is_refused(
    ledger: AnyLedger, bound: object
) -> None:
    """since_ms/until_ms take ms since 1970: a datetime or text is a TypeError saying so.

    It was Python's "'>' not supported between instances of 'int' and 'datetime.datetime'".
    """
    for window in ({"since_ms": bound}, {"until_ms": bound}):
        if bound is None:
            assert summarize(ledger, **window) == []  # type: ignore[arg-type] # None is open
            continue
        with pytest.raises(TypeError, match="milliseconds"):
            summarize(ledger, **window)  # type: ignore[arg-type] # the wrong type is the test
