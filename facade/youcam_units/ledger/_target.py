"""Where a ledger is (a SQLite file's path, or a ``postgresql://`` URL and a name); opening it.

Parsing a URL imports neither psycopg nor anything of the database: the CLI tells a URL from a
path, and shows where a ledger is without its password, before any connection.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import SplitResult, parse_qsl, unquote, urlencode, urlsplit

from youcam_units._config import POSTGRES_SCHEMES
from youcam_units.ledger._storage import LedgerError

if TYPE_CHECKING:
    from collections.abc import Callable

    from youcam_units.ledger._postgres import PostgresLedger
    from youcam_units.ledger._schema import UpgradeProgress
    from youcam_units.ledger._sqlite import Ledger

__all__ = [
    "DEFAULT_LEDGER",
    "PostgresTarget",
    "is_postgres_url",
    "ledger_location",
    "open_ledger",
    "parse_postgres_url",
]

DEFAULT_LEDGER: Final = "default"
"""The ledger a URL names when neither ``?ledger=`` nor the opener's ``ledger`` says."""
_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
_SECRET_PARAMS: Final = frozenset({"password", "sslpassword"})
_HIDDEN: Final = "***"


def is_postgres_url(target: object) -> bool:
    """True for a ``postgresql://`` or ``postgres://`` URL (any case), False for a path."""
    return isinstance(target, str) and target[:13].lower().startswith(POSTGRES_SCHEMES)


@dataclass(frozen=True, slots=True)
class PostgresTarget:
    """A parsed ledger URL: what to connect to, which ledger, and how to show it.

    ``conninfo`` may hold a password: it is kept out of ``repr`` and every message, which use
    ``location`` (the URL with the password replaced by ``***``).
    """

    conninfo: str = field(repr=False)
    ledger: str
    location: str
    secrets: tuple[str, ...] = field(repr=False, default=())
    """The password(s) in the URL, so that a driver's message that quotes one is cleaned."""

    def redact(self, text: str) -> str:
        """``text`` with every password of the URL replaced by ``***``."""
        for secret in self.secrets:
            text = text.replace(secret, _HIDDEN)
        return text


def check_ledger_name(name: str) -> str:
    """Refuse a ledger name that would be awkward in a URL, a message or a BI tool's filter."""
    if not _NAME.fullmatch(name):
        raise LedgerError(
            f"invalid ledger name {name!r}: use 1-63 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def parse_postgres_url(url: str, ledger: str | None = None) -> PostgresTarget:
    """Split ``url`` into a libpq URL, the ledger's name and a location without the password.

    The name comes from ``ledger``, else from the URL's ``?ledger=`` (libpq does not know that
    parameter: it is taken out), else ``"default"``; ``ledger`` and ``?ledger=`` must agree.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    named = [value for key, value in query if key == "ledger"]
    rest = [(key, value) for key, value in query if key != "ledger"]
    secrets = [value for key, value in rest if key in _SECRET_PARAMS and value]
    for pair in parts.query.split("&"):  # the same, as written in the URL (percent-encoded)
        key, _, value = pair.partition("=")
        if unquote(key) in _SECRET_PARAMS and value:
            secrets.append(value)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    shown_netloc = parts.netloc
    if at and colon:
        shown_netloc = f"{user}:{_HIDDEN}@{hosts}"
        if password:
            secrets.extend({password, unquote(password)})
    if len(set(named)) > 1:
        raise LedgerError(f"the URL names more than one ledger ({', '.join(sorted(set(named)))})")
    if ledger is not None and named and named[0] != ledger:
        raise LedgerError(
            f"the URL names ledger {named[0]!r} but ledger {ledger!r} was asked for: "
            "drop one of the two"
        )
    name = check_ledger_name(ledger if ledger is not None else (named or [DEFAULT_LEDGER])[0])
    conninfo = _join(parts, parts.netloc, urlencode(rest)) if named else url
    shown_query = [(key, _HIDDEN if key in _SECRET_PARAMS else value) for key, value in rest] + [
        ("ledger", name)
    ]
    location = _join(parts, shown_netloc, urlencode(shown_query, safe="*"))
    return PostgresTarget(conninfo, name, location, tuple(sorted(set(secrets), key=len)[::-1]))


def _join(parts: SplitResult, netloc: str, query: str) -> str:
    """The URL again, keeping an empty host (``postgresql:///db``, which ``urlunsplit`` drops)."""
    url = f"{parts.scheme}://{netloc}{parts.path}"
    if query:
        url += f"?{query}"
    return f"{url}#{parts.fragment}" if parts.fragment else url


def open_ledger(
    target: str | os.PathLike[str],
    *,
    ledger: str | None = None,
    read_only: bool = False,
    on_upgrade: Callable[[UpgradeProgress], None] | None = None,
) -> Ledger | PostgresLedger:
    """Open the ledger at ``target``: a file path, or a ``postgresql://`` (``postgres://``) URL.

    In a database, ``ledger`` names one of its ledgers (one per account; the URL's
    ``?ledger=NAME`` says the same; default ``"default"``). A file holds one ledger: its path
    names it, and ``ledger`` is not used. ``read_only=True`` creates and writes nothing (what a
    summary or an export needs). The PostgreSQL ledger needs the ``postgres`` extra (psycopg),
    imported only here, only for a URL. ``on_upgrade`` hears each step of a SQLite file's
    one-time upgrade (a database's schema upgrade is a few statements, told nothing).
    """
    if is_postgres_url(target):
        from youcam_units.ledger._postgres import PostgresLedger  # noqa: PLC0415 - psycopg

        return PostgresLedger(parse_postgres_url(str(target), ledger), read_only=read_only)
    from youcam_units.ledger._sqlite import Ledger  # noqa: PLC0415 - sqlite3 only for a file

    return Ledger(Path(target), read_only=read_only, on_upgrade=on_upgrade)


def ledger_location(target: str | os.PathLike[str], *, ledger: str | None = None) -> str:
    """Where ``target`` is, for messages: a path, or the URL without its password."""
    if is_postgres_url(target):
        return parse_postgres_url(str(target), ledger).location
    return os.fspath(target)
