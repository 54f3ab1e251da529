"""Response interpretation: an attempt's outcome becomes a result or the error to raise.

``error_from_response`` (``_translate``) is the one translation of an answer that is not a usable
result; this module decides which answers those are, for any ``Operation``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from . import _json as exact_json
from ._errors import APIConnectionError, APITimeoutError, AuthenticationError, YouCamError
from ._redact import redact
from ._translate import error_from_response
from ._transport import ExactJsonResponse

if TYPE_CHECKING:
    from youcam_units_api.types import Response

    from ._operations import Call
    from ._transport import Attempt

__all__ = ["PARSE_ERRORS", "Exchange", "failed_attempt", "interpret", "should_refresh"]

#: What the generated parser (and ``response.json()``) raise on a body of the wrong shape; the
#: last two a net for whatever else a hostile body provokes (an overflow, a deep recursion).
PARSE_ERRORS = (KeyError, ValueError, TypeError, AttributeError, ArithmeticError, RecursionError)
_REFRESH_CODES = frozenset({None, "InvalidAccessToken"})

ResultT = TypeVar("ResultT")


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request's outcome: the raw response, and what the generated parser made of it."""

    response: httpx.Response
    detailed: Response[Any] | None
    parse_error: BaseException | None = None


def recorded_exchange(
    attempt: Attempt, detailed: Response[Any] | None, parse_error: Exception | None = None
) -> Exchange:
    """The exchange the attempt recorded; a parse error without a response is not ours."""
    if attempt.response is None:
        if parse_error is not None:
            raise parse_error
        raise RuntimeError("the generated client returned without a response")  # pragma: no cover
    return Exchange(attempt.response, detailed, parse_error)


def failed_attempt(
    call: Call[ResultT], attempt: Attempt, exc: Exception, secret: str
) -> YouCamError:
    """The error a generated call that raised comes to; an exception that is not ours propagates."""
    if isinstance(exc, YouCamError):  # the transport's bounds: redirect, size, deadline
        return exc
    if isinstance(exc, httpx.RequestError):
        return transport_error(exc, call.page_token, secret)
    if isinstance(exc, PARSE_ERRORS):
        return _status_error(call, recorded_exchange(attempt, None, exc).response, secret, exc)
    raise exc


def transport_error(
    exc: httpx.RequestError, continuation_token: str | None, secret: str | None = None
) -> YouCamError:
    """An httpx failure before any response, as the facade's connection error.

    httpx's text may quote what the server sent (a malformed header line): it is redacted.
    """
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    host = exc.request.url.host if _has_request(exc) else "the service"
    return cls(
        redact(f"could not get an answer from {host}: {type(exc).__name__}: {exc}", secret),
        continuation_token=continuation_token,
    )


def _has_request(exc: httpx.RequestError) -> bool:
    try:
        _ = exc.request
    except RuntimeError:
        return False
    return True


def interpret(call: Call[ResultT], exchange: Exchange, *, secret: str | None) -> ResultT:
    """The operation's result for a documented 2xx; else raises the error the answer means."""
    response = exchange.response
    parsed = exchange.detailed.parsed if exchange.detailed is not None else None
    cause = exchange.parse_error
    if (
        cause is None
        and response.status_code in call.operation.ok_statuses
        and isinstance(parsed, call.operation.ok_model)
    ):
        try:
            return _result(call, parsed, response)
        except PARSE_ERRORS as exc:
            cause = exc
    raise _status_error(call, response, secret, cause)


def _status_error(
    call: Call[ResultT], response: httpx.Response, secret: str | None, cause: BaseException | None
) -> YouCamError:
    return error_from_response(
        response,
        continuation_token=call.page_token,
        documented=call.operation.ok_model.__name__,
        secret=secret,
        cause=cause,
    )


def _result(call: Call[ResultT], parsed: Any, response: httpx.Response) -> ResultT:  # noqa: ANN401
    if parsed.status != response.status_code:
        # A body saying {"status": 500} under HTTP 200 is an error in disguise, not data.
        raise ValueError(
            f"the body's status {parsed.status!r} contradicts HTTP {response.status_code}"
        )
    # Fractions as Decimal: the parse the generated one used, or (any other response) a new one.
    exact = (
        response.json()
        if isinstance(response, ExactJsonResponse)
        else exact_json.loads(response.content)
    )
    return call.operation.result(parsed, exact, response, call.page_token)


def should_refresh(error: YouCamError) -> bool:
    """A 401 saying the access token is invalid or expired (or saying nothing more)."""
    return isinstance(error, AuthenticationError) and error.error_code in _REFRESH_CODES
