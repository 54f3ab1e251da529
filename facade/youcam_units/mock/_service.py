"""The mock's semantics: one function from a request to a response, behind every adapter.

:meth:`MockService.handle` is the only place the mock decides anything. The httpx transport
(:meth:`MockService.transport`) and the ASGI app (:meth:`MockService.asgi_app`, served by uvicorn)
only translate to and from it, so the in-process mock and the one over HTTP cannot disagree.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs

import httpx

from youcam_units.mock._data import ANCHOR_MS, make_entry, snowflake
from youcam_units.mock._faults import FaultKind, FaultPlan
from youcam_units.mock._history import HISTORY_PATH, LastPage, PageTokens, history_page
from youcam_units.mock._log import RequestLog, RequestRecord
from youcam_units.mock._unit_system import (
    BALANCE_PATH,
    DEFAULT_API_KEY,
    FEATURE_COST_PATH,
    UnitSystem,
    dumps,
)
from youcam_units.mock._wire import (
    MockRequest,
    MockResponse,
    error_response,
    json_headers,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from youcam_units.mock._asgi import MockASGIApp

__all__ = [
    "DEFAULT_TOKEN",
    "HISTORY_PATH",
    "MockRequest",
    "MockResponse",
    "MockService",
    "RateLimit",
    "RequestLog",
    "RequestRecord",
]

#: What a long-running server keeps of its request log (the counts cover every request).
SERVER_KEEP_RECORDS: Final = 10_000
DEFAULT_TOKEN: Final = "demo-token"  # noqa: S105 - the public demo token, not a secret
_BEARER: Final = re.compile(r"Bearer ([A-Za-z0-9._~+/=-]+)")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``requests`` per sliding ``window`` seconds per token (real: 250 per 300 s)."""

    requests: int = 250
    window: float = 300.0


class MockService:
    """A stateful stand-in for the unit system: the history, the balance and the feature costs.

    Args:
        seed: the data set (and the token key) is a pure function of it.
        entries: size of the data set at creation, up to millions: entries are made on demand.
        tokens: access tokens accepted as ``Authorization: Bearer <token>`` (v1.0 operations).
        api_keys: API keys accepted the same way, by every operation (feature cost: only these).
        rate_limit: enforce a sliding-window limit per token (429, no Retry-After); None = off.
        token_ttl: seconds after which a token (from ``tokens`` or ``issue_token``) expires (401).
        faults: which requests fail, and how; None = none.
        clock: monotonic seconds; inject a fake one to test windows, expiry and arrivals.
        arrival_interval: one new entry arrives at the head every this many seconds of ``clock``.
        last_page: how the last page says there is no next one: ``next_token`` null, absent, or "".
        keep_records: how many recent requests ``log.records`` keeps (None: all; servers bound it).

    """

    def __init__(
        self,
        *,
        seed: int = 0,
        entries: int = 1_000,
        tokens: Iterable[str] = (DEFAULT_TOKEN,),
        rate_limit: RateLimit | None = None,
        token_ttl: float | None = None,
        faults: FaultPlan | None = None,
        clock: Callable[[], float] = time.monotonic,
        arrival_interval: float | None = None,
        last_page: LastPage = "null",
        keep_records: int | None = None,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
    ) -> None:
        if entries < 0:
            raise ValueError("entries must be >= 0")
        if arrival_interval is not None and arrival_interval <= 0:
            raise ValueError("arrival_interval must be > 0")
        self.seed = seed
        self.base_count = entries
        self.rate_limit = rate_limit
        self.token_ttl = token_ttl
        self.faults = faults or FaultPlan.none()
        self.clock = clock
        self.arrival_interval = arrival_interval
        self.last_page: LastPage = last_page
        self.log = RequestLog(keep=keep_records)
        self._added = 0
        self._started = clock()
        self._page_tokens = PageTokens(seed)
        self._tokens: dict[str, float | None] = {}
        self._windows: dict[str, deque[float]] = {}
        self._number = 0
        self._issued = 0
        self._lock = threading.Lock()
        self._api_keys = frozenset(api_keys)
        self._units = UnitSystem(seed, entries)
        for token in tokens:
            self.issue_token(token)

    # -- the data ---------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Entries in the data set now (those arrived over time included)."""
        return self.base_count + self._added + self._arrived()

    def _arrived(self) -> int:
        if self.arrival_interval is None:
            return 0
        return max(0, int((self.clock() - self._started) / self.arrival_interval))

    def add_entries(self, count: int = 1) -> None:
        """Make ``count`` new entries arrive at the head (newer than every existing one)."""
        if count < 0:
            raise ValueError("count must be >= 0")
        with self._lock:
            self._added += count

    def entry(self, index: int) -> dict[str, Any]:
        """The entry ``index`` places from the newest (0 = newest), as the API sends it."""
        total = self.total
        if not 0 <= index < total:
            raise IndexError(f"entry {index} of {total}")
        return make_entry(self.seed, total - 1 - index, self.base_count)

    def iter_entries(self) -> Iterator[dict[str, Any]]:
        """Every entry, newest first, as the API sends them: what a full read must return."""
        top = self.total - 1
        for position in range(top, -1, -1):
            yield make_entry(self.seed, position, self.base_count)

    def buckets(self) -> list[dict[str, Any]]:
        """The balance's ``results`` now, as the API sends them: what a balance read must return."""
        return self._units.buckets(self.total)

    # -- tokens -----------------------------------------------------------------------------

    def issue_token(self, token: str | None = None, *, ttl: float | None = None) -> str:
        """Accept a new access token (a fresh one when None), valid for ``ttl`` or ``token_ttl``."""
        with self._lock:
            self._issued += 1
            if token is None:
                token = f"mock-{self.seed}-{self._issued}"
            lifetime = ttl if ttl is not None else self.token_ttl
            self._tokens[token] = None if lifetime is None else self.clock() + lifetime
        return token

    def revoke_token(self, token: str) -> None:
        """Stop accepting ``token`` (as if it had expired)."""
        with self._lock:
            self._tokens.pop(token, None)

    def make_next_token(self, position: int) -> str:
        """The opaque token of the page whose first entry is at ``position`` (0 = oldest)."""
        return self._page_tokens.make(position)

    # -- the semantics ----------------------------------------------------------------------

    def handle(self, request: MockRequest) -> MockResponse:
        """Answer one request: the whole behaviour of the mock."""
        with self._lock:
            self._number += 1
            number = self._number
            request_id = str(snowflake(ANCHOR_MS + number, self.seed * 7919 + number))
            params = parse_qs(request.query, keep_blank_values=True)
            fault = self.faults.fault_for(number)
            if fault is not None:
                response, entries, followed = self._fault(fault, request, params, request_id)
            else:
                response, entries, followed = self._serve(request, params, request_id, count=True)
            status = None if fault in {FaultKind.DISCONNECT, FaultKind.SLOW} else response.status
            self.log.add(
                RequestRecord(
                    number=number,
                    method=request.method,
                    path=request.path,
                    params=params,
                    status=status,
                    fault=fault,
                    entries=entries if fault is None and request.path == HISTORY_PATH else 0,
                    followed_token=followed and fault is None,
                    items=entries if fault is None and request.path != HISTORY_PATH else 0,
                )
            )
            return response

    def _serve(
        self,
        request: MockRequest,
        params: dict[str, list[str]],
        request_id: str,
        *,
        count: bool,
    ) -> tuple[MockResponse, int, bool]:
        if request.path not in {HISTORY_PATH, BALANCE_PATH, FEATURE_COST_PATH}:
            return error_response(404, "NotFound", "No such operation", request_id), 0, False
        if request.method != "GET":
            response = error_response(405, "MethodNotAllowed", "Method not allowed", request_id)
            allow = (*response.headers, ("allow", "GET"))
            return MockResponse(response.status, allow, response.body), 0, False
        api_key_only = request.path == FEATURE_COST_PATH
        token, problem = self._authenticate(
            request.headers.get("authorization"), api_key_only=api_key_only
        )
        if token is None:
            code = "InvalidApiKey" if api_key_only else "InvalidAccessToken"
            return error_response(401, code, problem, request_id), 0, False
        if self.rate_limit is not None and not self._admit(token, count=count):
            limit, window = self.rate_limit.requests, self.rate_limit.window
            error = f"Too many requests: at most {limit} per {window:g} seconds per access token"
            return error_response(429, "RateLimitExceeded", error, request_id), 0, False
        if request.path != HISTORY_PATH:
            served = self._units.serve(request.path, params, self.total)
            response = MockResponse(served.status, json_headers(request_id), dumps(served.payload))
            return response, served.items, served.followed
        return history_page(
            seed=self.seed,
            base_count=self.base_count,
            total=self.total,
            last_page=self.last_page,
            tokens=self._page_tokens,
            params=params,
            request_id=request_id,
        )

    def _authenticate(self, header: str | None, *, api_key_only: bool) -> tuple[str | None, str]:
        what = "API key" if api_key_only else "Access token"
        if header is None:
            return None, f"{what} is not given"
        match = _BEARER.fullmatch(header)
        if match is None:
            expected = "api_key" if api_key_only else "access_token"
            return None, f"{what} is malformed: expected 'Bearer <{expected}>'"
        token = match.group(1)
        if token in self._api_keys:
            return token, ""
        if api_key_only or token not in self._tokens:
            return None, f"{what} is not valid"
        expiry = self._tokens[token]
        if expiry is not None and self.clock() >= expiry:
            return None, "Access token has expired"
        return token, ""

    def _admit(self, token: str, *, count: bool) -> bool:
        assert self.rate_limit is not None  # noqa: S101 - checked by the caller
        now = self.clock()
        window = self._windows.setdefault(token, deque())
        while window and window[0] <= now - self.rate_limit.window:
            window.popleft()
        if len(window) >= self.rate_limit.requests:
            return False
        if count:
            window.append(now)
        return True

    def _fault(
        self,
        fault: FaultKind,
        request: MockRequest,
        params: dict[str, list[str]],
        request_id: str,
    ) -> tuple[MockResponse, int, bool]:
        if fault is FaultKind.RATE_LIMITED:
            error = "Too many requests"
            response = error_response(429, "RateLimitExceeded", error, request_id)
        elif fault is FaultKind.SERVER_ERROR:
            response = error_response(
                500, "InternalServerError", "Internal server error", request_id
            )
        elif fault is FaultKind.UNAVAILABLE:
            response = error_response(
                503, "ServiceUnavailable", "Service temporarily unavailable", request_id
            )
        elif fault is FaultKind.BAD_GATEWAY:
            html = (
                b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
            )
            headers = (("content-type", "text/html"), ("x-request-id", request_id))
            response = MockResponse(502, headers, html)
        else:
            # What the request would have got, without counting it against the rate limit.
            served, _, _ = self._serve(request, params, request_id, count=False)
            body = (
                served.body[: len(served.body) // 2]
                if fault is FaultKind.TRUNCATED
                else served.body
            )
            response = MockResponse(served.status, served.headers, body)
        return MockResponse(response.status, response.headers, response.body, fault), 0, False

    # -- adapters ---------------------------------------------------------------------------

    def handle_httpx(self, request: httpx.Request) -> httpx.Response:
        """The handler behind :meth:`transport`: faults become the exceptions httpx raises."""
        response = self.handle(MockRequest.from_httpx(request))
        if response.fault is FaultKind.DISCONNECT:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if response.fault is FaultKind.SLOW:
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        return httpx.Response(
            response.status, headers=list(response.headers), content=response.body
        )

    def transport(self) -> httpx.MockTransport:
        """An httpx transport serving this mock in-process, to sync and async clients alike.

        ``httpx.Client(transport=service.transport(), base_url="https://mock")``; the same for
        ``httpx.AsyncClient``. No socket is opened.
        """
        return httpx.MockTransport(self.handle_httpx)

    def asgi_app(self) -> MockASGIApp:
        """An ASGI app serving this mock (what ``python -m youcam_units.mock`` runs in uvicorn).

        Imported here: the in-process demo (``--demo``) uses only ``transport()``, and the ASGI
        adapter brings asyncio with it.
        """
        from youcam_units.mock._asgi import MockASGIApp  # noqa: PLC0415 - see the docstring

        return MockASGIApp(self)
