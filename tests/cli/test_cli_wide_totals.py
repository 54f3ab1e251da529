"""Totals the CLI adds itself (summary's total row) stay exact past 28 significant digits.

The ledger's own sums are exact (``tests/ledger/test_ledger_wide_amounts.py``); the total row of
``summary`` was added in the default decimal context and lost the lower digits of such amounts.
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import TYPE_CHECKING, Any

import httpx
import youcam_units as yu
from youcam_units import _json as exact_json
from youcam_units.ledger import open_ledger, sync

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from cli.conftest import Invoke

DAY_START_MS = 1_760_054_400_000  # 2025-10-10T00:00:00Z
WIDE = (  # spent by two actions, each with more than 28 significant digits
    ("api_hair_style", "1234567890123456789012345678901234567890.12345678901234567891"),
    ("photo_enhance", "98765432109876543210.00000000000000000003"),
)
EXACT = Context(prec=200)


def _entries() -> list[dict[str, Any]]:
    return [
        {
            "id": 10 - i,
            "timestamp": DAY_START_MS + 3_600_000 * (5 - i),
            "action": action,
            "info": {"credits": [{"id": 7, "amount_dec": EXACT.minus(Decimal(spent))}]},
        }
        for i, (action, spent) in enumerate(WIDE)
    ]


def _ledger(path: Path) -> None:
    def serve(_: httpx.Request) -> httpx.Response:
        body = {"status": 200, "result": {"history": _entries(), "next_token": None}}
        return httpx.Response(200, content=exact_json.dumps(body))

    with (
        httpx.Client(transport=httpx.MockTransport(serve)) as http,
        yu.Client("token-0123456789", http_client=http, rate_limit=None) as client,
        open_ledger(path) as ledger,
    ):
        sync(ledger, client)


def test_the_summary_total_row_is_the_exact_sum(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The total of two 40-digit amounts, to the cent, every digit as the exact sum has it."""
    path = tmp_path / "wide.sqlite3"
    _ledger(path)
    monkeypatch.setenv("COLUMNS", "200")
    run = invoke("summary", "--db", str(path))
    assert run.exit_code == 0, run.stderr
    total = EXACT.quantize(EXACT.add(Decimal(WIDE[0][1]), Decimal(WIDE[1][1])), Decimal("0.01"))
    (line,) = [line for line in run.stdout.splitlines() if line.startswith("total")]
    assert f"{total:,}" in line, run.stdout
