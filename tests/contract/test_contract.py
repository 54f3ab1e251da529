"""Contract tests: schemathesis checks youcam_units.mock against openapi.yaml, in-process.

Every phase runs, for all three operations (history, balance, feature cost): examples, coverage
and fuzzing through ``schema.parametrize()``, the stateful phase through the spec's ``NextPage``
links. The mock's request log makes each run non-vacuous, whatever order the tests run in: the
stateful test counts, per paged operation, the requests that followed a link, and a positive run
drawn from the spec counts, per operation, the 200s that carried data.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from youcam_units.mock import BALANCE_PATH, FEATURE_COST_PATH, HISTORY_PATH, MockService

if TYPE_CHECKING:
    from youcam_units.mock._log import RequestRecord

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "contract-token"  # noqa: S105 - the mock's token for this run, not a secret
API_KEY = "contract-api-key"
SERVICE = MockService(seed=4, entries=500, tokens=(TOKEN,), api_keys=(API_KEY,))


def _carried_data(record: RequestRecord) -> bool:
    """A 200 with history entries, balance buckets or feature-cost SKUs in it."""
    return record.status == 200 and (record.entries > 0 or record.items > 0)


def _load_schema() -> schemathesis.schemas.BaseSchema:
    # The committed schemathesis.toml reads the credentials from the environment when loaded.
    credentials = {"YOUCAM_ACCESS_TOKEN": TOKEN, "YOUCAM_API_KEY": API_KEY}
    with mock.patch.dict(os.environ, credentials):
        config = SchemathesisConfig.from_path(ROOT / "schemathesis.toml")
        loaded = schemathesis.openapi.from_path(ROOT / "openapi.yaml", config=config)
    # Requests go to the mock's ASGI app in this process: no socket, no real host.
    loaded.app = SERVICE.asgi_app()
    return loaded


schema = _load_schema()


@schema.parametrize()
def test_mock_conforms_to_the_spec(case: schemathesis.Case[Any]) -> None:
    """Every example, coverage and fuzzing case gets a response that passes every check."""
    case.call_and_validate()


def test_stateful_phase_follows_next_token_links() -> None:
    """The stateful phase walks both operations' pages through their NextPage links.

    Every response passes every check, and each paged operation follows its own tokens.
    """
    start = len(SERVICE.log.records)
    settings = hypothesis.settings(
        schema.config.get_hypothesis_settings(phase="stateful"),
        max_examples=40,
    )
    schema.as_state_machine().run(settings=settings)
    records = SERVICE.log.records[start:]
    for path in (HISTORY_PATH, FEATURE_COST_PATH):
        followed = sum(r.followed_token for r in records if r.path == path)
        assert followed >= 10, f"only {followed} requests to {path} followed a next_token"


@pytest.mark.parametrize(
    ("path", "minimum"), [(HISTORY_PATH, 10), (BALANCE_PATH, 10), (FEATURE_COST_PATH, 10)]
)
def test_schema_valid_requests_get_data(path: str, minimum: int) -> None:
    """Schema-valid requests drawn from the spec get 200s carrying data, not only errors."""
    operation = schema[path]["GET"]
    start = len(SERVICE.log.records)

    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    def call_and_validate(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate()

    call_and_validate()
    records = [r for r in SERVICE.log.records[start:] if r.path == path]
    pages = [r for r in records if _carried_data(r)]
    assert len(records) >= minimum, f"only {len(records)} requests were made"
    assert len(pages) >= minimum, f"only {len(pages)} of {len(records)} responses carried data"
