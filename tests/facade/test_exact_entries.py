"""Entries exactly as sent: dst_actions' two forms, exact decimal amounts, honest statuses."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx
import pytest
import stamina
import youcam_units as yu
from facade_support import BIG, MODES, Mode, entry, run_page
from youcam_units import _json as exact_json

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

modes = pytest.mark.parametrize("mode", MODES)
SEED_DST_ACTIONS = '[ "hd_wrinkle", "hd_pore" ]'  # the seed's own example: a string of JSON


@pytest.fixture(autouse=True)
def _no_backoff() -> Iterator[None]:
    """Retries happen without sleeping."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


def _serve(body: bytes, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            content=body,
            headers={"content-type": "application/json", "x-request-id": "7"},
        )

    return handler


def _page_body(*entries: str) -> bytes:
    """A 200 page written as raw JSON text, so numbers are exactly as a server writes them."""
    return (
        '{"status": 200, "result": {"next_token": null, "history": [' + ", ".join(entries) + "]}}"
    ).encode()


@modes
def test_dst_actions_as_a_string_reads_as_the_list_and_is_kept_as_sent(mode: Mode) -> None:
    """The string form is read as the same list, and to_dict() keeps the string, not characters."""
    raw = entry(0, action="skin_analysis", info={"dst_actions": SEED_DST_ACTIONS})
    listed = entry(1, action="skin_analysis", info={"dst_actions": ["hd_wrinkle", "hd_pore"]})
    page = run_page(mode, _serve(_page_body(json.dumps(raw), json.dumps(listed))))
    assert isinstance(page, yu.Page)
    as_string, as_list = page.entries
    assert as_string.dst_actions == as_list.dst_actions == ("hd_wrinkle", "hd_pore")
    assert as_string.to_dict() == raw
    assert as_string.to_dict()["info"]["dst_actions"] == SEED_DST_ACTIONS
    assert as_list.to_dict() == listed
    assert "dst_actions=('hd_wrinkle', 'hd_pore')" in repr(as_string)


def test_dst_actions_string_that_holds_no_list_is_refused() -> None:
    """A string that is not a JSON list of strings is a contract violation, not a guess."""
    with pytest.raises(ValueError, match="dst_actions"):
        yu.HistoryEntry.from_dict(entry(0, info={"dst_actions": "hd_wrinkle, hd_pore"}))


@modes
def test_amount_dec_is_read_exactly_never_through_a_float(mode: Mode) -> None:
    """A JSON 10.04 becomes Decimal("10.04"), 0.1 + 0.2 sums exactly, ids stay exact ints."""
    text = (
        f'{{"id": {BIG + 1}, "timestamp": 1703146067000, "action": "api_face_swap", '
        f'"info": {{"credits": [{{"id": {2**53 + 1}, "amount": 10, "amount_dec": 10.04}}, '
        f'{{"id": {2**60 + 3}, "amount": 0, "amount_dec": 0.1}}, '
        f'{{"id": 5, "amount": 0, "amount_dec": 0.2}}]}}}}'
    )
    page = run_page(mode, _serve(_page_body(text)))
    assert isinstance(page, yu.Page)
    (got,) = page.entries
    assert [c.amount for c in got.changes] == [Decimal("10.04"), Decimal("0.1"), Decimal("0.2")]
    assert all(type(c.amount) is Decimal for c in got.changes)
    assert got.amount == Decimal("10.34")
    assert [c.unit_id for c in got.changes] == [2**53 + 1, 2**60 + 3, 5]
    assert got.id == BIG + 1
    # What was sent comes back, and writes back as the same JSON text.
    assert got.to_dict()["info"]["credits"][0]["amount_dec"] == Decimal("10.04")
    assert exact_json.dumps(got.to_dict()) == exact_json.dumps(exact_json.loads(text))
    assert '"amount_dec": 10.04' in exact_json.dumps(got.to_dict())


def test_amount_falls_back_to_the_integer_and_is_a_decimal() -> None:
    """Without amount_dec the deprecated integer amount is used, as a Decimal."""
    got = yu.HistoryEntry.from_dict(entry(0))
    assert got.amount == Decimal(-1)
    assert type(got.amount) is Decimal
    assert got.changes[0].amount == Decimal(-2)


def test_amount_dec_without_amount_parses() -> None:
    """The day the vendor drops the deprecated integer, amount_dec alone still parses."""
    got = yu.HistoryEntry.from_dict(
        entry(0, info={"credits": [{"id": 1, "amount_dec": Decimal("-0.5")}]})
    )
    assert got.amount == Decimal("-0.5")
    with pytest.raises(KeyError):
        yu.HistoryEntry.from_dict(entry(0, info={"credits": [{"id": 1}]}))


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "lots", True])
def test_non_numeric_amount_dec_is_refused(bad: object) -> None:
    """A non-finite or non-numeric amount_dec is an error, never a silent NaN in a total."""
    value = Decimal(bad) if bad in {"NaN", "Infinity"} else bad
    with pytest.raises((TypeError, ValueError)):
        yu.HistoryEntry.from_dict(entry(0, info={"credits": [{"id": 1, "amount_dec": value}]}))


def test_exact_json_round_trips_decimals_and_leaves_lookalike_strings_alone() -> None:
    """Decimals are written as bare numbers; a string that only looks like one is left alone."""
    data = {"a": Decimal("10.04"), "b": [Decimal("-0.10"), Decimal("1E+2")], "s": "10.04"}
    text = exact_json.dumps(data, sort_keys=True)
    assert text == '{"a": 10.04, "b": [-0.10, 1E+2], "s": "10.04"}'
    assert exact_json.loads(text) == data
    with pytest.raises(ValueError, match="not a JSON number"):
        exact_json.dumps(Decimal("NaN"))


@modes
def test_out_of_range_timestamp_is_kept_and_shown_as_milliseconds(mode: Mode) -> None:
    """A valid int64 past year 9999 neither raises nor is lost: the repr shows the raw ms."""
    ms = 7_534_614_186_620_829
    raw = entry(0, timestamp=ms)
    page = run_page(mode, _serve(_page_body(json.dumps(raw))))
    assert isinstance(page, yu.Page)
    (got,) = page.entries
    assert got.timestamp is None
    assert got.timestamp_ms == ms
    assert f"timestamp={ms} ms (beyond the years 1-9999)" in repr(got)
    assert got.to_dict() == raw
    assert yu.HistoryEntry.from_dict(entry(0, timestamp=-(2**63))).timestamp is None


@modes
def test_200_whose_body_status_says_500_is_not_data(mode: Mode) -> None:
    """A body status that contradicts HTTP 200 is a ResponseValidationError, not a page."""
    body = json.dumps(
        {"status": 500, "result": {"next_token": None, "history": [entry(0)]}}
    ).encode()
    result = run_page(mode, _serve(body))
    assert isinstance(result, yu.ResponseValidationError)
    assert "contradicts HTTP 200" in str(result)
    assert result.unparsable is False


@modes
def test_error_body_without_status_keeps_its_code_and_message(mode: Mode) -> None:
    """A 401 whose body lacks status still reports the service's error_code and message."""
    body = json.dumps({"error": "token expired at 08:00", "error_code": "InvalidAccessToken"})
    result = run_page(mode, _serve(body.encode(), status=401))
    assert isinstance(result, yu.AuthenticationError)
    assert result.error_code == "InvalidAccessToken"
    assert result.message == "token expired at 08:00"
