r"""Redaction of the credential a request sent, in every form a server may echo it back in.

A server may echo the bearer it received in a header or a body: as sent, upper- or lower-cased,
URL-encoded (``%41``, ``+`` for a space), JSON- or Gson-escaped (``\"``, ``\/``,
``\u0041``), any mix of those character by character, or base64-encoded (alone or inside a
longer base64 text). ``redact`` replaces each such echo with ``[redacted]``; everything the
client prints or keeps from a response (request id, body, messages) goes through it.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from typing import Final

__all__ = ["REDACTED", "redact"]

REDACTED: Final = "[redacted]"
#: Below this length a secret is redacted only where it stands alone, so that redacting a
#: short one does not garble every word that happens to contain it (nor chase its base64).
_SHORT_SECRET: Final = 8
#: The query parameters of a libpq URL that hold a secret.
_URL_SECRETS: Final = frozenset({"password", "sslpassword"})
_JSON_ESCAPES: Final = {'"': r"\"", "\\": r"\\", "/": r"\/", " ": "+"}


def redact(text: str, secret: str | None) -> str:
    """``text`` with every echo of ``secret`` replaced by ``[redacted]``."""
    if not secret or not text:
        return text
    return _pattern(secret).sub(REDACTED, text)


@lru_cache(maxsize=8)
def _pattern(secret: str) -> re.Pattern[str]:
    """One case-insensitive pattern for every form of ``secret``, compiled once per secret."""
    each_char = "".join(_char_forms(char) for char in secret)
    forms = [each_char]
    if len(secret) >= _SHORT_SECRET:
        forms += sorted(_base64_cores(secret.encode()), key=len, reverse=True)
        return re.compile("|".join(forms), re.IGNORECASE)
    return re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)", re.IGNORECASE)


def _char_forms(char: str) -> str:
    """A pattern matching ``char`` as written, URL-encoded or JSON/Gson-escaped."""
    encoded = char.encode()
    forms = [re.escape(char)]
    forms.append("".join(f"%{byte:02x}" for byte in encoded))
    if len(char) == 1 and ord(char) <= 0xFFFF:  # noqa: PLR2004 - one \uXXXX escape
        forms.append(re.escape(f"\\u{ord(char):04x}"))
    if char in _JSON_ESCAPES:
        forms.append(re.escape(_JSON_ESCAPES[char]))
    return f"(?:{'|'.join(forms)})"


def _base64_cores(raw: bytes) -> set[str]:
    """The base64 text ``raw`` always encodes to, at each of the three byte alignments."""
    cores = set()
    for offset in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(bytes(offset) + raw).decode().rstrip("=")
            start = -(-offset * 8 // 6)  # the characters that hold bits of the padding prefix
            end = (offset + len(raw)) * 8 // 6
            cores.add(re.escape(text[start:end]))
    return cores


def redact_url(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``; safe to print.

    libpq takes a password in the user part or as ``?password=`` (``sslpassword=``): both.
    """
    from urllib.parse import unquote, urlsplit  # noqa: PLC0415

    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not parsable (a broken [IPv6] host): hide all before the host
        head, at, host = url.rpartition("@")
        url = f"{head.partition('://')[0]}://***@{host}" if at else url
    else:
        if password is not None:
            netloc = parts.netloc
            hidden = f"{parts.username or ''}:***@{netloc.rpartition('@')[2]}"
            url = url.replace(netloc, hidden, 1)
    head, mark, query = url.partition("?")
    query, hash_mark, fragment = query.partition("#")
    pairs = []
    for pair in query.split("&"):
        key, equals, value = pair.partition("=")
        secret = unquote(key).lower() in _URL_SECRETS and value
        pairs.append(f"{key}{equals}***" if secret else pair)
    return f"{head}{mark}{'&'.join(pairs)}{hash_mark}{fragment}"
