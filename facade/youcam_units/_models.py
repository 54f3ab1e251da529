"""The facade's own data types: frozen, hashable, and free of the generator's vocabulary.

The generated attrs models (with their ``UNSET`` sentinel and mutable lists) stop here: each
200 body is parsed by the generated ``CreditHistoryResponse.from_dict`` and converted to these.
The generator reads ``amount_dec`` (a JSON ``number``) through ``response.json()``, as a float, so
amounts are taken from the same body parsed again with ``parse_float=Decimal`` (``_json.loads``):
every amount is an exact ``Decimal``, never a float on the way. When its typed fields cannot
reproduce an entry exactly (``amount_dec``, ``dst_actions`` sent as a string, fields this version
does not know; explicit nulls or empty lists), a ``HistoryEntry`` also holds the entry as sent, so
that ``to_dict()`` returns what the service sent, for export and storage, and
``HistoryEntry.from_dict`` rebuilds an equal entry from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from youcam_units_api.models.credit_history_entry import CreditHistoryEntry

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


__all__ = [
    "Action",
    "HistoryEntry",
    "Page",
    "UnitChange",
    "describe_timestamp",
    "entries_from_generated",
    "timestamp_datetime",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The milliseconds a ``datetime`` can hold: 0001-01-01 to 9999-12-31 (UTC).
MIN_DATETIME_MS: Final = -62_135_596_800_000
MAX_DATETIME_MS: Final = 253_402_300_799_999
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
    amount: Decimal
    """Exact: ``amount_dec`` when the service sent it, else the (deprecated) integer ``amount``."""


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
    _as_sent: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def timestamp(self) -> datetime | None:
        """When it happened, as a timezone-aware UTC datetime (exact to the millisecond).

        ``None`` when the service sent a time a ``datetime`` cannot hold (outside the years
        1-9999): ``timestamp_ms`` still holds it exactly.
        """
        return timestamp_datetime(self.timestamp_ms)

    @property
    def amount(self) -> Decimal:
        """The net change across all unit buckets, exact."""
        return sum((change.amount for change in self.changes), Decimal(0))

    @property
    def extra(self) -> dict[str, Any]:
        """Top-level fields the service sent that v1.9 does not define (a fresh copy)."""
        return {k: v for k, v in self.to_dict().items() if k not in _KNOWN_KEYS}

    def to_dict(self) -> dict[str, Any]:
        """The entry as the service sent it: JSON-ready, ids as ints, timestamp in ms."""
        if self._as_sent is not None:
            # A deep copy, so a caller's edits never reach this frozen entry.
            copied: dict[str, Any] = _copy(self._as_sent)
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
            # Only entries sent as plain integer amounts are rebuilt here (others keep _as_sent).
            info["credits"] = [{"id": c.unit_id, "amount": int(c.amount)} for c in self.changes]
        if self.dst_actions:
            info["dst_actions"] = list(self.dst_actions)
        if info:
            data["info"] = info
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoryEntry:
        """Parse one entry in the service's shape (or ``to_dict()``'s) via the generated model.

        Fractional amounts are best passed as ``Decimal`` (``json.loads(text,
        parse_float=Decimal)``); a float is read through its shortest repr, which is the JSON text
        it came from for any amount of up to 15 digits. Raises ``ValueError``, ``KeyError`` or
        ``TypeError`` when the shape is wrong.
        """
        CreditHistoryEntry.from_dict(data)  # the generated model checks the documented shape
        return _from_raw(data, private=False)

    def __repr__(self) -> str:
        parts = [
            f"id={self.id}",
            f"timestamp={describe_timestamp(self.timestamp_ms)}",
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


def timestamp_datetime(timestamp_ms: int) -> datetime | None:
    """The UTC datetime of a timestamp in ms, or ``None`` outside the years 1-9999."""
    if not MIN_DATETIME_MS <= timestamp_ms <= MAX_DATETIME_MS:
        return None
    return _EPOCH + timedelta(milliseconds=timestamp_ms)


def describe_timestamp(timestamp_ms: int) -> str:
    """ISO 8601 UTC to the millisecond; the raw ms, saying so, when no date can show it."""
    when = timestamp_datetime(timestamp_ms)
    if when is None:
        return f"{timestamp_ms} ms (beyond the years 1-9999)"
    return when.isoformat(timespec="milliseconds")


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
    return tuple(_from_raw(entry, private=True) for entry in raw)


_MISSING: Final = object()
_INFO_KEYS: Final = frozenset({"credits", "dst_actions"})
_SMALL_INTS: Final = {i: Decimal(i) for i in range(-1_000, 1_001)}


def _from_raw(raw: Mapping[str, Any], *, private: bool) -> HistoryEntry:
    """Convert one entry, noting on the way whether its typed fields rebuild it.

    They rebuild it exactly when nothing was sent beyond them, every id and amount is an int
    (no ``amount_dec``), ``dst_actions`` is a list, and no optional field was sent as null or as
    an empty list or object (``to_dict()`` would leave those out). Otherwise the entry as sent is
    kept for ``to_dict()``: ``raw`` itself when ``private`` (a page parsed here), else a copy.
    One pass: this runs for every entry read, and its cost is most of what the facade adds.
    """
    exact = raw.keys() <= _KNOWN_KEYS
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
        as_sent = raw if private and type(raw) is dict else _copy(dict(raw))
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
        if type(sent) is Decimal and sent.is_finite():
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
    return result


def _copy(value: Any) -> Any:  # noqa: ANN401 - JSON values
    """A deep copy of parsed JSON (dicts, lists, and immutable leaves such as Decimal)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


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
