"""The history's types and their one reader: frozen, hashable, exact, and nothing lost.

``Page.from_dict`` reads a ``getCreditHistory`` 200 body parsed with ``parse_float=Decimal``
(``_json.loads``), and ``HistoryEntry.from_dict`` one entry of it, in one plain pass each: every
amount is an exact ``Decimal``, ids beyond 2**53 stay exact ints, ``dst_actions`` is read in both
of its forms, an action this version does not know stays a ``str``. Each entry keeps the mapping
as sent, so ``to_dict()`` gives back exactly what the service sent (key order, nulls, fields this
version does not know), for export and storage. A wrong shape raises ``KeyError``,
``TypeError`` or ``ValueError`` naming the field; the client makes it a
``ResponseValidationError``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, cast

from ._amounts import exact_sum, read_amount
from ._json import copy_json, copy_object, loads, page_of, read_int, read_str

if TYPE_CHECKING:
    from collections.abc import Mapping


__all__ = [
    "DAY_MS",
    "EPOCH",
    "Action",
    "HistoryEntry",
    "Page",
    "UnitChange",
    "describe_timestamp",
    "timestamp_datetime",
]

#: The Unix epoch, in UTC: every time the service sends is milliseconds since it.
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
#: A UTC day in those milliseconds (the ledger's days count from ``EPOCH``).
DAY_MS: Final = 86_400_000
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
    EXPIRE = "expire"  # units lost, not spent: every total and the forecast keep them apart

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

    Equality and hashing use the typed fields below; the entry as sent (kept for ``to_dict()``
    and ``extra``) takes no part, as the service's ``id`` already identifies an entry. An entry
    sent without ``action`` has the action ``""``, an unknown action like any other string.
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
        """When it happened, in UTC to the ms; ``None`` past the years 1-9999 (see timestamp_ms)."""
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
        """The entry as the service sent it (a deep copy); an entry built in code, in its shape."""
        if self._as_sent is not None:
            return cast("dict[str, Any]", copy_json(self._as_sent))
        data: dict[str, Any] = {
            "id": self.id,
            "timestamp": self.timestamp_ms,
            "action": str(self.action),
        }
        if self.target_id is not None:
            data["target_id"] = self.target_id
        info: dict[str, Any] = {}
        if self.changes:
            info["credits"] = [
                {"id": c.unit_id, "amount_dec": c.amount}
                if c.amount % 1
                else {"id": c.unit_id, "amount": int(c.amount)}
                for c in self.changes
            ]
        if self.dst_actions:
            info["dst_actions"] = list(self.dst_actions)
        if info:
            data["info"] = info
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoryEntry:
        """Parse one entry in the service's shape (or ``to_dict()``'s); ``data`` is copied.

        Amounts are best passed as ``Decimal`` (``parse_exact``); a float is read through its
        shortest repr. A wrong shape raises ``ValueError``, ``KeyError`` or ``TypeError``.
        """
        return _entry(copy_object(data, "a history entry"))

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

    @classmethod
    def from_dict(
        cls,
        body: Mapping[str, Any],
        *,
        request_id: str | None = None,
        starting_token: str | None = None,
    ) -> Page:
        """Read a ``getCreditHistory`` 200 body parsed by ``parse_exact`` (copied).

        ``request_id`` (``x-request-id``) and ``starting_token`` are the request's. A ``result``
        without ``history`` is an empty page; codegen/README.md says what else may be absent.
        """
        history, token = page_of(body, "history")
        entries = tuple(HistoryEntry.from_dict(raw) for raw in history)
        return cls(entries, token, request_id, starting_token)

    @classmethod
    def from_json(cls, content: bytes | str) -> Page:
        """Read a ``getCreditHistory`` 200 body from its bytes."""
        return cls.from_dict(loads(content))


def timestamp_datetime(timestamp_ms: int) -> datetime | None:
    """The UTC datetime of a timestamp in ms, or ``None`` outside the years 1-9999."""
    if not MIN_DATETIME_MS <= timestamp_ms <= MAX_DATETIME_MS:
        return None
    return EPOCH + timedelta(milliseconds=timestamp_ms)


def describe_timestamp(timestamp_ms: int) -> str:
    """ISO 8601 UTC to the millisecond; the raw ms, saying so, when no date can show it."""
    when = timestamp_datetime(timestamp_ms)
    if when is None:
        return f"{timestamp_ms} ms (beyond the years 1-9999)"
    return when.isoformat(timespec="milliseconds")


_ACTIONS: Final = {action.value: action for action in Action}


def _entry(raw: dict[str, Any]) -> HistoryEntry:
    """One entry, from a mapping it keeps as sent (``raw`` must belong to nothing else)."""
    for required in ("id", "timestamp"):
        if required not in raw:
            # The ledger keys entries by id and orders them by time: refused, not half-read.
            raise KeyError(f"a history entry has no {required!r}: it cannot be stored exactly once")
    action = read_str(raw.get("action", ""), "action")
    target = raw.get("target_id")
    info = raw.get("info", {})
    if not isinstance(info, dict):
        raise TypeError(f"info must be an object, got {type(info).__name__}")
    return HistoryEntry(
        id=read_int(raw["id"], "id", digits=True),
        timestamp_ms=read_int(raw["timestamp"], "timestamp", digits=True),
        action=_ACTIONS.get(action) or action,
        target_id=None if target is None else read_str(target, "target_id"),
        changes=_changes(info.get("credits", [])),
        dst_actions=_dst_actions(info.get("dst_actions")),
        _as_sent=raw,
    )


def _changes(credits_: object) -> tuple[UnitChange, ...]:
    """``info.credits``: each bucket's change, its amount ``amount_dec`` when sent."""
    if not isinstance(credits_, list):
        raise TypeError(f"info.credits must be a list, got {type(credits_).__name__}")
    changes = []
    for change in credits_:
        if not isinstance(change, dict):
            raise TypeError("info.credits[] must be an object")
        if "amount_dec" in change:
            amount = read_amount(change["amount_dec"], "info.credits[].amount_dec")
        elif "amount" in change:
            amount = Decimal(read_int(change["amount"], "info.credits[].amount", digits=True))
        else:
            raise KeyError("info.credits[] has neither amount_dec nor amount")
        changes.append(UnitChange(read_int(change["id"], "info.credits[].id", digits=True), amount))
    return tuple(changes)


def _dst_actions(sent: object) -> tuple[str, ...]:
    """``info.dst_actions``: a list of strings, or (the vendor's example) one as JSON text."""
    if isinstance(sent, str):
        try:
            sent = json.loads(sent)
        except ValueError:
            sent = None
        if not isinstance(sent, list) or not all(isinstance(a, str) for a in sent):
            raise ValueError("info.dst_actions must be a list of strings, or one as JSON text")
    if not sent:  # absent, null or empty
        return ()
    if not isinstance(sent, list):
        raise TypeError("info.dst_actions must be a list of strings or a string")
    return tuple(read_str(a, "info.dst_actions[]") for a in sent)
