"""The mock's data set: deterministic, realistic, and made on demand."""

from __future__ import annotations

import json
import tracemalloc
from collections import Counter
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from youcam_units.mock import MockService, make_entry

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text())
KNOWN_ACTIONS = set(SPEC["components"]["schemas"]["KnownCreditAction"]["enum"])


def _amount(entry: dict[str, Any]) -> int:
    return sum(change["amount"] for change in entry["info"]["credits"])


def test_same_seed_gives_the_same_entries() -> None:
    """Two services built from one seed hold identical data; another seed differs."""
    first = list(MockService(seed=3, entries=200).iter_entries())
    again = list(MockService(seed=3, entries=200).iter_entries())
    other = list(MockService(seed=4, entries=200).iter_entries())
    assert first == again
    assert first != other


def test_entries_are_newest_first_with_unique_snowflake_ids_above_2_53() -> None:
    """Ids are unique ints above 2**53 and, like timestamps, strictly decrease down the list."""
    entries = list(MockService(seed=1, entries=1_000).iter_entries())
    ids = [entry["id"] for entry in entries]
    timestamps = [entry["timestamp"] for entry in entries]
    assert len(entries) == 1_000
    assert all(isinstance(value, int) and value > 2**53 for value in ids)
    assert all(a > b for a, b in pairwise(ids))
    assert all(a > b for a, b in pairwise(timestamps))
    for entry in entries:
        for change in entry["info"]["credits"]:
            assert isinstance(change["id"], int)
            assert change["id"] > 2**53


def test_the_mix_is_realistic() -> None:
    """Spends and expiries are negative, grants positive; skin analysis and new actions occur."""
    entries = list(MockService(seed=1, entries=1_000).iter_entries())
    actions = Counter(entry["action"] for entry in entries)
    spend = [e for e in entries if e["action"].startswith("api_") and e["action"] in KNOWN_ACTIONS]
    grants = [
        e for e in entries if e["action"] in {"sign_up_gift", "subscription_credits", "renew"}
    ]
    expiries = [e for e in entries if e["action"] == "expire"]
    skin = [e for e in entries if e["action"] == "skin_analysis"]
    newer = [e for e in entries if e["action"] not in KNOWN_ACTIONS | {"skin_analysis"}]
    assert spend
    assert all(_amount(e) < 0 for e in spend)
    assert all(len(e["target_id"]) == 64 for e in spend)  # task ids
    assert grants
    assert all(_amount(e) > 0 for e in grants)
    assert all(e["target_id"].isdigit() for e in grants)  # order ids
    assert expiries
    assert all(_amount(e) < 0 for e in expiries)
    assert skin
    assert all(e["info"]["dst_actions"] for e in skin)
    assert "skin_analysis" not in KNOWN_ACTIONS
    assert len(newer) >= 10, actions
    assert any("dst_actions" not in e["info"] for e in entries)
    assert any("target_id" not in e for e in entries)  # optional in the spec
    assert entries[-1]["action"] == "sign_up_gift"  # the oldest entry


def test_some_credit_changes_carry_amount_dec() -> None:
    """Some info.credits items carry an exact two-decimal amount_dec, some of it fractional."""
    changes = [c for e in MockService(seed=2).iter_entries() for c in e["info"]["credits"]]
    with_dec = [c for c in changes if "amount_dec" in c]
    assert 0 < len(with_dec) < len(changes)
    assert all(type(c["amount_dec"]) is Decimal for c in with_dec)
    assert all(c["amount_dec"] == c["amount_dec"].quantize(Decimal("0.01")) for c in with_dec)
    # The deprecated integer is amount_dec rounded; the fractions are what it cannot say.
    assert all(abs(c["amount_dec"] - c["amount"]) <= Decimal("0.5") for c in with_dec)
    assert any(c["amount_dec"] != c["amount"] for c in with_dec)
    assert any(c["amount_dec"] % 1 == Decimal("0.9") for c in with_dec)  # no exact binary float


def test_some_dst_actions_come_as_the_seeds_string_form() -> None:
    """Skin analysis sends dst_actions both as a list and as a string holding the list as JSON."""
    sent = [
        e["info"]["dst_actions"]
        for e in MockService(seed=2).iter_entries()
        if "dst_actions" in e.get("info", {})
    ]
    as_text = [d for d in sent if isinstance(d, str)]
    assert as_text
    assert any(isinstance(d, list) for d in sent)
    assert all(d.startswith("[ ") and isinstance(json.loads(d), list) for d in as_text)


def test_a_million_entries_cost_no_memory_until_read() -> None:
    """A 1,000,000-entry service stores a count, not a list, and makes any entry on demand."""
    tracemalloc.start()
    try:
        service = MockService(seed=5, entries=1_000_000)
        oldest = service.entry(999_999)
        newest = service.entry(0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # bytes: a list of a million dicts would take hundreds of MB
    assert not any(isinstance(value, list | tuple) for value in vars(service).values())
    assert oldest == make_entry(5, 0, 1_000_000)
    assert oldest["action"] == "sign_up_gift"
    assert newest["id"] > oldest["id"] > 2**53
