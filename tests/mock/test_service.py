"""The mock's semantics: paging, auth, parameter errors, rate limit, expiry, arrivals, the log."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from typing import Any

import httpx
import pytest
from mock_support import EXACT, FakeClock, client_for, get_page, read_all
from youcam_units.mock import HISTORY_PATH, MockRequest, MockService, RateLimit


def _envelope(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json(**EXACT)
    assert body["status"] == status
    assert body["error_code"] == code
    assert isinstance(body["error"], str)
    assert body["error"]


def test_paging_returns_every_entry_once_in_order() -> None:
    """Following next_token from the first page yields exactly iter_entries(), for any page size."""
    service = MockService(seed=1, entries=95)
    expected = list(service.iter_entries())
    for page_size in (1, 7, 30):
        assert read_all(client_for(service), page_size) == expected


def test_default_page_size_is_20_and_last_page_has_null_next_token() -> None:
    """Without page_size a page has 20 entries; the last page's next_token is null."""
    client = client_for(MockService(seed=1, entries=25))
    first = get_page(client).json(**EXACT)["result"]
    assert len(first["history"]) == 20
    last = get_page(client, starting_token=first["next_token"]).json(**EXACT)["result"]
    assert len(last["history"]) == 5
    assert last["next_token"] is None


@pytest.mark.parametrize(
    ("last_page", "present", "value"), [("absent", False, None), ("empty", True, "")]
)
def test_last_page_marker_is_configurable(
    last_page: Any,
    present: bool,  # noqa: FBT001 - a pytest parameter
    value: str | None,
) -> None:
    """The last page can also omit next_token or send it empty (the spec allows all three)."""
    client = client_for(MockService(entries=3, last_page=last_page))
    result = get_page(client).json(**EXACT)["result"]
    assert ("next_token" in result) is present
    assert result.get("next_token") == value


def test_empty_data_set_has_one_empty_page() -> None:
    """A service with no entries answers an empty history and no next token."""
    result = get_page(client_for(MockService(entries=0))).json(**EXACT)["result"]
    assert result == {"next_token": None, "history": []}


def test_a_million_entries_page_from_any_token() -> None:
    """A 1,000,000-entry service pages deep through tokens and ends at the oldest entry."""
    service = MockService(seed=8, entries=1_000_000)
    client = client_for(service)
    near_end = service.make_next_token(44)  # the page starting 45 entries from the oldest
    first = get_page(client, page_size=30, starting_token=near_end).json(**EXACT)["result"]
    last = get_page(client, page_size=30, starting_token=first["next_token"]).json(
        parse_float=Decimal
    )["result"]
    assert len(first["history"]) == 30
    assert len(last["history"]) == 15
    assert last["next_token"] is None
    assert last["history"][-1] == service.entry(999_999)
    assert first["history"][0] == service.entry(999_955)


@pytest.mark.parametrize(
    "header",
    [None, "demo-token", "Bearer <demo-token>", "Bearer", "Basic ZGVtbw==", "Bearer wrong-token"],
)
def test_missing_malformed_or_unknown_bearer_gets_401(header: str | None) -> None:
    """No header, no 'Bearer ' prefix, angle brackets or an unknown token: 401."""
    client = client_for(MockService(), token=None)
    headers = {} if header is None else {"Authorization": header}
    _envelope(client.get(HISTORY_PATH, headers=headers), 401, "InvalidAccessToken")


def test_authentication_is_checked_before_parameters() -> None:
    """An unauthenticated request with a bad page_size gets 401, not 400."""
    client = client_for(MockService(), token=None)
    _envelope(get_page(client, page_size=0), 401, "InvalidAccessToken")


@pytest.mark.parametrize("page_size", ["0", "31", "-1", "abc", "1.5", "", " 5", "+5", "1e1", "٣"])
def test_page_size_outside_1_to_30_or_not_an_integer_gets_400(page_size: str) -> None:
    """page_size must be a plain integer from 1 to 30, else 400 InvalidParameters."""
    _envelope(get_page(client_for(MockService()), page_size=page_size), 400, "InvalidParameters")


def test_repeated_parameters_get_400() -> None:
    """page_size or starting_token given twice is ambiguous: 400 InvalidParameters."""
    client = client_for(MockService())
    response = client.get(HISTORY_PATH, params=[("page_size", "5"), ("page_size", "6")])
    _envelope(response, 400, "InvalidParameters")


@pytest.mark.parametrize(
    "token", ["abc", "-1", "18014398509481984", "9" * 40, "73a3c9e69b88", "ABCDEF123456", "f" * 31]
)
def test_unknown_or_malformed_starting_token_gets_400(token: str) -> None:
    """A token the service did not issue → 400 InvalidParameters."""
    _envelope(get_page(client_for(MockService()), starting_token=token), 400, "InvalidParameters")


def test_a_token_from_another_seed_is_unknown() -> None:
    """Tokens carry a keyed check: another data set's token is rejected."""
    token = MockService(seed=1).make_next_token(500)
    _envelope(
        get_page(client_for(MockService(seed=2)), starting_token=token), 400, "InvalidParameters"
    )


def test_empty_starting_token_reads_the_first_page() -> None:
    """An empty starting_token (null as a form encodes it) starts at the newest entry."""
    service = MockService()
    result = get_page(client_for(service), starting_token="").json(**EXACT)["result"]
    assert result["history"][0] == service.entry(0)


def test_every_response_carries_a_snowflake_request_id() -> None:
    """200, 400, 401, 404 and 405 responses all carry a distinct x-request-id above 2**53."""
    service = MockService()
    client = client_for(service)
    responses = [
        get_page(client),
        get_page(client, page_size=99),
        client_for(service, token=None).get(HISTORY_PATH),
        client.get("/nowhere"),
        client.post(HISTORY_PATH),
    ]
    assert [r.status_code for r in responses] == [200, 400, 401, 404, 405]
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(value.isdigit() and int(value) > 2**53 for value in ids)
    assert len(set(ids)) == len(ids)
    assert responses[-1].headers["allow"] == "GET"


def test_tokens_stay_valid_after_new_entries_arrive() -> None:
    """A token issued before add_entries still points at the same older entries."""
    service = MockService(seed=6, entries=100)
    client = client_for(service)
    first = get_page(client, page_size=10).json(**EXACT)["result"]
    before = get_page(client, page_size=10, starting_token=first["next_token"]).json(
        parse_float=Decimal
    )["result"]
    service.add_entries(7)
    after = get_page(client, page_size=10, starting_token=first["next_token"]).json(
        parse_float=Decimal
    )["result"]
    assert after == before
    assert service.total == 107


def test_new_entries_arrive_at_the_head() -> None:
    """After add_entries(k) the first page starts with k entries newer than the old newest."""
    service = MockService(seed=6, entries=50)
    client = client_for(service)
    old = read_all(client)
    service.add_entries(4)
    new = read_all(client)
    assert new[4:] == old
    assert all(entry["id"] > old[0]["id"] for entry in new[:4])
    assert new[3]["timestamp"] > old[0]["timestamp"]
    assert list(service.iter_entries()) == new


def test_entries_arrive_over_time() -> None:
    """With arrival_interval, one entry arrives per interval of the (injected) clock."""
    clock = FakeClock()
    service = MockService(entries=10, arrival_interval=60.0, clock=clock)
    assert service.total == 10
    clock.advance(181)
    assert service.total == 13
    assert len(read_all(client_for(service))) == 13


def test_rate_limit_answers_429_without_retry_after_and_recovers() -> None:
    """Past N requests per sliding window: 429 without Retry-After, until the window slides."""
    clock = FakeClock()
    service = MockService(rate_limit=RateLimit(requests=3, window=10.0), clock=clock)
    client = client_for(service)
    for _ in range(3):
        assert get_page(client).status_code == 200
        clock.advance(1)
    limited = get_page(client)
    _envelope(limited, 429, "RateLimitExceeded")
    assert "retry-after" not in limited.headers
    assert "x-request-id" in limited.headers
    clock.advance(7.5)  # the first request is now more than 10 s old
    assert get_page(client).status_code == 200
    assert get_page(client).status_code == 429


def test_rate_limit_is_per_token() -> None:
    """One token's exhausted budget does not limit another token."""
    service = MockService(tokens=("a", "b"), rate_limit=RateLimit(requests=1, window=300.0))
    assert get_page(client_for(service, "a")).status_code == 200
    assert get_page(client_for(service, "a")).status_code == 429
    assert get_page(client_for(service, "b")).status_code == 200


def test_tokens_expire_and_fresh_ones_can_be_issued() -> None:
    """With token_ttl a token gets 401 once expired; issue_token mints a working one."""
    clock = FakeClock()
    service = MockService(token_ttl=60.0, clock=clock)
    assert get_page(client_for(service)).status_code == 200
    clock.advance(60)
    _envelope(get_page(client_for(service)), 401, "InvalidAccessToken")
    fresh = service.issue_token()
    assert get_page(client_for(service, fresh)).status_code == 200
    service.revoke_token(fresh)
    _envelope(get_page(client_for(service, fresh)), 401, "InvalidAccessToken")


def test_request_log_counts_requests_statuses_and_followed_tokens() -> None:
    """The log counts every request, per status, with entries served and tokens followed."""
    service = MockService(entries=45)
    client = client_for(service)
    read_all(client)
    get_page(client, page_size=0)
    log = service.log
    assert log.count == 3
    assert log.by_status == {200: 2, 400: 1}
    assert log.entries_served == 45
    assert [record.followed_token for record in log.records] == [False, True, False]
    assert [record.number for record in log.records] == [1, 2, 3]


def test_a_bounded_log_keeps_recent_records_and_counts_everything() -> None:
    """A server's log keeps only recent records, yet its counts cover every request."""
    service = MockService(entries=300, keep_records=2)
    client = client_for(service)
    read_all(client, page_size=10)  # 30 pages
    get_page(client, page_size=0)
    log = service.log
    assert log.count == 31
    assert log.entries_served == 300
    assert log.by_status == {200: 30, 400: 1}
    assert 2 <= len(log.records) < 4
    assert log.records[-1].number == 31
    assert log.records[-1].status == 400


def test_async_client_works_through_the_same_transport() -> None:
    """httpx.AsyncClient reads the same pages through service.transport()."""
    service = MockService(seed=2, entries=40)

    async def read() -> list[dict[str, Any]]:
        async with httpx.AsyncClient(
            transport=service.transport(),
            base_url="https://mock",
            headers={"Authorization": "Bearer demo-token"},
        ) as client:
            first = (await client.get(HISTORY_PATH, params={"page_size": 30})).json(
                parse_float=Decimal
            )["result"]
            params = {"page_size": 30, "starting_token": first["next_token"]}
            second = (await client.get(HISTORY_PATH, params=params)).json(**EXACT)["result"]
            return [*first["history"], *second["history"]]

    assert asyncio.run(read()) == list(service.iter_entries())


def test_handle_is_the_one_entry_point() -> None:
    """MockService.handle answers a plain MockRequest, as both adapters call it."""
    service = MockService()
    response = service.handle(
        MockRequest("GET", HISTORY_PATH, "page_size=2", {"authorization": "Bearer demo-token"})
    )
    assert response.status == 200
    assert len(response.json()["result"]["history"]) == 2
    assert int(response.request_id) > 2**53


def test_issued_tokens_are_opaque_hex_of_the_vendors_shape() -> None:
    """Every next_token is 12 lowercase hex digits, like the vendor's example 73a3c9e69b89."""
    client = client_for(MockService(entries=200))
    token = None
    seen = []
    while True:
        result = get_page(client, page_size=30, starting_token=token).json(**EXACT)["result"]
        token = result["next_token"]
        if token is None:
            break
        seen.append(token)
    assert len(seen) == 6
    assert all(re.fullmatch(r"[0-9a-f]{12}", value) for value in seen), seen
    assert not any(value.isdigit() for value in seen)


@pytest.mark.parametrize("example", ["73a3c9e69b89", "13045969587275114"])
def test_the_documents_example_tokens_read_the_second_page(example: str) -> None:
    """A request copied from the vendor's pages (their example token) gets page two, not a 400."""
    client = client_for(MockService(entries=100))
    first = get_page(client, page_size=20).json(**EXACT)["result"]
    second = get_page(client, page_size=20, starting_token=first["next_token"]).json(**EXACT)
    copied = get_page(client, page_size=20, starting_token=example)
    assert copied.status_code == 200
    assert copied.json(**EXACT)["result"] == second["result"]
