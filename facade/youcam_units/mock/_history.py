"""The history operation's own semantics: its page tokens and one page of the data set.

Tokens are opaque lowercase hex of the vendor's shape (its example is ``73a3c9e69b89``): the
position of the next page's first entry (counted from the oldest entry), masked, above a 24-bit
keyed check, so they stay valid as new entries arrive at the head, tell a client nothing it could
count on, and a token this service did not issue is refused. The documents' own example tokens
(:data:`EXAMPLE_TOKENS`) are accepted too, naming the second page, so a request copied from the
vendor's pages works here.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any, Final, Literal

from youcam_units.mock._data import make_entry
from youcam_units.mock._wire import Served, page_request

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "EXAMPLE_TOKENS",
    "HISTORY_PATH",
    "MAX_PAGE_SIZE",
    "LastPage",
    "PageTokens",
    "history_page",
]

HISTORY_PATH: Final = "/s2s/v1.0/client/credit/history"
MAX_PAGE_SIZE: Final = 30
DEFAULT_PAGE_SIZE: Final = 20
_POSITION_HEX: Final = 6
"""Hex digits of the masked position: 12-character tokens up to 16,777,216 entries."""
_HEX: Final = re.compile(r"[0-9a-f]{12,30}")
#: The example tokens of the vendor's documents: the seed's (v1.9) and the newer page's.
EXAMPLE_TOKENS: Final = frozenset({"13045969587275114", "73a3c9e69b89"})

LastPage = Literal["null", "absent", "empty"]


class PageTokens:
    """Issues and checks the opaque ``next_token`` values of one data set (keyed by its seed)."""

    def __init__(self, seed: int) -> None:
        self._key = hashlib.sha256(f"youcam-units-mock:{seed}".encode()).digest()

    def make(self, position: int) -> str:
        """The token of the page whose first entry is at ``position`` (0 = oldest)."""
        masked = position ^ self._mask
        return f"{masked:0{_POSITION_HEX}x}{self._tag(position):06x}"

    def read(self, token: str, total: int, *, page_size: int) -> int | None:
        """The position a token points at, or None when this service did not issue it."""
        if token in EXAMPLE_TOKENS:  # the second page, as a reader of the documents expects
            position = total - 1 - page_size
            return position if position >= 0 else None
        if not _HEX.fullmatch(token):
            return None
        position = int(token[:-6], 16) ^ self._mask
        if position >= total or self.make(position) != token:
            return None
        return position

    @property
    def _mask(self) -> int:
        return int.from_bytes(self._key[:3])

    def _tag(self, position: int) -> int:
        return int.from_bytes(
            hmac.new(self._key, str(position).encode(), hashlib.sha256).digest()[:3]
        )


def history_page(
    *,
    seed: int,
    base_count: int,
    total: int,
    last_page: LastPage,
    tokens: PageTokens,
    params: dict[str, list[str]],
) -> Served:
    """One page of the history, or the 400 its parameters get."""
    asked = page_request(
        params,
        default_size=DEFAULT_PAGE_SIZE,
        max_size=MAX_PAGE_SIZE,
        read_token=lambda token, page_size: tokens.read(token, total, page_size=page_size),
    )
    if isinstance(asked, Served):
        return asked
    page_size, position = asked
    start = total - 1 if position is None else position
    stop = max(start - page_size, -1)
    history = [make_entry(seed, p, base_count) for p in range(start, stop, -1)]
    result: dict[str, Any] = {}
    if stop >= 0:
        result["next_token"] = tokens.make(stop)
    elif last_page == "null":
        result["next_token"] = None
    elif last_page == "empty":
        result["next_token"] = ""
    result["history"] = history
    payload = {"status": 200, "result": result}
    return Served(200, payload, items=len(history), followed=position is not None)
