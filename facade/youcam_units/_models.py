"""The facade's own data types: frozen, hashable, and free of the generator's vocabulary.

The generated attrs models (with their ``UNSET`` sentinel and mutable lists) stop here: each
200 body is parsed by the generated ``CreditHistoryResponse.from_dict`` and converted to these
(by ``_entries``).
The generator reads ``amount_dec`` (a JSON ``number``) through ``response.json()``, as a float, so
amounts are taken from the same body parsed again with ``parse_float=Decimal`` (``_json.loads``):
every amount is an exact ``Decimal``, never a float on the way. When its typed fields cannot
reproduce an entry exactly (``amount_dec``, ``dst_actions`` sent as a string, fields this version
does not know; explicit nulls or empty lists), a ``HistoryEntry`` also holds the entry as sent, so
that ``to_dict()`` returns what the service sent, for export and storage, and
``HistoryEntry.from_dict`` rebuilds an equal entry from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from ._amounts import exact_sum

if TYPE_CHECKING:
    from collections.abc import Mapping
    from decimal import Decimal


__all__ = [
    "Action",
    "HistoryEntry",
    "Page",
    "UnitChange",
    "copy_json",
    "describe_timestamp",
    "new_change",
    "new_entry",
    "timestamp_datetime",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The milliseconds a ``datetime`` can hold: 0001-01-01 to 9999-12-31 (UTC).
MIN_DATETIME_MS: Final = -62_135_596_800_000
MAX_DATETIME_MS: Final = 253_402_300_799_999
KNOWN_KEYS = frozenset({"id", "timestamp", "action", "target_id", "info"})


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
        return exact_sum(change.amount for change in self.changes)

    @property
    def extra(self) -> dict[str, Any]:
        """Top-level fields the service sent that v1.9 does not define (a fresh copy)."""
        return {k: v for k, v in self.to_dict().items() if k not in KNOWN_KEYS}

    def to_dict(self) -> dict[str, Any]:
        """The entry as the service sent it: JSON-ready, ids as ints, timestamp in ms."""
        if self._as_sent is not None:
            # A deep copy, so a caller's edits never reach this frozen entry.
            copied: dict[str, Any] = copy_json(self._as_sent)
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
        from ._entries import entry_from_dict  # noqa: PLC0415 - it builds this class

        return entry_from_dict(data)

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

    @property
    def items(self) -> tuple[HistoryEntry, ...]:
        """The entries, under the name every listing's page shares."""
        return self.entries

    def head(self, count: int) -> Page:
        """The page with only its first ``count`` entries (``max_items`` reached)."""
        return Page(self.entries[:count], self.next_token, self.request_id, self.starting_token)


_NEW: Final = object.__new__
# The slots' own setters: a frozen dataclass's __init__ sets each field through
# object.__setattr__, which looks the slot up again every time and costs four times as much.
(
    _SET_ID,
    _SET_TIMESTAMP_MS,
    _SET_ACTION,
    _SET_TARGET_ID,
    _SET_CHANGES,
    _SET_DST_ACTIONS,
    _SET_AS_SENT,
) = (HistoryEntry.__dict__[f.name].__set__ for f in fields(HistoryEntry))
_SET_UNIT_ID, _SET_AMOUNT = (UnitChange.__dict__[f.name].__set__ for f in fields(UnitChange))


def new_entry(  # noqa: PLR0917 - one per field, in the fields' order
    entry_id: int,
    timestamp_ms: int,
    action: Action | str,
    target_id: str | None,
    changes: tuple[UnitChange, ...],
    dst_actions: tuple[str, ...],
    as_sent: dict[str, Any] | None,
) -> HistoryEntry:
    """``HistoryEntry(...)`` with every field given, at a quarter of the cost (per entry read)."""
    entry: HistoryEntry = _NEW(HistoryEntry)
    _SET_ID(entry, entry_id)
    _SET_TIMESTAMP_MS(entry, timestamp_ms)
    _SET_ACTION(entry, action)
    _SET_TARGET_ID(entry, target_id)
    _SET_CHANGES(entry, changes)
    _SET_DST_ACTIONS(entry, dst_actions)
    _SET_AS_SENT(entry, as_sent)
    return entry


def new_change(unit_id: int, amount: Decimal) -> UnitChange:
    """``UnitChange(unit_id, amount)`` at a quarter of its cost."""
    change: UnitChange = _NEW(UnitChange)
    _SET_UNIT_ID(change, unit_id)
    _SET_AMOUNT(change, amount)
    return change


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


def copy_json(value: Any) -> Any:  # noqa: ANN401 - JSON values
    """A deep copy of parsed JSON (dicts, lists, and immutable leaves such as Decimal)."""
    # Leaves are taken as they are without a call each: to_dict() runs this for every entry
    # kept as sent, and the ledger writes every entry it syncs through to_dict().
    if isinstance(value, dict):
        return {k: copy_json(v) if isinstance(v, _CONTAINERS) else v for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) if isinstance(v, _CONTAINERS) else v for v in value]
    return value


_CONTAINERS: Final = (dict, list)
