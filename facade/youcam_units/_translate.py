"""The one place an HTTP response becomes an exception (openai-python's ``_make_status_error``).

The generated models raise on error codes the spec does not list (a 400 ``BadRequest``), so
status errors are read from the raw response here, and the secret sent is redacted from all
that is echoed back (``_redact``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _json as exact_json
from ._errors import (
    APIStatusError,
    AuthenticationError,
    InvalidParametersError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    YouCamError,
    parse_retry_after,
)
from ._redact import redact

if TYPE_CHECKING:
    import httpx

__all__ = ["error_from_response"]

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

    A 2xx response gets here only when its body failed to parse (``cause``): that is a
    ``ResponseValidationError``. Any other status is an ``APIStatusError`` subclass chosen by
    status, with ``error`` and ``error_code`` read from the envelope (ErrorResponse's shape)
    field by field, so a body that lacks ``status`` keeps what it says; the message is the
    service's ``error`` as one line of at most 200 characters. ``secret`` (the credential sent)
    is redacted from everything echoed back (``_redact``), the request id included.
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
    body: object = text
    error_code: str | None = None
    message = _one_line(redact(response.reason_phrase, secret)) or "error"
    try:
        data = exact_json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        body = data
        # Read field by field: a body missing ``status`` (or with a wrong one) still says what
        # went wrong, and the generated ErrorResponse would refuse it whole for that one field.
        sent_code, sent_error = data.get("error_code"), data.get("error")
        if isinstance(sent_code, str) and sent_code:
            error_code = _one_line(sent_code, _CODE_CHARS)
        if isinstance(sent_error, str) and sent_error.strip():
            message = _one_line(sent_error)
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
