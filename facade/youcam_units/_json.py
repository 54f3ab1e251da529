"""JSON with exact numbers: fractions read as ``decimal.Decimal`` and written back digit for digit.

Units are money (``amount_dec`` is "the net change in units, to two decimal places"), so a JSON
``10.04`` must never pass through a binary float: ``loads`` reads it as ``Decimal("10.04")``, and
``dumps`` writes a ``Decimal`` as the bare JSON number it holds (``10.04``, not ``"10.04"``).
Integers, ids beyond 2**53 included, stay exact Python ints either way.

The standard encoder cannot write a number it does not know, so ``dumps`` lets it write each
``Decimal`` as a string tagged with a random per-process marker, then strips marker and quotes.
The marker is 32 random hex digits that no input can know in advance, so text sent by the
service is never mistaken for one.

``read_int``, ``read_str`` and ``result_of`` are the checks every reader of a parsed 200 body
(``_models``, ``_unit_system``) shares: a wrong type is a ``TypeError`` naming the field.
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, cast

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "UnreadableJsonError",
    "copy_json",
    "copy_object",
    "dumps",
    "loads",
    "read_int",
    "read_str",
    "result_of",
]

_MARK: Final = f"youcam-units-decimal-{os.urandom(16).hex()}:"
_MARKED: Final = re.compile(r'"' + re.escape(_MARK) + r'([^"]*)"')


_DECODER: Final = json.JSONDecoder(parse_float=Decimal)  # built once: this runs for every page


class UnreadableJsonError(ValueError):
    """JSON that is complete but cannot be read: nested too deeply, or a number out of range.

    A ``ValueError`` like any bad JSON, so every caller's handling of a bad body covers it; its
    own class because the body arrived whole (not cut off), so asking again would repeat it.
    """


def loads(text: str | bytes) -> Any:  # noqa: ANN401 - parsed JSON is Any by nature
    """Parse JSON; every number with a fraction or exponent becomes an exact ``Decimal``.

    Anything the text holds ends in a ``ValueError``: nesting deeper than Python's recursion
    limit and numbers ``Decimal`` cannot hold (``1e9999999999999999999``) included.
    """
    if isinstance(text, bytes | bytearray):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    try:
        return _DECODER.decode(text)
    except RecursionError:
        raise UnreadableJsonError("JSON nested too deeply to read") from None
    except ArithmeticError as exc:  # decimal.InvalidOperation: an exponent past Decimal's range
        raise UnreadableJsonError(f"a JSON number out of range ({type(exc).__name__})") from None


def _mark(value: object) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return f"{_MARK}{value}"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(value: object, **options: Any) -> str:  # noqa: ANN401 - json.dumps's own options
    """``json.dumps``, writing each ``Decimal`` as the exact JSON number it holds."""
    text = json.dumps(value, default=_mark, **options)
    if _MARK not in text:
        return text
    return _MARKED.sub(r"\1", text)


def read_int(value: object, name: str, *, digits: bool = False) -> int:
    """An integer as sent: ids are snowflakes beyond 2**53, so never a float (nor a bool).

    ``digits``: a string of digits is read too (the history accepts ids sent as strings).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if digits and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise TypeError(f"{name} must be an integer, got {type(value).__name__}")


def read_str(value: object, name: str) -> str:
    """A string as sent."""
    if isinstance(value, str):
        return value
    raise TypeError(f"{name} must be a string, got {type(value).__name__}")


def result_of(body: Mapping[str, Any], key: str) -> Any:  # noqa: ANN401 - parsed JSON
    """The payload (``result`` or ``results``) of a 200 body, which must hold one.

    ``status`` is optional (the HTTP status is what counts) but, when sent, must not contradict
    the 200: ``{"status": 500}`` under HTTP 200 is an error in disguise, not data. A 200 without
    its payload (absent or null) has nothing to read; reading it as empty would end a listing or
    show a zero balance on a broken answer, so it is refused.
    """
    if not isinstance(body, dict):
        raise TypeError(f"the body must be an object, got {type(body).__name__}")
    status = body.get("status")
    if status is not None and (type(status) is not int or status != 200):  # noqa: PLR2004
        raise ValueError(f"the body's status {status!r} contradicts HTTP 200")
    payload = body.get(key)
    if payload is None:
        raise ValueError(f"the 200 body has no {key}: nothing to read")
    return payload


def page_of(body: Mapping[str, Any], items: str) -> tuple[list[Any], str | None]:
    """A listing's page: its ``result.<items>`` (absent: none) and its ``next_token``."""
    result = result_of(body, "result")
    if not isinstance(result, dict):
        raise TypeError(f"result must be an object, got {type(result).__name__}")
    found = result.get(items, [])
    if not isinstance(found, list):
        raise TypeError(f"result.{items} must be a list, got {type(found).__name__}")
    # A next_token that is null, absent or empty marks the last page; digits are kept exact.
    token = result.get("next_token")
    if token is None or token == "":
        return found, None
    if isinstance(token, int) and not isinstance(token, bool):
        return found, str(token)
    return found, read_str(token, "result.next_token")


def copy_json(value: Any) -> Any:  # noqa: ANN401 - JSON values
    """A deep copy of parsed JSON (dicts, lists, and immutable leaves such as Decimal).

    What a model keeps as sent is copied in and out, so no caller's edit ever reaches it. JSON
    nested too deeply to copy is an ``UnreadableJsonError`` (a ``ValueError``), as in ``loads``.
    """
    try:
        return _copy(value)
    except RecursionError:
        raise UnreadableJsonError("JSON nested too deeply to read") from None


def copy_object(value: object, name: str) -> dict[str, Any]:
    """A copy of the JSON object ``value``; else a ``TypeError`` naming it (``name``)."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be an object, got {type(value).__name__}")
    return cast("dict[str, Any]", copy_json(value))


def _copy(value: object) -> object:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
