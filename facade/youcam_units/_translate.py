"""The one place an HTTP response becomes an exception (openai-python's ``_make_status_error``).

The generated models raise on error codes the spec does not list (a 400 ``BadRequest``), so
status errors are read from the raw response here, and the secret sent is scrubbed from all
that is echoed back.
"""

from __future__ import annotations

import json
import re
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

if TYPE_CHECKING:
    import httpx

__all__ = ["error_from_response"]

_BODY_EXCERPT = 200
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
    field by field, so a body that lacks ``status`` keeps what it says. ``secret`` (the access
    token) is scrubbed from anything echoed back.
    """
    request_id = response.headers.get("x-request-id")
    text = _scrub(_text(response), secret)
    status = response.status_code
    if status < 400:  # noqa: PLR2004 - below 400 is a success whose body did not parse
        reason = f"{type(cause).__name__}: {cause}" if cause is not None else "unexpected body"
        return ResponseValidationError(
            f"HTTP {status} body is not the documented {documented} "
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
        data = exact_json.loads(text)
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
