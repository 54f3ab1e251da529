"""Amounts with more digits than ``decimal``'s default 28 are stored and totalled exactly.

The bounds (40 digits before the point, 20 after) promise every amount inside them exact, and its
totals too; the ledger's sums once ran in the default context and rounded such amounts.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal
from typing import TYPE_CHECKING, Any

import httpx
import youcam_units as yu
from youcam_units import _json as exact_json
from youcam_units.ledger import daily_spending, ledger_forecast, summarize, sync

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ledger.conftest import AnyLedger

DAY_START_MS = 1_760_054_400_000  # 2025-10-10T00:00:00Z
AMOUNTS = [  # every one inside the bounds, each with more than 28 significant digits
    "-1234567890123456789012345678901234567890.12345678901234567891",
    "-98765432109876543210.00000000000000000003",
    "-0.00000000000000000001",
]
EXACT = Context(prec=200)


def _entry(i: int, amount: str) -> dict[str, Any]:
    credits_ = [
        {"id": 7, "amount_dec": Decimal(amount)},
        {"id": 8, "amount_dec": EXACT.minus(Decimal(amount))},
    ]
    return {
        "id": 100 - i,
        "timestamp": DAY_START_MS + 3_600_000 * (10 - i),  # newest first, one UTC day
        "action": "api_hair_style",
        "info": {"credits": credits_},
    }


@contextmanager
def _client(entries: list[dict[str, Any]]) -> Iterator[yu.Client]:
    def serve(_: httpx.Request) -> httpx.Response:
        body = {"status": 200, "result": {"history": entries, "next_token": None}}
        return httpx.Response(200, content=exact_json.dumps(body))

    with (
        httpx.Client(transport=httpx.MockTransport(serve)) as http,
        yu.Client("token-0123456789", http_client=http, rate_limit=None) as client,
    ):
        yield client


def test_wide_amounts_are_totalled_exactly(ledger: AnyLedger) -> None:
    """Two syncs (the second adds to the day's rollup): every total is the exact sum."""
    served = [_entry(1, AMOUNTS[1]), _entry(2, AMOUNTS[2])]
    with _client(served) as client:
        sync(ledger, client)
    served.insert(0, _entry(0, AMOUNTS[0]))
    with _client(served) as client:
        sync(ledger, client)
    expected = Decimal(0)
    for amount in AMOUNTS:
        expected = EXACT.subtract(expected, Decimal(amount))  # spent counts positive
    assert str(expected) == "1234567890123456789111111111011111111100.12345678901234567895"
    for by in ("action", "day", "month"):
        (row,) = summarize(ledger, by=by)
        assert (row.entries, row.spent, row.granted) == (3, expected, expected)
    now = datetime.fromtimestamp(DAY_START_MS / 1000, UTC) + timedelta(hours=23)
    assert daily_spending(ledger, now, days=1) == [expected]
    assert ledger_forecast(yu.Balance(()), ledger, now=now).rate.spent == expected
