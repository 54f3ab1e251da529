r"""Strings from the service or the user, shown literally: never markup, never a terminal command.

A bucket type, a feature's description, an action, a target id, an error's text or a
``--search`` value reach the terminal through here. Rich would read ``[bold]`` or ``[/]`` in a
plain string as markup (a ``MarkupError``, or a hyperlink the service chose), and an escape
sequence (``\x1b[2J``) would drive the terminal. Every renderer hands such strings to
``literal`` (a rich ``Text``, which is never parsed as markup); one-line messages use
``printable``.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from datetime import datetime

    from rich.text import Text

__all__ = ["iso_utc", "literal", "printable"]

_HIDDEN_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Controls, format characters (bidi overrides, zero-width joiners), surrogates, private-use and
unassigned code points, line and paragraph separators: none shows as itself."""


def printable(value: object, encoding: str | None = None) -> str:
    r"""``value`` as text with every control or invisible character escaped as ``repr`` would.

    ``\x1b`` stays the four characters ``\x1b``; letters in any script are kept as they are,
    unless ``encoding`` (the output's) cannot hold them: then they are escapes too, before a
    table measures them.
    """
    text = str(value)
    if not text.isprintable():  # the common case, in C: nothing to escape (a space is printable)
        text = "".join(
            repr(char)[1:-1] if unicodedata.category(char) in _HIDDEN_CATEGORIES else char
            for char in text
        )
    if encoding is not None and not text.isascii():
        text = text.encode(encoding, "backslashreplace").decode(encoding)
    return text


def literal(value: object, style: str = "", *, encoding: str | None = None) -> Text:
    """A rich ``Text`` of ``printable(value, encoding)``: drawn as written, no markup read."""
    from rich.text import Text  # noqa: PLC0415 - rich only for a command that draws

    return Text(printable(value, encoding), style=style)


def iso_utc(when: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as every export writes times."""
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
