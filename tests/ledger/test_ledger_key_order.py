"""The ledger keeps each entry exactly as sent, down to the order of the keys in every object."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
from youcam_units import Client
from youcam_units import _json as exact_json
from youcam_units.ledger import Ledger, sync
from youcam_units.mock import DEFAULT_TOKEN

if TYPE_CHECKING:
    from pathlib import Path

# Kept as sent (fractional amounts, a field beyond the spec), keys in no canonical order.
SENT: list[dict[str, Any]] = [
    {
        "timestamp": 1_703_146_067_000,
        "id": 12,
        "info": {
            "dst_actions": ["hd_wrinkle"],
            "credits": [
                {"amount_dec": Decimal("-0.70"), "id": 7, "amount": -1},
                {"amount": -2, "amount_dec": Decimal("-1.90"), "id": 5},
            ],
        },
        "action": "skin_analysis",
        "zone": "b",
        "target_id": "task-12",
    },
    {
        "action": "sign_up_gift",
        "id": 11,
        "timestamp": 1_703_000_000_000,
        "info": {"credits": [{"id": 5, "amount_dec": Decimal("10.04"), "amount": 10}]},
    },
]


def _serve(_: httpx.Request) -> httpx.Response:
    body = {"status": 200, "result": {"next_token": None, "history": SENT}}
    return httpx.Response(
        200,
        content=exact_json.dumps(body).encode(),
        headers={"content-type": "application/json", "x-request-id": "1"},
    )


def test_a_synced_entry_keeps_its_keys_in_the_order_sent(tmp_path: Path) -> None:
    """Stored and read back, each entry's JSON is the text it was sent as, byte for byte."""
    client = Client(
        DEFAULT_TOKEN,
        base_url="http://127.0.0.1",
        http_client=httpx.Client(transport=httpx.MockTransport(_serve)),
        rate_limit=None,
        max_retries=0,
    )
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        sync(ledger, client)
        stored = [exact_json.dumps(raw) for raw in ledger.raw_entries()]
        exported = [exact_json.dumps(entry.to_dict()) for entry in ledger.entries()]
    assert stored == exported == [exact_json.dumps(entry) for entry in SENT]
