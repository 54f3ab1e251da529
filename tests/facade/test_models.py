"""The domain models: frozen, hashable, exact, and giving back what the service sent."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import youcam_units as yu
from facade_support import BIG, entry
from youcam_units_api.models.known_credit_action import KnownCreditAction


def test_action_matches_the_generated_enum() -> None:
    """Action has exactly the generated KnownCreditAction's values, so spec drift fails here."""
    assert {a.value for a in yu.Action} == {k.value for k in KnownCreditAction}
    assert len(yu.Action) == 23


def test_history_entry_is_frozen_hashable_and_exact() -> None:
    """Entries are immutable, hash equal when equal, and keep ms timestamps in UTC."""
    first = yu.HistoryEntry.from_dict(entry(1))
    again = yu.HistoryEntry.from_dict(entry(1))
    assert first == again
    assert len({first, again}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.id = 3  # type: ignore[misc] # the point
    assert first.timestamp == datetime(2023, 12, 21, 8, 7, 46, 999000, tzinfo=UTC)
    assert first.timestamp.tzinfo is UTC
    assert first.timestamp_ms == 1_703_146_066_999
    assert first.amount == -1
    assert first.action is yu.Action.API_PHOTO_ENHANCE
    assert first.changes == (
        yu.UnitChange(BIG + 1001, Decimal(-2)),
        yu.UnitChange(BIG + 2000, Decimal(1)),
    )


def test_to_dict_round_trips_with_extras() -> None:
    """to_dict() is the service's JSON shape, extras included, and from_dict rebuilds the entry."""
    raw = entry(2, action="skin_analysis", later_field={"a": [1, 2]})
    raw["info"]["credits"][0]["amount_dec"] = "-2.0"
    parsed = yu.HistoryEntry.from_dict(raw)
    assert parsed.to_dict() == raw
    assert yu.HistoryEntry.from_dict(parsed.to_dict()) == parsed
    exported = parsed.to_dict()
    exported["id"] = 0
    assert parsed.id == BIG + 2  # the dict is a copy


def _shapes() -> dict[str, dict[str, object]]:
    plain = entry(1)
    no_info = {k: v for k, v in entry(2).items() if k != "info"}
    return {
        "plain": plain,
        "no-info": no_info,
        "only-dst-actions": entry(3, action="skin_analysis", info={"dst_actions": ["hd_pore"]}),
        "null-target": entry(4, target_id=None),
        "empty-info": entry(5, info={}),
        "empty-credits": entry(6, info={"credits": []}),
        "empty-dst-actions": entry(
            7, info={"credits": [{"id": 1, "amount": -1}], "dst_actions": []}
        ),
        "info-extra": entry(8, info={"credits": [{"id": 1, "amount": -1}], "new": True}),
        "credit-extra": entry(9, info={"credits": [{"id": 1, "amount": -1, "amount_dec": "-1"}]}),
        "string-id": entry(10, id=str(BIG + 10)),
    }


@pytest.mark.parametrize("name", list(_shapes()))
def test_to_dict_gives_back_exactly_what_was_sent(name: str) -> None:
    """Whatever the shape (nulls, empty lists, extras at any depth), to_dict() is the input."""
    raw = _shapes()[name]
    parsed = yu.HistoryEntry.from_dict(raw)
    assert parsed.to_dict() == raw
    assert yu.HistoryEntry.from_dict(parsed.to_dict()) == parsed


def test_entries_do_not_share_nested_data_with_callers() -> None:
    """Editing the input dict or a to_dict() result, however deep, never changes the entry."""
    raw = entry(1, later_field={"a": [1, 2]})
    raw["info"]["credits"][0]["amount_dec"] = "-2.0"
    expected = yu.HistoryEntry.from_dict(raw).to_dict()
    parsed = yu.HistoryEntry.from_dict(raw)
    raw["later_field"]["a"].append(3)
    raw["info"]["credits"][0]["amount_dec"] = "changed"
    parsed.to_dict()["later_field"]["a"].append(4)
    assert parsed.to_dict() == expected


def test_hand_built_entry_to_dict() -> None:
    """An entry built in code (no raw JSON) still exports the service's shape."""
    built = yu.HistoryEntry(
        id=BIG, timestamp_ms=5, action=yu.Action.RENEW, changes=(yu.UnitChange(7, Decimal(30)),)
    )
    assert built.to_dict() == {
        "id": BIG,
        "timestamp": 5,
        "action": "renew",
        "info": {"credits": [{"id": 7, "amount": 30}]},
    }


def test_history_entry_repr_is_readable() -> None:
    """The repr shows id, ISO time, action and amount, not the raw JSON."""
    text = repr(yu.HistoryEntry.from_dict(entry(0, extra_thing=1)))
    assert text.startswith(f"HistoryEntry(id={BIG}, timestamp=2023-12-21T08:07:47.000+00:00")
    assert "action=Action.API_PHOTO_ENHANCE" in text
    assert "amount=-1" in text
    assert "extra=['extra_thing']" in text
    assert "_as_sent" not in text


@pytest.mark.parametrize(
    "bad",
    [
        {"timestamp": 1, "action": "wig"},
        {"id": 1.0, "timestamp": 1, "action": "wig"},
        {"id": 1, "timestamp": 1, "action": 5},
        {"id": 1, "timestamp": 1, "action": "wig", "info": {"credits": [{"id": 1}]}},
    ],
)
def test_malformed_entry_raises(bad: dict[str, object]) -> None:
    """from_dict raises on missing fields, float ids or wrong types, never guesses."""
    with pytest.raises((KeyError, TypeError, ValueError)):
        yu.HistoryEntry.from_dict(bad)


@pytest.mark.parametrize("depth", [5_000, 50_000])
def test_an_entry_nested_too_deeply_is_a_value_error(depth: int) -> None:
    """Past what can be copied or parsed: a ValueError (a ResponseValidationError on a page)."""
    body = '{"result": {"history": [{"id": 1, "timestamp": 2, "x": ' + "[" * depth
    with pytest.raises(ValueError, match="nested too deeply"):
        yu.Page.from_json(body + "]" * depth + "}]}}")


def test_a_hand_built_fractional_change_is_not_cut_to_an_integer() -> None:
    """A change of -0.5 built in code exports as amount_dec -0.5, never as amount 0."""
    built = yu.HistoryEntry(
        id=1, timestamp_ms=5, action="wig", changes=(yu.UnitChange(7, Decimal("-0.5")),)
    )
    assert built.to_dict()["info"] == {"credits": [{"id": 7, "amount_dec": Decimal("-0.5")}]}
    assert yu.HistoryEntry.from_dict(built.to_dict()).amount == Decimal("-0.5")
