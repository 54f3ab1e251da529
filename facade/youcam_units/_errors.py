"""The exceptions the facade raises, and the one place a response becomes one.

Every failure a caller can meet is a ``YouCamError``::

    YouCamError
    ├── APIConnectionError          the service could not be reached (retried)
    │   └── APITimeoutError         it did not answer in time (retried)
    ├── APIStatusError              it answered with an error status; status_code, error_code,
    │   │                           message, request_id (x-request-id) and body
    │   ├── InvalidParametersError  400: InvalidParameters, BadRequest, CreditInsufficiency
    │   │                           (never retried)
    │   ├── AuthenticationError     401: InvalidAccessToken, InvalidApiKey, ... (never retried)
    │   ├── RateLimitError          429 (retried, with longer waits)
    │   ├── ServerError             5xx (500, 502, 503, 504 retried)
    │   └── RedirectError           3xx: the client follows no redirect (never retried)
    ├── ResponseValidationError     it answered 200 or an error with a body that is not the
    │                               documented shape: not JSON, an HTML page, missing fields
    │                               (retried only when the body is not JSON at all: cut off)
    ├── ResponseTooLargeError       the body passed max_response_bytes (never retried)
    └── PaginationError             it handed back a page token it had already given, or
                                    pages that bring nothing new (no older entry, no new SKU)

Each error carries ``continuation_token``: the ``starting_token`` of the request that failed, so
a caller resumes from exactly there and loses nothing (``None`` means "the first page").

``_responses.error_from_response`` is the only function that turns an HTTP response into one.
"""

from __future__ import annotations

import email.utils
import math
import time
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "InvalidParametersError",
    "PacingFileError",
    "PaginationError",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "YouCamError",
    "parse_retry_after",
]


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

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception pickles by calling the class with ``args`` alone, which the keyword-only
        # arguments refuse: rebuild from the attributes, so an error crosses a process pool.
        return (_rebuilt, (type(self), self.args, self.__dict__.copy()))


def _rebuilt(cls: type[YouCamError], args: tuple[Any, ...], state: dict[str, Any]) -> YouCamError:
    """An unpickled error: its class, ``args`` and attributes as they were, ``__init__`` unrun."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


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
    brought nothing new: no history entry older than those already read, no SKU not already
    read (``repeated_token`` is ``None``).
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


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or HTTP-date), else ``None``.

    A past date, a negative number or ``nan`` asks for no wait (0.0); ``inf`` stays ``inf``:
    the retry policy bounds what it honours (``compute_wait``), a floor included.
    """
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return 0.0 if math.isnan(seconds) else max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


class PacingFileError(YouCamError, ValueError):
    """The shared pacing file cannot be used: foreign, unreadable, read-only, locked or corrupt.

    A ``ValueError`` too, because it is a setting to fix: ``path`` names the file, ``reason``
    says what is wrong with it. Raised when a client is built and, should the file break
    later, by the request that finds it so; a foreign file is left byte-for-byte unchanged.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"the pacing file {path} {reason}; name another with pacing_file=, or pass "
            "pacing_file=None to pace this process alone"
        )
        self.path = path
        self.reason = reason
