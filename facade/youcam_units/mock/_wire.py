"""The mock's own request and response: what the semantics see, whatever the adapter.

A leaf module: the service (``_service``) and the ASGI adapter (``_asgi``) both import it, and
neither imports the other's internals, so the import graph has no cycle.
"""

from __future__ import annotations

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
    "error_response",
    "fault_response",
    "json_headers",
    "json_response",
]


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


def json_headers(request_id: str) -> tuple[tuple[str, str], ...]:
    """The headers of every JSON answer: its type and the request id support asks for."""
    return (("content-type", "application/json"), ("x-request-id", request_id))


def json_response(status: int, payload: object, request_id: str) -> MockResponse:
    """A JSON answer; amount_dec values are Decimals, written as the exact numbers they are."""
    body = exact_json.dumps(payload, separators=(",", ":")).encode()
    return MockResponse(status, json_headers(request_id), body)


def error_response(status: int, code: str, message: str, request_id: str) -> MockResponse:
    """The service's error envelope: ``{status, error, error_code}``."""
    return json_response(
        status, {"status": status, "error": message, "error_code": code}, request_id
    )


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
