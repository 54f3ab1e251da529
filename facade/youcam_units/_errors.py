"""The exceptions the facade raises, and the one place a response becomes one.

Every failure a caller can meet is a ``YouCamError``::

    YouCamError
    ├── APIConnectionError          the service could not be reached (retried)
    │   └── APITimeoutError         it did not answer in time (retried)
    ├── APIStatusError              it answered with an error status; status_code, error_code,
    │   │                           message, request_id (x-request-id) and body
    │   ├── InvalidParametersError  400: InvalidParameters, BadRequest (never retried)
    │   ├── AuthenticationError     401: InvalidAccessToken, InvalidApiKey, ... (never retried)
    │   ├── RateLimitError          429 (retried, with longer waits)
    │   ├── ServerError             5xx (500, 502, 503, 504 retried)
    │   └── RedirectError           3xx: the client follows no redirect (never retried)
    ├── ResponseValidationError     it answered 200 or an error with a body that is not the
    │                               documented shape: not JSON, an HTML page, missing fields
    │                               (retried only when the body is not JSON at all: cut off)
    ├── ResponseTooLargeError       the body passed max_response_bytes (never retried)
    └── PaginationError             it handed back a page token it had already given, or
                                    pages that bring no older entry

Each error carries ``continuation_token``: the ``starting_token`` of the request that failed, so
a caller resumes from exactly there and loses nothing (``None`` means "the first page").

``error_from_response`` is the only function that turns an HTTP response into an exception, as
openai-python's ``_make_status_error`` does: the generated models raise on error codes the spec
does not list (a 400 ``BadRequest``), so status errors are read from the raw response here.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "InvalidParametersError",
    "PaginationError",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "YouCamError",
    "error_from_response",
]

_BODY_EXCERPT = 200


class YouCamError(Exception):
    """Base of every error the facade raises."""

    def __init__(
        self,
        message: str,
        *,
        request_id: str | None = None,
        continuation_token: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id
        self.continuation_token = continuation_token

    def __str__(self) -> str:
        if self.request_id is None:
            return self.message
        return f"{self.message} (request id {self.request_id})"


class APIConnectionError(YouCamError):
    """The request never got an HTTP answer: DNS, refused connection, reset, TLS."""


class APITimeoutError(APIConnectionError):
    """The request timed out; a timeout is a connection failure that is worth retrying."""


class APIStatusError(YouCamError):
    """The service answered with an error status; carries its envelope and request id."""

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        error_code: str | None = None,
        request_id: str | None = None,
        body: object = None,
        retry_after: float | None = None,
        continuation_token: str | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id, continuation_token=continuation_token)
        self.status_code = status_code
        self.error_code = error_code
        self.body = body
        self.retry_after = retry_after

    def __str__(self) -> str:
        code = f" {self.error_code}" if self.error_code else ""
        return f"HTTP {self.status_code}{code}: {super().__str__()}"


class InvalidParametersError(APIStatusError):
    """400: the service rejected the request's parameters; retrying cannot help."""

    status_code: Literal[400]


class AuthenticationError(APIStatusError):
    """401: the access token is missing, invalid or expired."""

    status_code: Literal[401]


class RateLimitError(APIStatusError):
    """429: over 250 requests per 300 s per token or per IP; the service sends no Retry-After."""

    status_code: Literal[429]


class ServerError(APIStatusError):
    """5xx: the service failed; 500, 502, 503 and 504 are retried."""


class RedirectError(APIStatusError):
    """3xx: the client follows no redirect, so the token never goes to a host it was not given.

    ``location_host`` names where the service pointed (``None`` without a Location header).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        location_host: str | None,
        request_id: str | None = None,
        continuation_token: str | None = None,
    ) -> None:
        super().__init__(
            message,
            status_code=status_code,
            request_id=request_id,
            continuation_token=continuation_token,
        )
        self.location_host = location_host


class ResponseTooLargeError(YouCamError):
    """The body grew past ``max_response_bytes``; reading on would only spend memory.

    A page of 30 entries is a few kB: a body this large is not a page, and asking again would
    bring the same, so it is never retried.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        limit: int,
        request_id: str | None = None,
        continuation_token: str | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id, continuation_token=continuation_token)
        self.status_code = status_code
        self.limit = limit


class ResponseValidationError(YouCamError):
    """The body is not the documented shape, so it cannot be trusted as data.

    ``unparsable`` says the body was not JSON at all (cut off mid-transfer, or a proxy's HTML
    page): a glitch on the way, worth retrying. JSON of the wrong shape is the service
    breaking the contract, and asking again would only repeat it.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        body: str = "",
        continuation_token: str | None = None,
        unparsable: bool = False,
    ) -> None:
        super().__init__(message, request_id=request_id, continuation_token=continuation_token)
        self.status_code = status_code
        self.body = body
        self.unparsable = unparsable


class PaginationError(YouCamError):
    """Following the service's page tokens would loop forever.

    Either a token came back a second time (``repeated_token``), or several pages in a row
    brought no entry older than those already read (``repeated_token`` is ``None``).
    """

    def __init__(
        self,
        message: str,
        *,
        repeated_token: str | None = None,
        request_id: str | None = None,
        continuation_token: str | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id, continuation_token=continuation_token)
        self.repeated_token = repeated_token


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: InvalidParametersError,
    401: AuthenticationError,
    429: RateLimitError,
}


def error_from_response(
    response: httpx.Response,
    *,
    continuation_token: str | None,
    secret: str | None = None,
    cause: BaseException | None = None,
) -> YouCamError:
    """Build the exception for a response that is not a usable page.

    A 2xx response gets here only when its body failed to parse (``cause``): that is a
    ``ResponseValidationError``. Any other status is an ``APIStatusError`` subclass chosen by
    status, with ``error`` and ``error_code`` read from the envelope (ErrorResponse's shape)
    field by field, so a body that lacks ``status`` keeps what it says. ``secret`` (the access
    token) is scrubbed from anything echoed back.
    """
    request_id = response.headers.get("x-request-id")
    text = _scrub(_text(response), secret)
    status = response.status_code
    if status < 400:  # noqa: PLR2004 - below 400 is a success whose body did not parse
        reason = f"{type(cause).__name__}: {cause}" if cause is not None else "unexpected body"
        return ResponseValidationError(
            f"HTTP {status} body is not the documented CreditHistoryResponse "
            f"({_scrub(reason, secret)}); body starts: {text[:_BODY_EXCERPT]!r}",
            status_code=status,
            request_id=request_id,
            body=text,
            continuation_token=continuation_token,
            unparsable=not _is_json(text),
        )
    body: object = text
    error_code: str | None = None
    message = response.reason_phrase or "error"
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        body = data
        # Read field by field: a body missing ``status`` (or with a wrong one) still says what
        # went wrong, and the generated ErrorResponse would refuse it whole for that one field.
        sent_code, sent_error = data.get("error_code"), data.get("error")
        if isinstance(sent_code, str) and sent_code:
            error_code = sent_code
        if isinstance(sent_error, str) and sent_error:
            message = sent_error
    elif text:
        message = f"{message}; body starts: {text[:_BODY_EXCERPT]!r}"
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


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or HTTP-date), else ``None``."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _text(response: httpx.Response) -> str:
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", errors="replace")


#: Below this length a token is redacted only where it stands alone, so that redacting a
#: short token does not garble every word that happens to contain it.
_SHORT_SECRET = 8


def _scrub(text: str, secret: str | None) -> str:
    """``text`` without ``secret``, also in the forms JSON escaping gives it (quote, backslash)."""
    if not secret:
        return text
    escaped = json.dumps(secret)[1:-1]
    forms = {secret, escaped, escaped.replace("/", "\\/"), secret.replace("/", "\\/")}
    pattern = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    if len(secret) < _SHORT_SECRET:
        pattern = rf"(?<!\w)(?:{pattern})(?!\w)"
    return re.sub(pattern, "[redacted]", text)
