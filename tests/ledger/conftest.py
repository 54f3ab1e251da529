"""Fixtures for the ledger tests: a mock service, clients reading it in-process, and ledgers.

``ledger`` and ``ledger_target`` run each test that takes them against both storages: a SQLite
file and a ledger in a real PostgreSQL server (``postgres_server``; marked ``postgres``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
from youcam_units import Client
from youcam_units.ledger import Ledger, PostgresLedger, open_ledger
from youcam_units.mock import DEFAULT_TOKEN, MockService

if TYPE_CHECKING:
    from pathlib import Path

MakeClient = Callable[..., Client]
AnyLedger = Ledger | PostgresLedger
"""What ``open_ledger`` returns: the contract tests hold for both."""

BACKENDS = (
    "sqlite",
    pytest.param("postgres", marks=(pytest.mark.postgres, pytest.mark.slow)),
)


@pytest.fixture
def service() -> MockService:
    """200 entries: seven pages of 30 at sync's page size."""
    return MockService(seed=11, entries=200)


@pytest.fixture
def make_client(service: MockService) -> Iterator[MakeClient]:
    """Clients on the mock, in-process, unpaced and (by default) without retries."""
    opened: list[httpx.Client] = []

    def make(*, max_retries: int = 0) -> Client:
        http = httpx.Client(transport=service.transport())
        opened.append(http)
        return Client(
            DEFAULT_TOKEN,
            base_url="http://127.0.0.1",
            http_client=http,
            rate_limit=None,
            max_retries=max_retries,
        )

    yield make
    for http in opened:
        http.close()


@pytest.fixture(params=BACKENDS)
def ledger_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new, empty ledger is: a SQLite file's path, or a PostgreSQL URL naming one."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite3")
    url: str = request.getfixturevalue("postgres_url")
    return f"{url}?ledger=contract"


@pytest.fixture
def ledger(ledger_target: str) -> Iterator[AnyLedger]:
    """An empty ledger, in each storage."""
    with open_ledger(ledger_target) as opened:
        yield opened
