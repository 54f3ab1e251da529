"""The facade's own data types: frozen, hashable, and free of the generator's vocabulary.

The generated attrs models (with their ``UNSET`` sentinel and mutable lists) stop here: each
200 body is parsed by the generated ``CreditHistoryResponse.from_dict`` and converted to these.
When its typed fields cannot reproduce an entry exactly (fields this version does not know, such
as ``amount_dec`` or new ``info`` keys; explicit nulls or empty lists), a ``HistoryEntry`` also
holds the parsed entry as sent, so that ``to_dict()`` returns what the service sent, for export
and storage, and ``HistoryEntry.from_dict`` rebuilds an equal entry from it. It is serialised only
when ``to_dict()`` asks: serialising every entry up front cost a fifth of a read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from youcam_units_api.models.credit_history_entry import CreditHistoryEntry
from youcam_units_api.types import Unset

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from youcam_units_api.models.credit_change import CreditChange
    from youcam_units_api.models.credit_history_info import CreditHistoryInfo

__all__ = ["Action", "HistoryEntry", "Page", "UnitChange", "entries_from_generated"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_KNOWN_KEYS = frozenset({"id", "timestamp", "action", "target_id", "info"})


class Action(StrEnum):
    """The ``action`` values v1.9 documents; a value the service adds later stays a plain str."""

    PHOTO_ENHANCE = "photo_enhance"
    API_PHOTO_ENHANCE = "api_photo_enhance"
    OBJECT_REMOVAL = "object_removal"
    API_OBJECT_REMOVAL = "api_object_removal"
    BACKGROUND_REMOVAL = "background_removal"
    API_BACKGROUND_REMOVAL = "api_background_removal"
    COLORIZE = "colorize"
    API_COLORIZE = "api_colorize"
    TEXT_TO_IMAGE = "text_to_image"
    API_TEXT_TO_IMAGE = "api_text_to_image"
    HAIR_STYLE = "hair_style"
    API_HAIR_STYLE = "api_hair_style"
    BLUR_BACKGROUND = "blur_background"
    CHANGE_BACKGROUND = "change_background"
    WIG = "wig"
    TRIAL_GIFT_TEXT_TO_IMAGE = "trial_gift_text_to_image"
    SIGN_UP_GIFT = "sign_up_gift"
    SUBSCRIPTION_CREDITS = "subscription_credits"
    SUBSCRIBER_GIFT = "subscriber_gift"
    PERMANENT_CREDITS = "permanent_credits"
    COMPENSATION_FROM_CUSTOMER_SERVICE = "compensation_from_customer_service"
    RENEW = "renew"
    EXPIRE = "expire"

    def __repr__(self) -> str:
        return f"Action.{self.name}"


_ACTIONS = {action.value: action for action in Action}


@dataclass(frozen=True, slots=True)
class UnitChange:
    """How much one unit bucket changed: negative for spending, positive for grants."""

    unit_id: int
    amount: int


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of unit history; equal entries hash equal, so sets and dict keys work.

    Equality and hashing use the typed fields below; fields beyond them (kept for ``to_dict()``
    and ``extra``) take no part, as the service's ``id`` already identifies an entry.
    """

    id: int
    timestamp_ms: int
    action: Action | str
    target_id: str | None = None
    changes: tuple[UnitChange, ...] = ()
    dst_actions: tuple[str, ...] = ()
    _as_sent: CreditHistoryEntry | None = field(default=None, repr=False, compare=False)

    @property
    def timestamp(self) -> datetime:
        """When it happened, as a timezone-aware UTC datetime (exact to the millisecond)."""
        return _EPOCH + timedelta(milliseconds=self.timestamp_ms)

    @property
    def amount(self) -> int:
        """The net change across all unit buckets."""
        return sum(change.amount for change in self.changes)

    @property
    def extra(self) -> dict[str, Any]:
        """Top-level fields the service sent that v1.9 does not define (a fresh copy)."""
        return {k: v for k, v in self.to_dict().items() if k not in _KNOWN_KEYS}

    def to_dict(self) -> dict[str, Any]:
        """The entry as the service sent it: JSON-ready, ids as ints, timestamp in ms."""
        if self._as_sent is not None:
            # Through JSON: a deep copy, so a caller's edits never reach this frozen entry.
            copied: dict[str, Any] = json.loads(json.dumps(self._as_sent.to_dict()))
            return copied
        data: dict[str, Any] = {
            "id": self.id,
            "timestamp": self.timestamp_ms,
            "action": str(self.action),
        }
        if self.target_id is not None:
            data["target_id"] = self.target_id
        info: dict[str, Any] = {}
        if self.changes:
            info["credits"] = [{"id": c.unit_id, "amount": c.amount} for c in self.changes]
        if self.dst_actions:
            info["dst_actions"] = list(self.dst_actions)
        if info:
            data["info"] = info
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoryEntry:
        """Parse one entry in the service's shape (or ``to_dict()``'s) via the generated model.

        Raises ``ValueError``, ``KeyError`` or ``TypeError`` when the shape is wrong.
        """
        return _from_generated(CreditHistoryEntry.from_dict(data), data)

    def __repr__(self) -> str:
        parts = [
            f"id={self.id}",
            f"timestamp={self.timestamp.isoformat(timespec='milliseconds')}",
            f"action={self.action!r}",
            f"amount={self.amount}",
        ]
        if self.target_id is not None:
            parts.append(f"target_id={self.target_id!r}")
        if len(self.changes) > 1:
            parts.append(f"changes={len(self.changes)}")
        if self.dst_actions:
            parts.append(f"dst_actions={self.dst_actions!r}")
        extra = self.extra
        if extra:
            parts.append(f"extra={sorted(extra)!r}")
        return f"HistoryEntry({', '.join(parts)})"


@dataclass(frozen=True, slots=True)
class Page:
    """One response: its entries, the token of the next page (``None`` on the last), its id."""

    entries: tuple[HistoryEntry, ...]
    next_token: str | None
    request_id: str | None = None
    starting_token: str | None = None

    @property
    def has_more(self) -> bool:
        """Whether another page follows this one."""
        return self.next_token is not None


def entries_from_generated(generated: Iterable[CreditHistoryEntry]) -> tuple[HistoryEntry, ...]:
    """Convert the generated models of one page."""
    return tuple(_from_generated(g) for g in generated)


def _from_generated(
    entry: CreditHistoryEntry, raw: Mapping[str, Any] | None = None
) -> HistoryEntry:
    """Convert one generated entry, noting on the way whether its typed fields rebuild it.

    They rebuild it exactly when nothing was sent beyond them, every id and amount is an int, and
    no optional field was sent as null or as an empty list or object (``to_dict()`` would leave
    those out). Otherwise the entry as sent is kept for ``to_dict()``. One pass: this runs for
    every entry read, and its cost is most of what the facade adds to the generated parse.
    """
    exact = not entry.additional_properties
    entry_id, timestamp = entry.id, entry.timestamp
    if type(entry_id) is not int or type(timestamp) is not int:
        exact = False
        entry_id, timestamp = _int(entry_id, "id"), _int(timestamp, "timestamp")
    sent_target: object = entry.target_id
    target: str | None = None
    if sent_target is None:
        exact = False
    elif not isinstance(sent_target, Unset):
        target = _str(sent_target, "target_id")
    changes, dst_actions, info_exact = _info(entry.info)
    return HistoryEntry(
        id=entry_id,
        timestamp_ms=timestamp,
        action=_action(entry.action),
        target_id=target,
        changes=changes,
        dst_actions=dst_actions,
        _as_sent=None if exact and info_exact else _generated_copy(entry, raw),
    )


def _action(value: object) -> Action | str:
    """An ``Action`` member for a documented value (the generated enum's included), else the str."""
    if not isinstance(value, str):
        raise TypeError(f"action must be a string, got {type(value).__name__}")
    return _ACTIONS.get(value) or str(value)


def _info(
    info: CreditHistoryInfo | Unset,
) -> tuple[tuple[UnitChange, ...], tuple[str, ...], bool]:
    """The changes and dst_actions of ``info``, and whether they rebuild it exactly."""
    if isinstance(info, Unset):
        return (), (), True
    credits_, sent_dst_actions = info.credits_, info.dst_actions
    # An "info" with unknown keys, or an empty "info": {}, is not rebuilt from the typed fields.
    exact = not info.additional_properties and not (
        isinstance(credits_, Unset) and isinstance(sent_dst_actions, Unset)
    )
    changes: tuple[UnitChange, ...] = ()
    if not isinstance(credits_, Unset):
        changes, credits_exact = _changes(credits_)
        exact = exact and credits_exact
    dst_actions: tuple[str, ...] = ()
    if not isinstance(sent_dst_actions, Unset):
        if sent_dst_actions:
            dst_actions = tuple(_str(a, "info.dst_actions[]") for a in sent_dst_actions)
        else:
            exact = False  # null or []
    return changes, dst_actions, exact


def _changes(credits_: list[CreditChange]) -> tuple[tuple[UnitChange, ...], bool]:
    """The unit changes, and whether they rebuild ``info.credits`` exactly."""
    exact = bool(credits_)
    changes = []
    for change in credits_:
        unit_id, amount = change.id, change.amount
        if type(unit_id) is not int or type(amount) is not int or change.additional_properties:
            exact = False
            unit_id = _int(unit_id, "info.credits[].id")
            amount = _int(amount, "info.credits[].amount")
        changes.append(UnitChange(unit_id, amount))
    return tuple(changes), exact


def _generated_copy(entry: CreditHistoryEntry, raw: Mapping[str, Any] | None) -> CreditHistoryEntry:
    """The parsed entry, made private to the ``HistoryEntry`` (the caller's dict may change)."""
    if raw is None:
        return entry  # parsed from a response body that nothing else holds
    return CreditHistoryEntry.from_dict(json.loads(json.dumps(dict(raw))))


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
