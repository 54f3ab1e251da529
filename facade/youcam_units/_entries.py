"""History entries from the service's JSON: one pass per entry, exact amounts, nothing lost.

``entries_from_generated`` converts a page the generated parse has checked; ``entry_from_dict``
one entry given by a caller (``HistoryEntry.from_dict``). Both read the body parsed with
``parse_float=Decimal``, so no amount is ever a float.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final, cast

from youcam_units_api.models.credit_history_entry import CreditHistoryEntry

from ._amounts import amount_in_bounds, out_of_bounds
from ._models import (
    KNOWN_KEYS,
    Action,
    HistoryEntry,
    UnitChange,
    copy_json,
    new_change,
    new_entry,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["entries_from_generated", "entry_from_dict"]

_ACTIONS: Final = {action.value: action for action in Action}


def entries_from_generated(
    generated: Sequence[CreditHistoryEntry], raw: Sequence[Mapping[str, Any]]
) -> tuple[HistoryEntry, ...]:
    """Convert one page whose shape the generated parse has checked, from its exact parse.

    ``raw`` is the page's ``result.history`` parsed with ``parse_float=Decimal``: every field,
    amounts included, comes from it, and it is what ``to_dict()`` returns, so it must belong to
    nothing else. The generated models (``generated``) have done their part: the body has the
    documented shape. Reading one structure, not two side by side, keeps the conversion cheap.
    """
    if len(raw) != len(generated):
        raise ValueError("the exact parse of the page does not match the generated one")
    fast = list(map(_page_entry, raw))  # map: no generator to resume for each entry
    if all(fast):
        return tuple(cast("list[HistoryEntry]", fast))
    pairs = zip(fast, raw, strict=True)
    return tuple(got or _from_raw(sent, private=True) for got, sent in pairs)


_MISSING: Final = object()
_INFO_KEYS: Final = frozenset({"credits", "dst_actions"})
_SMALL_INTS: Final = {i: Decimal(i) for i in range(-1_000, 1_001)}
#: The ``changes`` of entries seen before whose credits are all plain integer amounts, as a trie:
#: unit id -> amount -> (next unit id -> ... | ``None`` -> the tuple). An account has a few unit
#: buckets and its amounts repeat, so most entries' changes are found here with no allocation
#: at all (each allocation brings the next garbage collection closer). Frozen, so shared.
_KNOWN_CHANGES: dict[int | None, Any] = {}
_KNOWN_CHANGES_CAP: Final = 10_000
_known_count = 0


def _remember_changes(credits_: list[dict[str, int]]) -> tuple[UnitChange, ...]:
    """The changes of plain integer credits (checked), kept in the trie while it has room."""
    global _known_count  # noqa: PLW0603 - the trie's size, kept beside it
    changes = tuple(
        new_change(c["id"], _SMALL_INTS.get(c["amount"]) or Decimal(c["amount"])) for c in credits_
    )
    if _known_count < _KNOWN_CHANGES_CAP:
        node = _KNOWN_CHANGES
        for change in credits_:
            node = node.setdefault(change["id"], {}).setdefault(change["amount"], {})
        node[None] = changes
        _known_count += 1
    return changes


def _mixed_changes(credits_: list[Any]) -> tuple[UnitChange, ...] | None:
    """Credits with an ``amount_dec`` (or other keys): the changes, or ``None`` to go generic."""
    if len(credits_) == 1:  # the common case, without a list on the way
        only = credits_[0]
        value = only.get("amount_dec")
        if type(value) is not Decimal or not value.is_finite() or not amount_in_bounds(value):
            return None
        return (new_change(only["id"], value),)
    changes = []
    for change in credits_:
        amount = change.get("amount")
        if type(amount) is int and len(change) == 2:  # noqa: PLR2004 - the two keys
            value = _SMALL_INTS.get(amount) or Decimal(amount)
        else:
            value = change.get("amount_dec")
            if type(value) is not Decimal or not value.is_finite() or not amount_in_bounds(value):
                return None
        changes.append(new_change(change["id"], value))
    return tuple(changes)


def _page_entry(raw: Any) -> HistoryEntry | None:  # noqa: ANN401, C901, PLR0911, PLR0912, PLR0915
    """The common entry of a page, converted in one call; ``None`` for anything less common.

    It gives the same entry as ``_from_raw(raw, private=True)`` for every entry it accepts
    (tests compare the two on adversarial pages), and leaves every other shape, and every
    malformed entry, to ``_from_raw``, which says what is wrong with it. An entry is rebuilt
    exactly by its typed fields (``_as_sent`` is ``None``) under the same rule as there: each
    object holds only keys read here (counted, not compared as sets), every amount is an int.
    """
    if type(raw) is not dict:
        return None
    try:
        entry_id, timestamp, action = raw["id"], raw["timestamp"], raw["action"]
    except KeyError:
        return None
    if type(entry_id) is not int or type(timestamp) is not int or type(action) is not str:
        return None
    known = 3  # id, timestamp, action; then target_id and info when sent
    exact = True
    target = raw.get("target_id", _MISSING)
    if target is _MISSING:
        target = None
    else:
        known += 1
        if target is None:
            exact = False
        elif type(target) is not str:
            return None
    changes: tuple[UnitChange, ...] = ()
    dst_actions: tuple[str, ...] = ()
    info = raw.get("info", _MISSING)
    if info is not _MISSING:
        known += 1
        if type(info) is not dict or not info:
            return None
        info_known = 0
        credits_ = info.get("credits", _MISSING)
        if credits_ is not _MISSING:
            info_known += 1
            if type(credits_) is not list or not credits_:
                return None
            plain = True
            node: dict[int | None, Any] | None = _KNOWN_CHANGES
            for change in credits_:
                if type(change) is not dict:
                    return None
                unit_id, amount = change.get("id"), change.get("amount")
                if type(unit_id) is not int:
                    return None
                if type(amount) is not int or len(change) != 2:  # noqa: PLR2004 - id, amount
                    plain = False
                elif node is not None:
                    amounts = node.get(unit_id)
                    node = None if amounts is None else amounts.get(amount)
            if plain:
                seen = None if node is None else node.get(None)
                changes = seen if seen is not None else _remember_changes(credits_)
            else:
                mixed = _mixed_changes(credits_)
                if mixed is None:
                    return None
                changes, exact = mixed, False
        sent_actions = info.get("dst_actions", _MISSING)
        if sent_actions is not _MISSING:
            info_known += 1
            if type(sent_actions) is str:
                exact = False
                try:
                    dst_actions = _dst_actions_from_text(sent_actions)
                except ValueError:
                    return None
            elif type(sent_actions) is list and sent_actions:
                dst_actions = tuple(sent_actions)
                for name in dst_actions:
                    if type(name) is not str:
                        return None
            else:
                return None
        if len(info) != info_known:
            exact = False
    if len(raw) != known:
        exact = False
    return new_entry(
        entry_id,
        timestamp,
        _ACTIONS.get(action) or action,
        target,
        changes,
        dst_actions,
        None if exact else raw,
    )


def _from_raw(raw: Mapping[str, Any], *, private: bool) -> HistoryEntry:
    """Convert one entry, noting on the way whether its typed fields rebuild it.

    They rebuild it exactly when nothing was sent beyond them, every id and amount is an int
    (no ``amount_dec``), ``dst_actions`` is a list, and no optional field was sent as null or as
    an empty list or object (``to_dict()`` would leave those out). Otherwise the entry as sent is
    kept for ``to_dict()``: ``raw`` itself when ``private`` (a page parsed here), else a copy.
    One pass: this runs for every entry read, and its cost is most of what the facade adds.
    """
    exact = raw.keys() <= KNOWN_KEYS
    entry_id, timestamp = raw["id"], raw["timestamp"]
    if type(entry_id) is not int or type(timestamp) is not int:
        exact = False
        entry_id, timestamp = _int(entry_id, "id"), _int(timestamp, "timestamp")
    action = _action(raw["action"])
    sent_target = raw.get("target_id", _MISSING)
    target: str | None = None
    if sent_target is None:
        exact = False
    elif sent_target is not _MISSING:
        target = _str(sent_target, "target_id")
    changes: tuple[UnitChange, ...] = ()
    dst_actions: tuple[str, ...] = ()
    info = raw.get("info", _MISSING)
    if info is not _MISSING:
        changes, dst_actions, info_exact = _info(info)
        exact = exact and info_exact
    as_sent = None
    if not exact:
        as_sent = raw if private and type(raw) is dict else copy_json(dict(raw))
    return HistoryEntry(
        id=entry_id,
        timestamp_ms=timestamp,
        action=action,
        target_id=target,
        changes=changes,
        dst_actions=dst_actions,
        _as_sent=as_sent,
    )


def _action(value: object) -> Action | str:
    """An ``Action`` member for a documented value, else the str."""
    if not isinstance(value, str):
        raise TypeError(f"action must be a string, got {type(value).__name__}")
    return _ACTIONS.get(value) or str(value)


def _info(info: object) -> tuple[tuple[UnitChange, ...], tuple[str, ...], bool]:
    """The changes and dst_actions of ``info``, and whether they rebuild it exactly."""
    if not isinstance(info, dict):
        raise TypeError(f"info must be an object, got {type(info).__name__}")
    # An "info" with unknown keys, or an empty "info": {}, is not rebuilt from the typed fields.
    exact = bool(info) and info.keys() <= _INFO_KEYS
    changes: tuple[UnitChange, ...] = ()
    credits_ = info.get("credits", _MISSING)
    if credits_ is not _MISSING:
        changes, credits_exact = _changes(credits_)
        exact = exact and credits_exact
    dst_actions: tuple[str, ...] = ()
    sent = info.get("dst_actions", _MISSING)
    if sent is not _MISSING:
        if isinstance(sent, str):
            dst_actions = _dst_actions_from_text(sent)
            exact = False  # the string form is kept as sent
        elif sent:
            if not isinstance(sent, list):
                raise TypeError("info.dst_actions must be a list of strings or a string")
            dst_actions = tuple(_str(a, "info.dst_actions[]") for a in sent)
        else:
            exact = False  # null or []
    return changes, dst_actions, exact


def _dst_actions_from_text(text: str) -> tuple[str, ...]:
    """The list a string-form ``dst_actions`` holds (the vendor's example sends JSON text)."""
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ValueError(
            "info.dst_actions must be a list of strings or a string holding one as JSON, "
            f"got {text[:80]!r}"
        )
    return tuple(value)


def _changes(credits_: object) -> tuple[tuple[UnitChange, ...], bool]:
    """The unit changes, and whether they rebuild ``info.credits`` exactly."""
    if not isinstance(credits_, list):
        raise TypeError(f"info.credits must be a list, got {type(credits_).__name__}")
    exact = bool(credits_)
    changes = []
    for change in credits_:
        if type(change) is not dict:
            raise TypeError("info.credits[] must be an object")
        unit_id = change["id"]
        if type(unit_id) is not int:
            exact = False
            unit_id = _int(unit_id, "info.credits[].id")
        amount = change.get("amount")
        # The common case first: {"id": int, "amount": int} and nothing else.
        if type(amount) is int and len(change) == 2:  # noqa: PLR2004 - the two keys
            value = _SMALL_INTS.get(amount) or Decimal(amount)
        else:
            exact = False
            value = _amount_of(change)
        changes.append(UnitChange(unit_id, value))
    return tuple(changes), exact


def _amount_of(change: dict[str, Any]) -> Decimal:
    """A change's exact amount: ``amount_dec`` when sent, else the integer ``amount``."""
    if "amount_dec" in change:
        sent = change["amount_dec"]
        if type(sent) is Decimal and sent.is_finite() and amount_in_bounds(sent):
            return sent
        return _decimal(sent, "info.credits[].amount_dec")
    if "amount" not in change:
        raise KeyError("info.credits[] has neither amount_dec nor amount")
    return Decimal(_int(change["amount"], "info.credits[].amount"))


def _decimal(value: object, name: str) -> Decimal:
    """An exact amount: a Decimal or int as is, a numeric string exactly, a float via its repr."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number, got bool")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float | str):
        try:
            result = Decimal(repr(value) if isinstance(value, float) else value.strip())
        except InvalidOperation:
            raise ValueError(f"{name} must be a number, got {value!r}") from None
    else:
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if not amount_in_bounds(result):
        raise out_of_bounds(name, result)
    return result


def _int(value: object, name: str) -> int:
    """Ids are snowflakes beyond 2**53: accept ints (or digit strings), never floats."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise TypeError(f"{name} must be an integer, got {type(value).__name__}")


def _str(value: object, name: str) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"{name} must be a string, got {type(value).__name__}")


def entry_from_dict(data: Mapping[str, Any]) -> HistoryEntry:
    """One entry in the service's shape (or ``to_dict()``'s), checked by the generated model."""
    CreditHistoryEntry.from_dict(data)  # the generated model checks the documented shape
    return _from_raw(data, private=False)
