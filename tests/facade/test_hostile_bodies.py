"""Any body a server sends ends in a typed error: hostile JSON through a real HTTP server.

Bodies that once escaped as OverflowError, decimal.Overflow, decimal.InvalidOperation or
RecursionError (an out-of-range expiry, absurd amounts, deep nesting), and bodies of the wrong
shape that once read as data (``results: {}``), for every operation and both clients.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
import stamina
import youcam_units as yu
from facade_support import MODES, TOKEN, Mode
from hostile_server import HostileServer, head
from youcam_units._amounts import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS

pytestmark = pytest.mark.slow  # every test here talks to a real HTTP server

if TYPE_CHECKING:
    import socket
    import threading
    from collections.abc import Callable, Iterator

API_KEY = "sk-Api-Key-0123456789abcdef"
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("YOUCAM_ACCESS_TOKEN", "YOUCAM_API_KEY", "YOUCAM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


def answering(status: str, body: str) -> Callable[[socket.socket, threading.Event], None]:
    """A server behaviour: every request gets ``status`` and ``body`` (JSON)."""
    data = body.encode()

    def behave(conn: socket.socket, stop: threading.Event) -> None:
        del stop
        headers = ("content-type: application/json", f"content-length: {len(data)}")
        conn.sendall(head(status, *headers) + data)

    return behave


def run(mode: Mode, operation: str, status: str, body: str) -> Any:
    """``operation`` on a client of ``mode`` against a server sending ``body``: result or error."""
    with HostileServer(answering(status, body)) as server:
        kwargs: dict[str, Any] = {
            "access_token": TOKEN,
            "api_key": API_KEY,
            "base_url": server.url,
            "rate_limit": None,
            "max_retries": 1,
        }
        if mode == "sync":
            with yu.Client(**kwargs) as client:
                try:
                    return _sync(client, operation)
                except yu.YouCamError as exc:
                    return exc

        async def go() -> Any:
            async with yu.AsyncClient(**kwargs) as client:
                try:
                    return await _async(client, operation)
                except yu.YouCamError as exc:
                    return exc

        return asyncio.run(go())


def _sync(client: yu.Client, operation: str) -> Any:
    if operation == "history":
        return list(client.history(max_items=3))
    if operation == "balance":
        balance = client.balance()
        return balance, balance.total
    return list(client.feature_costs())


async def _async(client: yu.AsyncClient, operation: str) -> Any:
    if operation == "history":
        return [entry async for entry in client.history(max_items=3)]
    if operation == "balance":
        balance = await client.balance()
        return balance, balance.total
    return [cost async for cost in client.feature_costs()]


def bucket(**fields: str) -> str:
    """A balance body with one bucket; ``fields`` are raw JSON values."""
    values = {"id": "1", "type": '"ApiSubsToken"', "amount_dec": "5", **fields}
    inner = ",".join(f'"{name}":{value}' for name, value in values.items())
    return f'{{"status":200,"results":[{{{inner}}}]}}'


def history_with(amount_dec: str) -> str:
    """A history body with one entry whose one change is ``amount_dec`` (raw JSON)."""
    credits_ = f'[{{"id":7,"amount_dec":{amount_dec}}}]'
    item = f'{{"id":1,"timestamp":1703146067000,"action":"x","info":{{"credits":{credits_}}}}}'
    return f'{{"status":200,"result":{{"history":[{item}]}}}}'


HOSTILE_200 = {
    "expiry past datetime": ("balance", bucket(expiry="99999999999999999999")),
    "amount_dec 1e999999999": ("balance", bucket(amount_dec="1e999999999")),
    "amount_dec 1e9999999999999999999": ("balance", bucket(amount_dec="1e9999999999999999999")),
    "amount_dec 1E-999999999": ("balance", bucket(amount_dec="1E-999999999")),
    "deep balance": ("balance", f'{{"status":200,"results":{DEEP}}}'),
    "results an object": ("balance", '{"status":200,"results":{}}'),
    "deep history": ("history", f'{{"status":200,"result":{{"history":{DEEP}}}}}'),
    "history an object": ("history", '{"status":200,"result":{"history":{}}}'),
    "history amount_dec 1e999999999": ("history", history_with("1e999999999")),
    "history amount_dec 1e9999999999999999999": ("history", history_with("1e9999999999999999999")),
    "deep costs": ("costs", f'{{"status":200,"result":{{"skus":{DEEP}}}}}'),
    "skus an object": ("costs", '{"status":200,"result":{"skus":{}}}'),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("operation", "body"), HOSTILE_200.values(), ids=HOSTILE_200.keys())
def test_a_hostile_200_is_a_response_validation_error(
    mode: Mode, operation: str, body: str
) -> None:
    """Never a raw OverflowError, decimal error or RecursionError; never data read as zero."""
    outcome = run(mode, operation, "200 OK", body)
    assert isinstance(outcome, yu.ResponseValidationError), outcome
    assert not outcome.unparsable  # whole JSON: asking again would bring the same
    assert "\n" not in str(outcome)
    assert len(str(outcome)) < 1000


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("operation", ["history", "balance", "costs"])
def test_a_deeply_nested_error_body_is_the_status_error(mode: Mode, operation: str) -> None:
    """A 400 whose body nests past the recursion limit is still InvalidParametersError."""
    outcome = run(mode, operation, "400 Bad Request", f'{{"error":{DEEP}}}')
    assert isinstance(outcome, yu.InvalidParametersError), outcome
    assert outcome.status_code == 400
    assert len(str(outcome)) < 1000


@pytest.mark.parametrize("mode", MODES)
def test_a_36_digit_balance_totals_exactly(mode: Mode) -> None:
    """Amounts within the bounds sum exactly, past the default context's 28 digits."""
    big = "123456789012345678901234567890.123456"
    body = (
        '{"status":200,"results":['
        f'{{"id":1,"type":"ApiSubsToken","amount_dec":{big}}},'
        '{"id":2,"type":"ApiPaygToken","amount_dec":0.000001}]}'
    )
    balance, total = run(mode, "balance", "200 OK", body)
    assert [bucket.amount for bucket in balance.buckets] == [Decimal(big), Decimal("0.000001")]
    assert total == Decimal("123456789012345678901234567890.123457")
    assert str(total) == "123456789012345678901234567890.123457"


@pytest.mark.parametrize(
    ("amount", "accepted"),
    [
        ("9" * MAX_INTEGER_DIGITS, True),
        ("1" + "0" * MAX_INTEGER_DIGITS, False),
        ("0." + "0" * (MAX_FRACTION_DIGITS - 1) + "1", True),
        ("0." + "0" * MAX_FRACTION_DIGITS + "1", False),
        ("-" + "9" * MAX_INTEGER_DIGITS + "." + "9" * MAX_FRACTION_DIGITS, True),
        ("0E-999999999", False),
    ],
)
def test_the_documented_amount_bounds(amount: str, accepted: bool) -> None:  # noqa: FBT001
    """40 digits before the point and 20 after are read; one more either side is refused."""
    body = bucket(amount_dec=amount)
    if accepted:
        assert yu.Balance.from_json(body).total == Decimal(amount)
    else:
        with pytest.raises(ValueError, match="out of range"):
            yu.Balance.from_json(body)


def test_a_history_entry_with_huge_integer_amounts_sums_exactly() -> None:
    """Integer amounts (not bounded like amount_dec) still sum exactly, far past 28 digits."""
    big = 10**200 + 7
    raw = {
        "id": 1,
        "timestamp": 1_703_146_067_000,
        "action": "api_photo_enhance",
        "info": {"credits": [{"id": 1, "amount": big}, {"id": 2, "amount": -1}]},
    }
    assert yu.HistoryEntry.from_dict(raw).amount == Decimal(big - 1)
