"""JSON with exact numbers: fractions read as ``decimal.Decimal`` and written back digit for digit.

Units are money (``amount_dec`` is "the net change in units, to two decimal places"), so a JSON
``10.04`` must never pass through a binary float: ``loads`` reads it as ``Decimal("10.04")``, and
``dumps`` writes a ``Decimal`` as the bare JSON number it holds (``10.04``, not ``"10.04"``).
Integers, ids beyond 2**53 included, stay exact Python ints either way.

The standard encoder cannot write a number it does not know, so ``dumps`` lets it write each
``Decimal`` as a string tagged with a random per-process marker, then strips marker and quotes.
The marker is 32 random hex digits that no input can know in advance, so text sent by the
service is never mistaken for one.
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from typing import Any, Final

__all__ = ["UnreadableJsonError", "dumps", "loads"]

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
