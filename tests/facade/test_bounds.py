"""Bounded against servers that misbehave: size, deadline, redirects, pages that never end.

The servers here are real (``hostile_server``: raw bytes on a free 127.0.0.1 port) where the
misbehaviour lives on the wire, and httpx transports where it lives in the JSON.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import json
import threading
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import stamina
import youcam_units as yu
from facade_support import MODES, TOKEN, Mode, client_kwargs, entry, run_history, run_page
from hostile_server import HostileServer, head
from youcam_units._deadline import run_within
from youcam_units._pagination import NO_PROGRESS_PAGES, LoopGuard

if TYPE_CHECKING:
    import socket
    from collections.abc import Iterator

modes = pytest.mark.parametrize("mode", MODES)
_CONTEXT: contextvars.ContextVar[str] = contextvars.ContextVar("_CONTEXT", default="none")


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("YOUCAM_BASE_URL", raising=False)
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


def read_page(mode: Mode, base_url: str, **client: Any) -> yu.Page | yu.YouCamError:
    """One ``history_page()`` over real HTTP to ``base_url``: the page or the error."""
    kwargs = client_kwargs(base_url=base_url, **client)
    if mode == "sync":
        with yu.Client(**kwargs) as sync_client:
            try:
                return sync_client.history_page()
            except yu.YouCamError as exc:
                return exc

    async def go() -> yu.Page | yu.YouCamError:
        async with yu.AsyncClient(**kwargs) as async_client:
            try:
                return await async_client.history_page()
            except yu.YouCamError as exc:
                return exc

    return asyncio.run(go())


# -- response size ---------------------------------------------------------------------------


def endless_chunked(conn: socket.socket, stop: threading.Event) -> None:
    """A 200 whose chunked body never ends."""
    conn.sendall(head("200 OK", "content-type: application/json", "transfer-encoding: chunked"))
    chunk = b"[" * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while not stop.is_set():
        conn.sendall(frame)


@pytest.mark.slow
@modes
def test_endless_body_stops_at_the_cap_and_is_not_retried(mode: Mode) -> None:
    """An endless chunked 200 ends in ResponseTooLargeError naming the request id; one request."""
    with HostileServer(endless_chunked) as server:
        error = read_page(mode, server.url, max_response_bytes=256 * 1024, max_retries=3)
        requests = server.requests
    assert isinstance(error, yu.ResponseTooLargeError)
    assert error.limit == 256 * 1024
    assert error.status_code == 200
    assert error.request_id == "38173479337460999"
    assert "request id 38173479337460999" in str(error)
    assert "max_response_bytes" in str(error)
    assert len(requests) == 1


@modes
def test_large_declared_body_is_refused_too(mode: Mode) -> None:
    """A Content-Length body past the cap (here through a transport) is refused the same way."""

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        return httpx.Response(200, content=b" " * 70_000, headers={"x-request-id": "7"})

    error = run_page(mode, handler, client={"max_response_bytes": 65_536})
    assert isinstance(error, yu.ResponseTooLargeError)
    assert error.request_id == "7"


@modes
def test_a_body_under_the_cap_reads_as_before(mode: Mode) -> None:
    """A gzip-encoded page under the cap is decoded and parsed: the cap is not in the way."""
    import gzip  # noqa: PLC0415

    body = json.dumps({"status": 200, "result": {"history": [entry(1)], "next_token": None}})
    packed = gzip.compress(body.encode())

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        return httpx.Response(
            200,
            content=packed,
            headers={"content-encoding": "gzip", "content-type": "application/json"},
        )

    page = run_page(mode, handler, client={"max_response_bytes": 1024})
    assert isinstance(page, yu.Page), page
    assert [e.id for e in page.entries] == [entry(1)["id"]]


def test_max_response_bytes_is_checked_up_front() -> None:
    """A cap that is not an int of at least 1024 bytes fails at construction."""
    with pytest.raises(ValueError, match="max_response_bytes must be at least 1024"):
        yu.Client(TOKEN, max_response_bytes=10)
    with pytest.raises(TypeError, match="max_response_bytes must be an int"):
        yu.Client(TOKEN, max_response_bytes=1e6)  # type: ignore[arg-type] # the point


# -- deadline --------------------------------------------------------------------------------


def slow_drip(conn: socket.socket, stop: threading.Event) -> None:
    """Headers at once, then a byte of body every 50 ms: no single wait is ever long."""
    conn.sendall(head("200 OK", "content-type: application/json", "content-length: 200"))
    for _ in range(200):
        if stop.wait(0.05):
            return
        conn.sendall(b" ")


@pytest.mark.slow
@modes
def test_slow_drip_hits_the_attempt_deadline_and_is_retried(mode: Mode) -> None:
    """Each attempt ends at its deadline with APITimeoutError; the timeout is retried."""
    with HostileServer(slow_drip) as server:
        error = read_page(mode, server.url, timeout=0.3, max_retries=1)
        requests = server.wait_for_requests(2)
    assert isinstance(error, yu.APITimeoutError)
    assert "within 0.3 s" in str(error)
    assert len(requests) == 2  # retried once, like any timeout


def drip_head(conn: socket.socket, stop: threading.Event) -> None:
    """Even the status line comes a byte at a time."""
    for byte in head("200 OK", "content-length: 2"):
        if stop.wait(0.05):
            return
        conn.sendall(bytes([byte]))


@pytest.mark.slow
@modes
def test_the_deadline_covers_a_drip_in_the_status_line_and_headers(mode: Mode) -> None:
    """Both clients' deadline spans the whole attempt, status line and headers included.

    The server sends a byte every 50 ms, so httpx's per-read timeout (0.3 s) never trips and
    the head alone would take about 3.5 s.
    """
    with HostileServer(drip_head) as server:
        started = time.monotonic()
        error = read_page(mode, server.url, timeout=0.3, max_retries=1)
        elapsed = time.monotonic() - started
        requests = server.wait_for_requests(2)
    assert isinstance(error, yu.APITimeoutError)
    assert "within 0.3 s" in str(error)
    assert len(requests) == 2  # retried once, like any timeout
    assert elapsed < 2 * 0.3 + 1.0  # two attempts at their deadline, and some slack


def test_run_within_stops_waiting_at_the_deadline_and_never_reuses_a_stuck_worker() -> None:
    """The caller is back at the deadline; the stuck call's worker is not handed the next one."""
    release = threading.Event()
    stuck_in: list[str] = []

    def stuck() -> str:
        stuck_in.append(threading.current_thread().name + str(threading.get_ident()))
        release.wait(5)
        return "late"

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        run_within(stuck, 0.05)
    assert time.monotonic() - started < 1.0
    try:
        after = run_within(lambda: threading.current_thread().name + str(threading.get_ident()), 1)
        assert after != stuck_in[0]
        empty: dict[str, str] = {}
        with pytest.raises(KeyError, match="raised in the worker"):
            run_within(lambda: empty["raised in the worker"], 1)
    finally:
        release.set()


def test_a_sync_attempt_keeps_the_callers_context_and_errors() -> None:
    """The exchange runs on a worker: context variables reach the transport, errors come back."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        seen.append(_CONTEXT.get())
        raise httpx.ConnectError("refused")

    token = _CONTEXT.set("the caller's")
    try:
        outcome = run_page("sync", handler, client={"max_retries": 0})
    finally:
        _CONTEXT.reset(token)
    assert isinstance(outcome, yu.APIConnectionError)
    assert "refused" in str(outcome)
    assert seen == ["the caller's"]


@pytest.mark.parametrize(
    ("timeout", "error"),
    [
        (0, ValueError),
        (-1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ("5", TypeError),
        (True, TypeError),
        (httpx.Timeout(-1.0), ValueError),
        (httpx.Timeout(5.0, read=0), ValueError),
    ],
)
@modes
def test_bad_timeout_fails_up_front(mode: Mode, timeout: object, error: type[Exception]) -> None:
    """A timeout that is not positive finite seconds fails at construction, saying so."""
    cls = yu.Client if mode == "sync" else yu.AsyncClient
    with pytest.raises(error, match="timeout"):
        cls(TOKEN, timeout=timeout)  # type: ignore[arg-type] # the point


# -- redirects -------------------------------------------------------------------------------


def redirect(conn: socket.socket, stop: threading.Event) -> None:
    """A 302 pointing at another host."""
    del stop
    conn.sendall(head("302 Found", "location: https://evil.example/s2s/x", "content-length: 0"))


@pytest.mark.slow
@modes
def test_redirect_is_a_clear_error_never_followed_nor_retried(mode: Mode) -> None:
    """A 3xx raises RedirectError naming the status and the target host, after one request."""
    with HostileServer(redirect) as server:
        error = read_page(mode, server.url, max_retries=5)
        requests = server.requests
    assert isinstance(error, yu.RedirectError)
    assert error.status_code == 302
    assert error.location_host == "evil.example"
    assert "302" in str(error)
    assert "evil.example" in str(error)
    assert len(requests) == 1


@modes
def test_redirect_is_refused_even_when_the_callers_client_follows_them(mode: Mode) -> None:
    """A caller's http_client with follow_redirects=True does not carry the token elsewhere."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url.host))
        return httpx.Response(307, headers={"location": "https://elsewhere.test/"})

    transport = httpx.MockTransport(handler)
    kwargs = client_kwargs(base_url="https://api.test")
    if mode == "sync":
        with (
            httpx.Client(transport=transport, follow_redirects=True) as http,
            yu.Client(http_client=http, **kwargs) as client,
            pytest.raises(yu.RedirectError, match=r"elsewhere\.test"),
        ):
            client.history_page()
    else:

        async def go() -> None:
            async with (
                httpx.AsyncClient(transport=transport, follow_redirects=True) as http,
                yu.AsyncClient(http_client=http, **kwargs) as client,
            ):
                await client.history_page()

        with pytest.raises(yu.RedirectError, match=r"elsewhere\.test"):
            asyncio.run(go())
    assert seen == ["api.test"]


# -- pages that never end --------------------------------------------------------------------


def endless_pages(*, same_entries: bool) -> tuple[list[httpx.Request], Any]:
    """Every page has a fresh next_token; its entries are none, or the same ones each time."""
    counter = itertools.count(1)
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        history = [entry(i) for i in range(3)] if same_entries else []
        token = str(10**16 + next(counter))
        return httpx.Response(
            200, json={"status": 200, "result": {"history": history, "next_token": token}}
        )

    return requests, handler


@modes
@pytest.mark.parametrize("same_entries", [False, True], ids=["empty pages", "same entries"])
def test_pages_without_progress_end_in_pagination_error(mode: Mode, same_entries: bool) -> None:  # noqa: FBT001
    """Ever-new tokens over empty pages, or over the same entries, stop after a few pages."""
    requests, handler = endless_pages(same_entries=same_entries)
    out = run_history(mode, handler)
    assert isinstance(out.error, yu.PaginationError)
    assert out.error.repeated_token is None
    assert "no entry older" in str(out.error)
    expected = NO_PROGRESS_PAGES + (1 if same_entries else 0)  # the first page is progress
    assert len(requests) == expected


@modes
def test_a_token_cycle_longer_than_the_recent_window_is_caught(mode: Mode) -> None:
    """Tokens going round a cycle of 12, each page with older entries, still end the read."""
    counter = itertools.count()

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        n = next(counter)
        history = [entry(n)]  # always older: only the tokens betray the loop
        token = str(10**16 + (n + 1) % 12)
        return httpx.Response(
            200, json={"status": 200, "result": {"history": history, "next_token": token}}
        )

    out = run_history(mode, handler)
    assert isinstance(out.error, yu.PaginationError)
    assert out.error.repeated_token is not None
    assert next(counter) <= 3 * 12


def test_loop_guard_holds_constant_state_over_a_long_read() -> None:
    """A million distinct tokens: the guard keeps a handful of them, never a growing set."""
    guard = LoopGuard(None)
    assert not any(guard.repeated(str(10**16 + i)) for i in range(1_000_000))
    assert len(guard._recent) <= 4
    assert all(not isinstance(v, set | dict | list) for v in vars(guard).values())


@pytest.mark.parametrize(("tail", "cycle"), [(0, 1), (1, 2), (7, 50), (100, 3), (3, 1000)])
def test_loop_guard_finds_any_cycle_within_a_few_laps(tail: int, cycle: int) -> None:
    """Brent's anchor finds a cycle of any length after any tail, within three laps."""
    guard = LoopGuard(None)
    tokens = itertools.chain(
        (f"t{i}" for i in range(tail)),
        itertools.cycle([f"c{i}" for i in range(cycle)]),
    )
    steps = next(n for n, token in enumerate(tokens, 1) if guard.repeated(token))
    assert steps <= 3 * (tail + cycle) + 2


# -- arguments that used to escape as raw exceptions -----------------------------------------


@modes
def test_huge_starting_token_fails_before_any_request(mode: Mode) -> None:
    """A 100 kB starting_token is refused up front with a message that says what to pass."""
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={"status": 200, "result": {"history": []}})

    with pytest.raises(ValueError, match="next_token of a previous page"):
        run_page(mode, handler, starting_token="1" * 100_000)
    with pytest.raises(ValueError, match="next_token of a previous page"):
        run_history(mode, handler, starting_token="1" * 100_000)
    assert requests == []


def test_async_client_on_a_second_event_loop_says_what_to_do() -> None:
    """Reusing an AsyncClient under a second asyncio.run is a YouCamError, not a raw one."""

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        return httpx.Response(200, json={"status": 200, "result": {"history": [entry(1)]}})

    client = yu.AsyncClient(
        TOKEN,
        rate_limit=None,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    first = asyncio.run(client.history_page())
    assert len(first.entries) == 1
    with pytest.raises(yu.YouCamError, match="another event loop"):
        asyncio.run(client.history_page())
