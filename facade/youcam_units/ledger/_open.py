"""Opening a ledger wherever it is: a SQLite file, or a ledger in a PostgreSQL database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from youcam_units.ledger._target import is_postgres_url, parse_postgres_url

if TYPE_CHECKING:
    from collections.abc import Callable

    from youcam_units.ledger._postgres import PostgresLedger
    from youcam_units.ledger._schema import UpgradeProgress
    from youcam_units.ledger._sqlite import Ledger

__all__ = ["ledger_location", "open_ledger"]


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
