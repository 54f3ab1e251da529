"""Fixtures for the ledger tests: a mock service and clients reading it in-process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
from youcam_units import Client
from youcam_units.ledger import Ledger
from youcam_units.mock import DEFAULT_TOKEN, MockService

if TYPE_CHECKING:
    from pathlib import Path

MakeClient = Callable[..., Client]


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


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    """An empty ledger file."""
    with Ledger(tmp_path / "ledger.sqlite3") as opened:
        yield opened
