"""The page fast path gives the very entries the generic conversion gives, or leaves them to it.

``_page_entry`` converts the common entries of a page in one call; anything else goes to
``_from_raw``. Both read the same exact parse, so for every entry the fast path accepts, the
two must agree on every field, on the kept ``_as_sent`` and on ``to_dict()``'s JSON text.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
import stamina
import youcam_units as yu
from facade_support import BIG, entry
from youcam_units import _entries
from youcam_units import _json as exact_json
from youcam_units._models import new_change, new_entry
from youcam_units.mock import DEFAULT_TOKEN, MockService

_CREDIT = {"id": BIG + 7, "amount": -2}


def _adversarial() -> dict[str, str]:
    """Entry texts as a server might write them: common, unusual, and malformed."""
    shapes: dict[str, Any] = {
        "plain": entry(1),
        "one-credit": entry(2, info={"credits": [_CREDIT]}),
        "no-target": {k: v for k, v in entry(3).items() if k != "target_id"},
        "no-info": {k: v for k, v in entry(4).items() if k != "info"},
        "null-target": entry(5, target_id=None),
        "int-target": entry(6, target_id=7),
        "unknown-action": entry(7, action="api_future_thing"),
        "extra-top": entry(8, later={"a": [1, 2]}),
        "extra-info": entry(9, info={"credits": [_CREDIT], "new": True}),
        "extra-credit": entry(10, info={"credits": [{"id": 1, "amount": -1, "note": "x"}]}),
        "empty-info": entry(11, info={}),
        "null-info": entry(12, info=None),
        "list-info": entry(13, info=[]),
        "empty-credits": entry(14, info={"credits": []}),
        "null-credits": entry(15, info={"credits": None}),
        "credit-not-object": entry(16, info={"credits": [5]}),
        "credit-without-id": entry(17, info={"credits": [{"amount": 1}]}),
        "credit-string-id": entry(18, info={"credits": [{"id": "12", "amount": 1}]}),
        "credit-bool-amount": entry(19, info={"credits": [{"id": 1, "amount": True}]}),
        "credit-no-amount": entry(20, info={"credits": [{"id": 1}]}),
        "credit-string-amount": entry(21, info={"credits": [{"id": 1, "amount": "3"}]}),
        "amount-dec-only": entry(22, info={"credits": [{"id": 1, "amount_dec": "-1.5"}]}),
        "amount-dec-string": entry(
            23, info={"credits": [{"id": 1, "amount": -2, "amount_dec": "x"}]}
        ),
        "dst-list": entry(24, info={"credits": [_CREDIT], "dst_actions": ["hd_pore"]}),
        "dst-only": entry(25, info={"dst_actions": ["hd_pore", "hd_wrinkle"]}),
        "dst-string": entry(26, info={"credits": [_CREDIT], "dst_actions": '["hd_pore"]'}),
        "dst-bad-string": entry(27, info={"dst_actions": "hd_pore, hd_wrinkle"}),
        "dst-empty": entry(28, info={"credits": [_CREDIT], "dst_actions": []}),
        "dst-null": entry(29, info={"credits": [_CREDIT], "dst_actions": None}),
        "dst-not-strings": entry(30, info={"dst_actions": ["a", 1]}),
        "string-id": entry(31, id=str(BIG + 31)),
        "bool-id": entry(32, id=True),
        "string-timestamp": entry(33, timestamp="1703146067000"),
        "action-not-string": entry(34, action=5),
        "missing-id": {k: v for k, v in entry(35).items() if k != "id"},
        "missing-action": {k: v for k, v in entry(36).items() if k != "action"},
        "reordered": dict(reversed(list(entry(37).items()))),
        "huge-ids": entry(38, id=2**70, info={"credits": [{"id": 2**80, "amount": -(10**30)}]}),
        "not-an-object": [1, 2],
    }
    texts = {name: json.dumps(value) for name, value in shapes.items()}
    # Numbers written as a server writes them: fractions, exponents, trailing zeros, NaN.
    for name, amount_dec in {
        "amount-dec": "-1.50",
        "amount-dec-exponent": "-1E+2",
        "amount-dec-integer-text": "-2",
        "amount-dec-zero": "0.00",
        "amount-dec-nan": "NaN",
    }.items():
        texts[name] = (
            f'{{"id": {BIG}, "timestamp": 5, "action": "wig", "info": {{"credits": '
            f'[{{"id": 1, "amount": -2, "amount_dec": {amount_dec}}}, {{"id": 2, "amount": 0}}]}}}}'
        )
    credits_texts = {
        "dec-without-id": '[{"amount": -2, "amount_dec": -1.5}]',
        "decs-one-without-id": '[{"id": 1, "amount_dec": -1.5}, {"amount": 0, "amount_dec": 0.5}]',
        "dec-alone-beside-plain": '[{"id": 1, "amount_dec": -1.5}, {"id": 2, "amount": -1}]',
        "plain-without-id-beside-dec": '[{"amount": -1}, {"id": 2, "amount_dec": -1.5}]',
        "three-plain": '[{"id": 1, "amount": -1}, {"id": 2, "amount": 0}, {"id": 3, "amount": 5}]',
    }
    for name, credits_text in credits_texts.items():
        texts[name] = (
            f'{{"id": {BIG}, "timestamp": 5, "action": "wig", "target_id": "t", '
            f'"info": {{"credits": {credits_text}}}}}'
        )
    texts["float-amount"] = (
        '{"id": 1, "timestamp": 5, "action": "wig", '
        '"info": {"credits": [{"id": 1, "amount": -2.0}]}}'
    )
    return texts


ADVERSARIAL = _adversarial()
#: Shapes the fast path must take itself: the ones real pages are made of.
FAST = {
    "plain", "one-credit", "no-target", "no-info", "null-target", "unknown-action", "extra-top",
    "extra-info", "dst-list", "dst-only", "dst-string", "reordered", "huge-ids", "amount-dec",
    "amount-dec-exponent", "amount-dec-zero", "dec-alone-beside-plain", "three-plain",
}  # fmt: skip


def _fields(value: yu.HistoryEntry) -> list[tuple[str, object, str]]:
    """Every field, with its type and text: Decimal("1.50") and Decimal("1.5") differ here."""
    return [
        (f.name, type(getattr(value, f.name)).__name__, repr(getattr(value, f.name)))
        for f in dataclasses.fields(value)
    ]


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_fast_path_agrees_with_the_generic_conversion(name: str) -> None:
    """Accepted: the same fields, the same kept original, the same to_dict() text; else left."""
    fast = _entries._page_entry(exact_json.loads(ADVERSARIAL[name]))
    try:
        generic = _entries._from_raw(exact_json.loads(ADVERSARIAL[name]), private=True)
    except (KeyError, TypeError, ValueError, AttributeError):
        assert fast is None, "the fast path accepted an entry the generic one refuses"
        assert name not in FAST
        return
    if fast is None:
        assert name not in FAST, "a common shape fell off the fast path"
        return
    assert _fields(fast) == _fields(generic)
    assert (fast._as_sent is None) == (generic._as_sent is None)
    assert exact_json.dumps(fast.to_dict()) == exact_json.dumps(generic.to_dict())
    assert fast == generic
    assert hash(fast) == hash(generic)
    assert repr(fast) == repr(generic)


def test_the_common_shapes_take_the_fast_path() -> None:
    """The list above is not vacuous: each common shape is converted by the fast path."""
    taken = {name for name in FAST if _entries._page_entry(exact_json.loads(ADVERSARIAL[name]))}
    assert taken == FAST


def test_a_whole_page_of_adversarial_entries_converts_as_each_alone() -> None:
    """On a page, each entry comes from the fast path or the generic one, in order."""
    good = [
        name for name in ADVERSARIAL if name != "not-an-object" and _converts(ADVERSARIAL[name])
    ]
    page = exact_json.loads("[" + ", ".join(ADVERSARIAL[name] for name in good) + "]")
    converted = _entries.entries_from_generated(page, page)
    alone = [_entries._from_raw(exact_json.loads(ADVERSARIAL[name]), private=True) for name in good]
    assert [_fields(e) for e in converted] == [_fields(e) for e in alone]
    assert [e.to_dict() for e in converted] == [e.to_dict() for e in alone]


def _converts(text: str) -> bool:
    try:
        _entries._from_raw(exact_json.loads(text), private=True)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return True


def test_shared_unit_changes_are_equal_values_and_cannot_change() -> None:
    """Unit changes seen before are shared between entries: frozen, so no entry sees another's."""
    first = _entries._page_entry(
        exact_json.loads(json.dumps(entry(1, info={"credits": [_CREDIT]})))
    )
    again = _entries._page_entry(
        exact_json.loads(json.dumps(entry(2, info={"credits": [_CREDIT]})))
    )
    assert first is not None
    assert again is not None
    assert first.changes == again.changes == (yu.UnitChange(BIG + 7, Decimal(-2)),)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.changes[0].amount = Decimal(5)  # type: ignore[misc]


def test_fast_constructors_build_what_the_dataclass_constructors_build() -> None:
    """new_entry and new_change set every field, in order: a field added later breaks this."""
    values: dict[str, object] = {
        "id": BIG,
        "timestamp_ms": 5,
        "action": yu.Action.WIG,
        "target_id": "t",
        "changes": (yu.UnitChange(1, Decimal("1.5")),),
        "dst_actions": ("a",),
        "_as_sent": {"id": BIG},
    }
    assert [f.name for f in dataclasses.fields(yu.HistoryEntry)] == list(values)
    built = new_entry(*values.values())  # type: ignore[arg-type]
    expected = yu.HistoryEntry(**values)  # type: ignore[arg-type]
    assert _fields(built) == _fields(expected)
    assert built._as_sent is values["_as_sent"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.id = 1  # type: ignore[misc]
    change = new_change(3, Decimal("-0.10"))
    assert (change.unit_id, str(change.amount)) == (3, "-0.10")
    assert change == yu.UnitChange(3, Decimal("-0.10"))


def test_entries_read_from_the_mock_are_the_generic_conversion_of_its_entries() -> None:
    """Every shape the mock sends (amount_dec, dst_actions both ways, no target) reads as sent."""
    service = MockService(seed=11, entries=600)
    with (
        stamina.set_testing(True, attempts=1),
        yu.Client(
            DEFAULT_TOKEN,
            base_url="http://127.0.0.1",
            http_client=httpx.Client(transport=service.transport()),
            rate_limit=None,
        ) as client,
    ):
        read = list(client.history())
    sent = [json.loads(exact_json.dumps(e), parse_float=Decimal) for e in service.iter_entries()]
    generic = [_entries._from_raw(e, private=True) for e in sent]
    assert [_fields(e) for e in read] == [_fields(e) for e in generic]
    assert [exact_json.dumps(e.to_dict()) for e in read] == [exact_json.dumps(e) for e in sent]
    assert sum(e._as_sent is not None for e in read) > 0  # amount_dec or the string form
    assert sum(e._as_sent is None for e in read) > 0
