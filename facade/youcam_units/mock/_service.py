"""The mock's semantics: one function from a request to a response, behind every adapter.

:meth:`MockService.handle` is the only way into the mock's decisions (who may ask: ``_gate``; what
a fault sends: ``_wire``). The httpx transport (:meth:`MockService.transport`) and the ASGI app
(:meth:`MockService.asgi_app`, served by uvicorn) only translate to and from it, so the
in-process mock and the one over HTTP cannot disagree.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Final, get_args
from urllib.parse import parse_qs

import httpx

from youcam_units.mock._data import ANCHOR_MS, make_entry, snowflake
from youcam_units.mock._faults import FaultKind, FaultPlan
from youcam_units.mock._gate import Gate, credentials
from youcam_units.mock._history import HISTORY_PATH, LastPage, PageTokens, history_page
from youcam_units.mock._limits import Limits, RateLimit, Window
from youcam_units.mock._log import RequestLog, RequestRecord
from youcam_units.mock._unit_system import (
    BALANCE_PATH,
    DEFAULT_API_KEY,
    FEATURE_COST_PATH,
    UnitSystem,
)
from youcam_units.mock._wire import (
    MockRequest,
    MockResponse,
    error_response,
    fault_response,
    json_response,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from youcam_units.mock._asgi import MockASGIApp

__all__ = ["DEFAULT_TOKEN", "IN_PROCESS_CLIENT", "SERVER_KEEP_RECORDS", "MockService"]

#: What a long-running server keeps of its request log (the counts cover every request).
SERVER_KEEP_RECORDS: Final = 10_000
DEFAULT_TOKEN: Final = "demo-token"  # noqa: S105 - the public demo token, not a secret
IN_PROCESS_CLIENT: Final = "127.0.0.1"
"""The client IP of requests through ``transport()`` unless it names another."""
_CLIENT_EXTENSION: Final = "youcam_units.mock.client"
"""Where ``transport(client=...)`` puts its client IP on a request for ``handle_httpx``."""


class MockService:
    """A stateful stand-in for the unit system: the history, the balance and the feature costs.

    Args:
        seed: the data set (and the token key) is a pure function of it.
        entries: size of the data set at creation, up to millions: entries are made on demand.
        tokens: access tokens accepted as ``Authorization: Bearer <token>`` (v1.0 operations).
        api_keys: API keys accepted the same way, by every operation (feature cost: only these).
        rate_limit: enforce one sliding-window limit per token (429, no Retry-After); None = off.
        limits: the service's limits, per token AND per client IP (``Limits.real()``, or scaled
            for tests: ``Limits.parse("25/3,5/1")``); None = off. Not with ``rate_limit``.
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
        limits: Limits | None = None,
    ) -> None:
        if isinstance(entries, bool) or not isinstance(entries, int):
            raise TypeError(f"entries must be an int, got {type(entries).__name__}")
        if entries < 0:
            raise ValueError("entries must be >= 0")
        if rate_limit is not None and limits is not None:
            raise ValueError("give rate_limit (per token only) or limits, not both")
        if rate_limit is not None:
            limits = Limits((Window(rate_limit.requests, rate_limit.window),), per_ip=False)
        if arrival_interval is not None and arrival_interval <= 0:
            raise ValueError("arrival_interval must be > 0")
        if last_page not in get_args(LastPage):
            raise ValueError(f"last_page must be one of {get_args(LastPage)}, not {last_page!r}")
        self.seed = seed
        self.base_count = entries
        self.rate_limit = rate_limit
        self.limits = limits
        self._gate = Gate(api_keys, limits, clock)
        self.token_ttl = token_ttl
        self.faults = faults or FaultPlan.none()
        self.clock = clock
        self.arrival_interval = arrival_interval
        self.last_page: LastPage = last_page
        self.log = RequestLog(keep=keep_records)
        self._added = 0
        self._started = clock()
        self._page_tokens = PageTokens(seed)
        self._number = 0
        self._issued = 0
        self._lock = threading.Lock()
        self._units = UnitSystem(seed, entries)
        for token in credentials(tokens, "tokens"):
            self.issue_token(token)

    # -- the data ---------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Entries in the data set now (those arrived over time included)."""
        arrived = 0
        if self.arrival_interval is not None:
            arrived = max(0, int((self.clock() - self._started) / self.arrival_interval))
        return self.base_count + self._added + arrived

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
            self._gate.tokens[token] = None if lifetime is None else self.clock() + lifetime
        return token

    def revoke_token(self, token: str) -> None:
        """Stop accepting ``token`` (as if it had expired)."""
        with self._lock:
            self._gate.tokens.pop(token, None)

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
            self._gate.judged_token = self._gate.judged_by = None
            if fault is None:
                response, entries, followed = self._serve(request, params, request_id, count=True)
            else:

                def uncounted() -> MockResponse:  # as served, not counted against the rate limit
                    return self._serve(request, params, request_id, count=False)[0]

                response, entries, followed = fault_response(fault, request_id, uncounted), 0, False
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
                    at=self.clock(),
                    client=request.client,
                    token_id=self._gate.judged_token,
                    limited_by=self._gate.judged_by,
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
        refusal = self._gate.refusal(request, request_id, self.log, count=count)
        if refusal is not None:
            return refusal, 0, False
        if request.path != HISTORY_PATH:
            served = self._units.serve(request.path, params, self.total)
        else:
            served = history_page(
                seed=self.seed,
                base_count=self.base_count,
                total=self.total,
                last_page=self.last_page,
                tokens=self._page_tokens,
                params=params,
            )
        response = json_response(served.status, served.payload, request_id)
        return response, served.items, served.followed

    # -- adapters ---------------------------------------------------------------------------

    def handle_httpx(self, request: httpx.Request) -> httpx.Response:
        """The handler behind :meth:`transport`: faults become the exceptions httpx raises.

        The client IP is the transport's (``_CLIENT_EXTENSION``), else ``IN_PROCESS_CLIENT``.
        """
        client = request.extensions.get(_CLIENT_EXTENSION, IN_PROCESS_CLIENT)
        response = self.handle(MockRequest.from_httpx(request, client))
        if response.fault is FaultKind.DISCONNECT:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if response.fault is FaultKind.SLOW:
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        return httpx.Response(
            response.status, headers=list(response.headers), content=response.body
        )

    def transport(self, client: str = IN_PROCESS_CLIENT) -> httpx.MockTransport:
        """An httpx transport serving this mock in-process, to sync and async clients alike.

        ``httpx.Client(transport=service.transport(), base_url="https://mock")``; the same for
        ``httpx.AsyncClient``. No socket is opened. ``client`` is the IP its requests come
        from, for the per-IP limit (one transport per simulated host).
        """

        def from_client(request: httpx.Request) -> httpx.Response:
            request.extensions = {**request.extensions, _CLIENT_EXTENSION: client}
            return self.handle_httpx(request)

        return httpx.MockTransport(from_client)

    def asgi_app(self) -> MockASGIApp:
        """An ASGI app serving this mock (what ``python -m youcam_units.mock`` runs in uvicorn).

        Imported here: the in-process demo (``--demo``) uses only ``transport()``, and the ASGI
        adapter brings asyncio with it.
        """
        from youcam_units.mock._asgi import MockASGIApp  # noqa: PLC0415 - see the docstring

        return MockASGIApp(self)
