"""Answers: a response becomes the operation's result, or the one exception it means.

``interpret`` decides which answers are results (a documented 2xx whose body parses); every
other answer becomes an exception in ``error_from_response``, the one place a status becomes
an error class (openai-python's ``_make_status_error``). ``failed_attempt`` says what a generated
call that raised comes to (a bound of the transport, a transport failure, a malformed body).
The generated models raise on error codes the spec does not list (a 400 ``BadRequest``), so
status errors are read from the raw response here, and the secret sent is redacted from all
that is echoed back (``_redact``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from . import _json as exact_json
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    InvalidParametersError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    YouCamError,
    parse_retry_after,
)
from ._redact import redact
from ._transport import ExactJsonResponse

if TYPE_CHECKING:
    from ._operations import Call
    from ._transport import Attempt

__all__ = [
    "PARSE_ERRORS",
    "error_from_response",
    "failed_attempt",
    "interpret",
]

#: What the generated parser (and ``response.json()``) raise on a body of the wrong shape; the
#: last two a net for whatever else a hostile body provokes (an overflow, a deep recursion).
PARSE_ERRORS = (KeyError, ValueError, TypeError, AttributeError, ArithmeticError, RecursionError)

ResultT = TypeVar("ResultT")


def failed_attempt(
    call: Call[ResultT], attempt: Attempt, exc: Exception, secret: str
) -> YouCamError:
    """The error a generated call that raised comes to; an exception that is not ours propagates."""
    if isinstance(exc, YouCamError):  # the transport's bounds: redirect, size, deadline
        return exc
    if isinstance(exc, httpx.RequestError):
        return transport_error(exc, call.starting_token, secret)
    if isinstance(exc, PARSE_ERRORS) and attempt.response is not None:
        return _status_error(call, attempt.response, secret, exc)
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


def interpret(call: Call[ResultT], attempt: Attempt, parsed: object, secret: str) -> ResultT:
    """The operation's result for a documented 2xx; else raises the error the answer means.

    ``parsed`` is what the generated parser made of the response the attempt recorded.
    """
    response = attempt.response
    if response is None:  # pragma: no cover - the generated call returns only with a response
        raise RuntimeError("the generated client returned without a response")
    cause: BaseException | None = None
    if response.status_code in call.operation.ok_statuses and isinstance(
        parsed, call.operation.ok_model
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
        continuation_token=call.starting_token,
        documented=call.operation.ok_model.__name__,
        secret=secret,
        cause=cause,
    )


def _result(call: Call[ResultT], parsed: Any, response: httpx.Response) -> ResultT:  # noqa: ANN401
    # The body's status (optional, as the vendor documents it) is checked by the operation's
    # reader (``_json.result_of``): a body saying {"status": 500} under HTTP 200 is refused there.
    # Fractions as Decimal: the parse the generated one used, or (any other response) a new one.
    exact = (
        response.json()
        if isinstance(response, ExactJsonResponse)
        else exact_json.loads(response.content)
    )
    return call.operation.result(parsed, exact, response, call.starting_token)


_BODY_EXCERPT = 200
#: A service's error text (and a parse error's) is shown as one line of at most this many.
_MESSAGE_CHARS = 200
#: An error code is a short identifier (``InvalidAccessToken``); past this it is cut.
_CODE_CHARS = 80
_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: InvalidParametersError,
    401: AuthenticationError,
    429: RateLimitError,
}


def error_from_response(
    response: httpx.Response,
    *,
    continuation_token: str | None,
    documented: str,
    secret: str | None = None,
    cause: BaseException | None = None,
) -> YouCamError:
    """Build the exception for a response that is not a usable result (``documented``: its model).

    A 2xx gets here only when its body failed to parse (``cause``): a
    ``ResponseValidationError``. Any other status is the ``APIStatusError`` subclass of its
    status, read from the envelope (``_envelope``). ``secret`` (the credential sent) is redacted
    from everything echoed back, the request id included.
    """
    request_id = redact(response.headers.get("x-request-id", ""), secret) or None
    text = redact(_text(response), secret)
    status = response.status_code
    if status < 400:  # noqa: PLR2004 - below 400 is a success whose body did not parse
        reason = f"{type(cause).__name__}: {cause}" if cause is not None else "unexpected body"
        return ResponseValidationError(
            f"HTTP {status} body is not the documented {documented} "
            f"({_one_line(redact(reason, secret))}); body starts: {text[:_BODY_EXCERPT]!r}",
            status_code=status,
            request_id=request_id,
            body=text,
            continuation_token=continuation_token,
            unparsable=not _is_json(text),
        )
    body, error_code, message = _envelope(text, _one_line(redact(response.reason_phrase, secret)))
    cls = _STATUS_CLASSES.get(status, ServerError if status >= 500 else APIStatusError)  # noqa: PLR2004
    return cls(
        message,
        status_code=status,
        error_code=error_code,
        request_id=request_id,
        body=body,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
        continuation_token=continuation_token,
    )


def _envelope(text: str, reason: str) -> tuple[object, str | None, str]:
    """The error body (parsed when JSON), its ``error_code`` and the message to show.

    Read field by field: a body missing ``status`` (or with a wrong one) still says what went
    wrong, and the generated ErrorResponse would refuse it whole for that one field.
    """
    message = reason or "error"
    try:
        data = exact_json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return text, None, f"{message}; body starts: {text[:_BODY_EXCERPT]!r}" if text else message
    sent_code, sent_error = data.get("error_code"), data.get("error")
    error_code = (
        _one_line(sent_code, _CODE_CHARS) if isinstance(sent_code, str) and sent_code else None
    )
    if isinstance(sent_error, str) and sent_error.strip():
        message = _one_line(sent_error)
    return data, error_code, message


def _is_json(text: str) -> bool:
    """Whether ``text`` is whole JSON (too deep or too large to read counts: it is not cut off)."""
    try:
        exact_json.loads(text)
    except exact_json.UnreadableJsonError:
        return True
    except ValueError:
        return False
    return True


def _text(response: httpx.Response) -> str:
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", errors="replace")


def _one_line(text: str, limit: int = _MESSAGE_CHARS) -> str:
    """A service's text as one line of at most ``limit`` characters, control codes escaped.

    Whitespace runs (newlines included) become one space; a longer text is cut with a note
    saying how much was left out (the whole of it stays on the error's ``.body``).
    """
    flat = " ".join(text.split())
    if not flat.isprintable():
        flat = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in flat)
    if len(flat) <= limit:
        return flat
    return f"{flat[:limit]}... ({len(flat) - limit:,} more characters on .body)"
