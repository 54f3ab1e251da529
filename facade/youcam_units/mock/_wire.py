"""The mock's own request and response: what the semantics see, whatever the adapter.

Also what the operations share: their answer (``Served``) and how they read a page's parameters.
A leaf module: the service (``_service``) and the ASGI adapter (``_asgi``) both import it, and
neither imports the other's internals, so the import graph has no cycle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol

from youcam_units import _json as exact_json
from youcam_units.mock._faults import FaultKind

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import httpx

    from youcam_units.mock._faults import FaultPlan

__all__ = [
    "MockHandler",
    "MockRequest",
    "MockResponse",
    "Served",
    "dumps",
    "error_response",
    "fault_response",
    "invalid",
    "json_response",
    "page_request",
]

_DIGITS: Final = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class MockRequest:
    """What the semantics need of a request; adapters build it from httpx or ASGI requests."""

    method: str
    path: str
    query: str = ""
    """The raw query string, still percent-encoded."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Header names in lower case."""
    client: str | None = None
    """The client's IP address, which the per-IP rate limit counts by (None: unknown)."""

    @classmethod
    def from_httpx(cls, request: httpx.Request, client: str | None = None) -> MockRequest:
        """Read an ``httpx.Request`` (as a transport receives it), sent from ``client``."""
        return cls(
            method=request.method,
            path=request.url.path,
            query=request.url.query.decode("ascii"),
            headers={name.lower(): value for name, value in request.headers.items()},
            client=client,
        )


@dataclass(frozen=True, slots=True)
class MockResponse:
    """A response, and the fault it stands for, if any (adapters act out DISCONNECT and SLOW)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fault: FaultKind | None = None

    @property
    def request_id(self) -> str:
        """The ``x-request-id`` header."""
        return dict(self.headers)["x-request-id"]

    def json(self) -> Any:  # noqa: ANN401 - parsed JSON is Any by nature
        """The body parsed as JSON, fractions as exact Decimals."""
        return exact_json.loads(self.body)


class MockHandler(Protocol):
    """What an adapter needs of the service: ``MockService`` is one."""

    @property
    def faults(self) -> FaultPlan: ...

    def handle(self, request: MockRequest) -> MockResponse: ...


def dumps(payload: object) -> bytes:
    """JSON with ``Decimal`` amounts written as the exact numbers they are."""
    return exact_json.dumps(payload, separators=(",", ":")).encode()


def json_response(status: int, payload: object, request_id: str) -> MockResponse:
    """A JSON answer, with the request id support asks for."""
    headers = (("content-type", "application/json"), ("x-request-id", request_id))
    return MockResponse(status, headers, dumps(payload))


def error_response(status: int, code: str, message: str, request_id: str) -> MockResponse:
    """The service's error envelope: ``{status, error, error_code}``."""
    return json_response(
        status, {"status": status, "error": message, "error_code": code}, request_id
    )


@dataclass(frozen=True, slots=True)
class Served:
    """What an operation answers: status, JSON payload, items sent, whether it followed a token."""

    status: int
    payload: Mapping[str, Any]
    items: int = 0
    followed: bool = False


def invalid(message: str) -> Served:
    """The 400 every operation answers a bad parameter with."""
    return Served(400, {"status": 400, "error": message, "error_code": "InvalidParameters"})


def page_request(
    params: Mapping[str, list[str]],
    *,
    default_size: int,
    max_size: int,
    read_token: Callable[[str, int], int | None],
) -> tuple[int, int | None] | Served:
    """The page size and where ``starting_token`` starts (None: the first page), or the 400.

    ``read_token(token, page_size)`` is where the token points, or None if not issued here.
    """
    sizes = params.get("page_size")
    page_size = default_size
    if sizes is not None:
        if len(sizes) != 1 or not _DIGITS.fullmatch(sizes[0]) or len(sizes[0]) > 3:  # noqa: PLR2004
            return invalid(f"page_size must be one integer between 1 and {max_size}")
        page_size = int(sizes[0])
        if not 1 <= page_size <= max_size:
            return invalid(f"page_size must be one integer between 1 and {max_size}")
    tokens = params.get("starting_token", [""])
    if len(tokens) != 1:
        return invalid("starting_token must be given at most once")
    start = None
    if tokens[0]:  # empty (how a form encodes null) or absent: the first page
        start = read_token(tokens[0], page_size)
        if start is None:
            return invalid("starting_token is not a token this service issued")
    return page_size, start


_BAD_GATEWAY_HTML: Final = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)
"""What a load balancer sends with its 502: HTML, not JSON."""


def fault_response(
    fault: FaultKind, request_id: str, served: Callable[[], MockResponse]
) -> MockResponse:
    """What a request faulted with ``fault`` gets, marked with it for the adapters.

    ``served`` is what the request would have got, for the faults that send (part of) it.
    """
    if fault is FaultKind.RATE_LIMITED:
        response = error_response(429, "RateLimitExceeded", "Too many requests", request_id)
    elif fault is FaultKind.SERVER_ERROR:
        response = error_response(500, "InternalServerError", "Internal server error", request_id)
    elif fault is FaultKind.UNAVAILABLE:
        response = error_response(
            503, "ServiceUnavailable", "Service temporarily unavailable", request_id
        )
    elif fault is FaultKind.BAD_GATEWAY:
        headers = (("content-type", "text/html"), ("x-request-id", request_id))
        response = MockResponse(502, headers, _BAD_GATEWAY_HTML)
    else:
        whole = served()
        body = whole.body[: len(whole.body) // 2] if fault is FaultKind.TRUNCATED else whole.body
        response = MockResponse(whole.status, whole.headers, body)
    return MockResponse(response.status, response.headers, response.body, fault)
