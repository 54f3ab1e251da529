"""Client and AsyncClient against stateful MockTransport handlers: pages, errors, retries."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx
import pytest
import stamina
import youcam_units as yu
from facade_support import (
    BIG,
    MODES,
    TOKEN,
    TOKEN_BASE,
    FakeService,
    Mode,
    client_kwargs,
    entry,
    error_response,
    run_history,
    run_page,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

modes = pytest.mark.parametrize("mode", MODES)


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Retries happen without sleeping, and the environment cannot leak into a test."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("YOUCAM_BASE_URL", raising=False)
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


# -- pagination ----------------------------------------------------------------------------


@modes
@pytest.mark.parametrize("marker", ["null", "absent", "empty"])
def test_last_page_marked_by_null_absent_or_empty_token(mode: Mode, marker: str) -> None:
    """A null, absent or empty next_token all end iteration after the last page."""
    service = FakeService(65, last_marker=marker)  # type: ignore[arg-type] # parametrised literal
    out = run_history(mode, service)
    assert out.error is None
    assert [e.id for e in out.entries] == [BIG + i for i in range(65)]
    assert service.page_sizes() == [30, 30, 30]
    assert out.exhausted
    assert out.next_token is None


@modes
def test_reading_n_entries_costs_ceil_n_over_30_requests(mode: Mode) -> None:
    """Iteration defaults to page_size 30, so 90 entries take 3 requests plus none more."""
    service = FakeService(90)
    out = run_history(mode, service)
    assert len(out.entries) == 90
    assert service.page_sizes() == [30, 30, 30]


@modes
def test_pager_is_lazy(mode: Mode) -> None:
    """Creating the pager makes no request; only iterating does."""
    service = FakeService(5)
    kwargs = client_kwargs()
    if mode == "sync":
        with yu.Client(
            http_client=httpx.Client(transport=httpx.MockTransport(service)), **kwargs
        ) as c:
            c.history()
    else:

        async def go() -> None:
            http = httpx.AsyncClient(transport=httpx.MockTransport(service))
            async with yu.AsyncClient(http_client=http, **kwargs) as c:
                c.history()
            await http.aclose()

        asyncio.run(go())
    assert service.requests == []


@modes
def test_repeated_token_raises_pagination_error(mode: Mode) -> None:
    """A next_token the service already gave raises PaginationError instead of looping."""
    service = FakeService(100, repeat_token=str(TOKEN_BASE + 30))
    out = run_history(mode, service)
    assert isinstance(out.error, yu.PaginationError)
    assert out.error.repeated_token == str(TOKEN_BASE + 30)
    assert out.error.continuation_token == str(TOKEN_BASE + 30)
    assert out.error.request_id is not None
    assert len(service.requests) == 2
    assert len(out.entries) == 30


@modes
def test_token_equal_to_starting_token_is_a_repeat(mode: Mode) -> None:
    """A page that points back at its own starting token is caught on the first request."""
    start = str(TOKEN_BASE + 30)
    service = FakeService(100, repeat_token=start)
    out = run_history(mode, service, starting_token=start)
    assert isinstance(out.error, yu.PaginationError)
    assert out.error.continuation_token == start
    assert out.entries == []


@modes
def test_max_items_shrinks_the_last_request(mode: Mode) -> None:
    """max_items=65 requests 30, 30 and then only 5."""
    service = FakeService(200)
    out = run_history(mode, service, max_items=65)
    assert len(out.entries) == 65
    assert service.page_sizes() == [30, 30, 5]
    assert out.exhausted
    assert out.next_token == str(TOKEN_BASE + 65)


@modes
def test_max_items_zero_makes_no_request(mode: Mode) -> None:
    """max_items=0 yields nothing and asks nothing."""
    service = FakeService(10)
    out = run_history(mode, service, max_items=0)
    assert out.entries == []
    assert service.requests == []


@modes
def test_max_items_trims_an_oversized_page(mode: Mode) -> None:
    """A service that sends more than asked is trimmed to max_items, and resume repeats it."""
    service = FakeService(50)

    def generous(request: httpx.Request) -> httpx.Response:
        url = request.url.copy_set_param("page_size", "30")
        return service(httpx.Request(request.method, url, headers=request.headers))

    out = run_history(mode, generous, max_items=7, page_size=7)
    assert len(out.entries) == 7
    assert out.next_token is None  # the cut page is re-read on resume: nothing is skipped


@modes
def test_resume_from_next_token_loses_and_repeats_nothing(mode: Mode) -> None:
    """Stopping after a page and resuming from pager.next_token reads every entry exactly once."""
    service = FakeService(100)
    first = run_history(mode, service, page_size=25, max_items=50)
    assert first.next_token == str(TOKEN_BASE + 50)
    rest = run_history(mode, service, page_size=25, starting_token=first.next_token)
    ids = [e.id for e in first.entries + rest.entries]
    assert ids == [BIG + i for i in range(100)]


@modes
def test_checkpoint_stays_at_page_start_mid_page(mode: Mode) -> None:
    """Breaking mid-page leaves next_token at that page's start, so a resume skips nothing."""
    service = FakeService(100)
    first = run_history(mode, service, page_size=10, stop_after=15)
    assert first.next_token == str(TOKEN_BASE + 10)
    rest = run_history(mode, service, page_size=10, starting_token=first.next_token)
    assert {e.id for e in first.entries + rest.entries} == {BIG + i for i in range(100)}
    assert first.entries[10:] == rest.entries[:5]


@modes
def test_checkpoint_moves_with_the_last_entry_of_a_page(mode: Mode) -> None:
    """Breaking right after a page's last entry leaves next_token at the next page."""
    service = FakeService(100)
    first = run_history(mode, service, page_size=10, stop_after=20)
    assert first.next_token == str(TOKEN_BASE + 20)


@modes
def test_pages_carry_entries_token_and_request_id(mode: Mode) -> None:
    """pages() yields Page objects with entries, next_token and the x-request-id."""
    service = FakeService(35)
    out = run_history(mode, service, via="pages")
    assert [len(p.entries) for p in out.pages] == [30, 5]
    assert out.pages[0].next_token == str(TOKEN_BASE + 30)
    assert out.pages[0].has_more
    assert out.pages[1].next_token is None
    assert out.pages[0].request_id is not None
    assert out.pages[0].request_id != out.pages[1].request_id


@modes
def test_history_page_makes_exactly_one_request(mode: Mode) -> None:
    """history_page defaults to history()'s page size, 30 (issue 20 item 17), in one request."""
    service = FakeService(100)
    page = run_page(mode, service)
    assert isinstance(page, yu.Page)
    assert len(page.entries) == 30
    assert page.next_token == str(TOKEN_BASE + 30)
    assert service.page_sizes() == [30]
    assert service.tokens() == [None]


@modes
def test_ids_beyond_2_53_are_exact(mode: Mode) -> None:
    """Snowflake ids, unit ids and tokens beyond 2**53 come through exact, never via float."""
    service = FakeService(3)
    out = run_history(mode, service)
    first = out.entries[0]
    assert first.id == BIG
    assert isinstance(first.id, int)
    assert first.changes[0] == yu.UnitChange(BIG + 1000, Decimal(-2))
    assert first.to_dict()["id"] == BIG


@modes
def test_numeric_next_token_is_kept_exact(mode: Mode) -> None:
    """A next_token sent as a JSON number beyond 2**53 becomes the exact decimal string."""
    big_token = 2**62 + 7
    calls: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.params.get("starting_token"))
        token = big_token if len(calls) == 1 else None
        result = {"history": [entry(len(calls))], "next_token": token}
        return httpx.Response(200, json={"status": 200, "result": result})

    out = run_history(mode, handler)
    assert len(out.entries) == 2
    assert calls == [None, str(big_token)]


@modes
def test_unknown_action_extra_fields_and_missing_optionals_parse(mode: Mode) -> None:
    """New actions, extra fields and missing optional fields never break parsing."""
    entries = [
        entry(0, action="skin_analysis", info={"dst_actions": ["hd_wrinkle"], "x": 1}, new=[1]),
        {"id": BIG + 1, "timestamp": 1_703_146_067_000, "action": "wig"},
        entry(2, info={"credits": [{"id": 5, "amount": -3, "amount_dec": "-3.0"}]}),
    ]
    out = run_history(mode, FakeService(entries=entries))
    assert out.error is None
    skin, wig, dec = out.entries
    assert skin.action == "skin_analysis"
    assert not isinstance(skin.action, yu.Action)
    assert skin.dst_actions == ("hd_wrinkle",)
    assert skin.extra == {"new": [1]}
    assert skin.to_dict()["info"]["x"] == 1
    assert wig.action is yu.Action.WIG
    assert wig.target_id is None
    assert wig.changes == ()
    assert wig.amount == 0
    assert dec.to_dict()["info"]["credits"][0]["amount_dec"] == "-3.0"


# -- errors --------------------------------------------------------------------------------


@modes
@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_each_retryable_status_then_success(mode: Mode, status: int) -> None:
    """429, 500, 502, 503 and 504 are retried and the read then completes."""
    service = FakeService(40)
    service.fail(str(TOKEN_BASE + 30), error_response(status, "Oops"))
    out = run_history(mode, service)
    assert out.error is None
    assert len(out.entries) == 40
    assert service.tokens() == [None, str(TOKEN_BASE + 30), str(TOKEN_BASE + 30)]


@modes
@pytest.mark.parametrize(
    "failure", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError]
)
def test_connection_errors_and_timeouts_are_retried(
    mode: Mode, failure: type[httpx.TransportError]
) -> None:
    """Connection failures and timeouts are retried and the read then completes."""
    service = FakeService(10)
    service.fail(None, failure("failed"))
    out = run_history(mode, service)
    assert out.error is None
    assert len(out.entries) == 10
    assert len(service.requests) == 2


@modes
def test_retries_exhausted_carry_continuation_token_and_request_id(mode: Mode) -> None:
    """After max_retries the last error surfaces with the failing page's token and request id."""
    service = FakeService(100)
    failing = str(TOKEN_BASE + 30)
    service.fail(failing, *[error_response(503, "Busy", "try later") for _ in range(4)])
    out = run_history(mode, service, client={"max_retries": 3})
    error = out.error
    assert isinstance(error, yu.ServerError)
    assert error.status_code == 503
    assert error.continuation_token == failing
    assert error.request_id == service.request_id
    assert error.error_code == "Busy"
    assert error.message == "try later"
    assert len(service.requests) == 1 + 4
    assert len(out.entries) == 30
    assert out.next_token == failing


@modes
def test_timeouts_exhausted_raise_api_timeout_error(mode: Mode) -> None:
    """Timeouts past max_retries raise APITimeoutError, an APIConnectionError, with the token."""
    service = FakeService(10)
    service.fail(None, *[httpx.ReadTimeout("slow") for _ in range(3)])
    out = run_history(mode, service, client={"max_retries": 2})
    assert isinstance(out.error, yu.APITimeoutError)
    assert isinstance(out.error, yu.APIConnectionError)
    assert out.error.continuation_token is None
    assert len(service.requests) == 3


@modes
def test_rate_limit_exhausted_raises_rate_limit_error(mode: Mode) -> None:
    """Persistent 429s end in RateLimitError, status 429."""
    service = FakeService(10)
    service.fail(None, *[error_response(429, "RateLimited") for _ in range(2)])
    out = run_history(mode, service, client={"max_retries": 1})
    assert isinstance(out.error, yu.RateLimitError)
    assert out.error.status_code == 429


@modes
@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "InvalidParameters", yu.InvalidParametersError),
        (400, "BadRequest", yu.InvalidParametersError),
        (400, "CreditInsufficiency", yu.InvalidParametersError),
        (401, "InvalidAccessToken", yu.AuthenticationError),
        (401, "InvalidApiKey", yu.AuthenticationError),
    ],
)
def test_400_and_401_are_not_retried(
    mode: Mode, status: int, code: str, cls: type[yu.APIStatusError]
) -> None:
    """400 and 401 (with any error_code) raise their typed error after a single request."""
    service = FakeService(10)
    service.fail(None, error_response(status, code, "no"), *[error_response(200) for _ in range(3)])
    out = run_history(mode, service)
    assert type(out.error) is cls
    assert out.error.status_code == status
    assert out.error.error_code == code
    assert out.error.continuation_token is None
    assert len(service.requests) == 1


@modes
def test_other_status_is_a_plain_api_status_error(mode: Mode) -> None:
    """An undocumented 404 becomes an APIStatusError, not retried."""
    service = FakeService(10)
    service.fail(None, httpx.Response(404, text="not here"))
    result = run_page(mode, service)
    assert type(result) is yu.APIStatusError
    assert result.status_code == 404
    assert result.body == "not here"
    assert len(service.requests) == 1


@modes
def test_html_502_is_a_server_error_and_retried(mode: Mode) -> None:
    """A gateway's HTML 502 is a ServerError (retried), not a parse failure."""
    service = FakeService(3)
    service.fail(None, httpx.Response(502, html="<html>Bad Gateway</html>"))
    out = run_history(mode, service)
    assert out.error is None
    assert len(out.entries) == 3


@modes
@pytest.mark.parametrize(
    "body",
    [
        {"status": 200},
        {"status": 200, "result": {"history": [{"id": 1}]}},
        {"status": 200, "result": {"history": [entry(0, id=1.5)]}},
        {"status": 200, "result": None},
        [1, 2],
    ],
    ids=["no-result", "missing-fields", "float-id", "null-result", "list"],
)
def test_malformed_200_raises_response_validation_error(mode: Mode, body: object) -> None:
    """A 200 of JSON in the wrong shape raises ResponseValidationError, unretried."""
    service = FakeService(3)
    service.fail(None, httpx.Response(200, json=body))
    result = run_page(mode, service)
    assert isinstance(result, yu.ResponseValidationError)
    assert result.status_code == 200
    assert result.unparsable is False
    assert result.request_id == service.request_id
    assert result.continuation_token is None
    assert len(service.requests) == 1


@modes
@pytest.mark.parametrize(
    "body",
    [b'{"status": 200, "result": {"next_token": "1", "hist', b"<html>maintenance</html>"],
    ids=["truncated-json", "html"],
)
def test_non_json_200_is_retried_then_succeeds(mode: Mode, body: bytes) -> None:
    """A 200 cut off in transit (or a proxy's HTML page) is retried, and the page arrives."""
    service = FakeService(3)
    service.fail(None, httpx.Response(200, content=body))
    result = run_page(mode, service)
    assert isinstance(result, yu.Page)
    assert len(result.entries) == 3
    assert len(service.requests) == 2


@modes
def test_non_json_200_past_the_retries_is_unparsable(mode: Mode) -> None:
    """When every answer is cut off, the error says so and carries the continuation token."""
    service = FakeService(3)
    service.fail(None, *[httpx.Response(200, content=b'{"status": 2') for _ in range(10)])
    result = run_page(mode, service, client={"max_retries": 2})
    assert isinstance(result, yu.ResponseValidationError)
    assert result.unparsable is True
    assert result.continuation_token is None
    assert len(service.requests) == 3


# -- token refresh --------------------------------------------------------------------------


@modes
def test_callable_token_is_refreshed_once_after_401(mode: Mode) -> None:
    """A callable token is asked again after a 401 InvalidAccessToken and the request repeated."""
    tokens = iter(["expired-token", "fresh-token"])
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        if request.headers["authorization"] != "Bearer fresh-token":
            return error_response(401, "InvalidAccessToken")
        return FakeService(3)(request)

    out = run_history(mode, handler, client={"access_token": lambda: next(tokens)})
    assert out.error is None
    assert len(out.entries) == 3
    assert seen == ["Bearer expired-token", "Bearer fresh-token"]


@modes
def test_token_refresh_happens_only_once(mode: Mode) -> None:
    """If the fresh token is rejected too, AuthenticationError surfaces after two requests."""
    calls = 0

    def provider() -> str:
        nonlocal calls
        calls += 1
        return f"token-{calls}"

    service = FakeService(3)
    service.fail(None, *[error_response(401, "InvalidAccessToken") for _ in range(5)])
    out = run_history(mode, service, client={"access_token": provider})
    assert isinstance(out.error, yu.AuthenticationError)
    assert calls == 2
    assert len(service.requests) == 2


@modes
def test_fixed_token_is_not_refreshed(mode: Mode) -> None:
    """A fixed string token gets a 401 straight back: nothing to refresh it with."""
    service = FakeService(3)
    service.fail(None, error_response(401, "InvalidAccessToken"))
    out = run_history(mode, service)
    assert isinstance(out.error, yu.AuthenticationError)
    assert len(service.requests) == 1


@pytest.mark.asyncio
async def test_async_client_accepts_an_async_token_callable() -> None:
    """AsyncClient awaits an async access_token callable, and again after a 401."""
    tokens = iter(["old", "new"])

    async def provider() -> str:
        await asyncio.sleep(0)
        return next(tokens)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] != "Bearer new":
            return error_response(401, "InvalidAccessToken")
        return FakeService(2)(request)

    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
        yu.AsyncClient(provider, http_client=http, rate_limit=None) as client,
    ):
        entries = [e async for e in client.history()]
    assert len(entries) == 2


def test_sync_client_rejects_an_async_token_callable() -> None:
    """Client explains that an async token callable needs AsyncClient, before any request."""

    async def provider() -> str:
        return "x"

    service = FakeService(2)
    http = httpx.Client(transport=httpx.MockTransport(service))
    client = yu.Client(provider, http_client=http, rate_limit=None)  # type: ignore[arg-type] # the point
    with client, pytest.raises(TypeError, match="AsyncClient"):
        client.history_page()
    assert service.requests == []


# -- retry observability -------------------------------------------------------------------


@modes
def test_on_retry_hook_and_log_report_status_attempt_and_wait(
    mode: Mode, caplog: pytest.LogCaptureFixture
) -> None:
    """Each retry calls on_retry and logs on youcam_units with the status, attempt and wait."""
    events: list[yu.RetryEvent] = []
    service = FakeService(3)
    service.fail(None, error_response(500), error_response(429))
    with caplog.at_level(logging.WARNING, logger="youcam_units"):
        out = run_history(mode, service, client={"on_retry": events.append})
    assert out.error is None
    assert [(e.status_code, e.attempt) for e in events] == [(500, 1), (429, 2)]
    assert events[1].wait >= 7.5  # a 429 waits at least half its 15 s ceiling
    assert events[0].continuation_token is None
    messages = [r.getMessage() for r in caplog.records if r.name == "youcam_units"]
    assert len(messages) == 2
    assert "retrying after 500 (attempt 1 of 6 failed)" in messages[0]
    assert "retrying after 429 (attempt 2 of 6 failed)" in messages[1]


@modes
def test_max_retries_zero_disables_retries(mode: Mode) -> None:
    """max_retries=0 makes a single attempt."""
    service = FakeService(3)
    service.fail(None, error_response(500))
    out = run_history(mode, service, client={"max_retries": 0})
    assert isinstance(out.error, yu.ServerError)
    assert len(service.requests) == 1


# -- the caller's http_client and the request itself ---------------------------------------


@modes
def test_requests_go_to_the_spec_path_with_bearer_auth(mode: Mode) -> None:
    """Requests hit GET /s2s/v1.0/client/credit/history with Authorization: Bearer <token>."""
    service = FakeService(1)
    run_history(mode, service, client={"base_url": "https://example.test/"})
    request = service.requests[0]
    assert request.method == "GET"
    assert str(request.url) == "https://example.test/s2s/v1.0/client/credit/history?page_size=30"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_caller_http_client_keeps_its_event_hooks_and_stays_open() -> None:
    """A caller's httpx client is used as given (event hooks run) and not closed by ours."""
    seen: list[str] = []
    http = httpx.Client(
        transport=httpx.MockTransport(FakeService(2)),
        event_hooks={"request": [lambda r: seen.append(r.url.path)]},
    )
    with yu.Client(**client_kwargs(http_client=http)) as client:
        client.history_page()
    assert seen == ["/s2s/v1.0/client/credit/history"]
    assert not http.is_closed
    http.close()


def test_caller_http_client_base_url_is_used() -> None:
    """Without base_url, the caller's httpx client's base_url is the service address."""
    service = FakeService(1)
    http = httpx.Client(base_url="http://127.0.0.1:8123", transport=httpx.MockTransport(service))
    with yu.Client(**client_kwargs(http_client=http)) as client:
        assert client.base_url == "http://127.0.0.1:8123"
        client.history_page()
    assert service.requests[0].url.host == "127.0.0.1"


def test_client_closes_the_http_client_it_made() -> None:
    """A client closes its own httpx client on exit."""
    with yu.Client(TOKEN) as client:
        http = client._http
    assert http.is_closed


@pytest.mark.asyncio
async def test_async_client_closes_the_http_client_it_made() -> None:
    """An AsyncClient closes its own httpx client on exit."""
    async with yu.AsyncClient(TOKEN) as client:
        http = client._http
    assert http.is_closed


def test_wrong_http_client_kind_is_refused() -> None:
    """Client refuses an httpx.AsyncClient, AsyncClient an httpx.Client, with a clear message."""
    with pytest.raises(TypeError, match=r"httpx\.Client"):
        yu.Client(TOKEN, http_client=httpx.AsyncClient())  # type: ignore[arg-type] # the point
    with pytest.raises(TypeError, match=r"httpx\.AsyncClient"):
        yu.AsyncClient(TOKEN, http_client=httpx.Client())  # type: ignore[arg-type] # the point


@modes
def test_retry_after_header_sets_the_wait(mode: Mode) -> None:
    """A Retry-After header, should one appear, becomes the wait (within the floor and cap)."""
    events: list[yu.RetryEvent] = []
    service = FakeService(2)
    service.fail(None, error_response(503, "Unavailable", **{"retry-after": "3"}))
    service.fail(None, error_response(429, "RateLimited", **{"retry-after": "3"}))
    out = run_history(mode, service, client={"on_retry": events.append})
    assert out.error is None
    assert [e.wait for e in events] == [3.0, 15.0]  # a 429's second wait is 15 s or more


@modes
def test_status_decides_the_error_class_even_for_html(mode: Mode) -> None:
    """A 400 with an HTML body is still an InvalidParametersError, with the text as its body."""
    service = FakeService(2)
    service.fail(None, httpx.Response(400, html="<h1>Bad Request</h1>"))
    result = run_page(mode, service)
    assert isinstance(result, yu.InvalidParametersError)
    assert result.error_code is None
    assert result.body == "<h1>Bad Request</h1>"
    assert result.request_id == service.request_id


@modes
def test_status_error_keeps_the_envelope_as_body(mode: Mode) -> None:
    """An APIStatusError's body is the parsed JSON envelope, message its error field."""
    service = FakeService(2)
    service.fail(None, error_response(400, "InvalidParameters", "page_size out of range"))
    result = run_page(mode, service)
    assert isinstance(result, yu.InvalidParametersError)
    assert result.body == {
        "status": 400,
        "error": "page_size out of range",
        "error_code": "InvalidParameters",
    }
    assert result.message == "page_size out of range"
    assert "HTTP 400 InvalidParameters: page_size out of range" in str(result)
