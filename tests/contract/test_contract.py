"""Contract tests: schemathesis checks youcam_units.mock against openapi.yaml, in-process.

Every phase runs: examples, coverage and fuzzing through ``schema.parametrize()``, the stateful
phase through the spec's ``NextPage`` link. The mock's request log makes each run non-vacuous,
whatever order the tests run in: the stateful test counts the requests that followed a link,
and a positive run drawn from the spec counts the 200s that carried entries.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from unittest import mock

import hypothesis
import schemathesis
from schemathesis.config import SchemathesisConfig
from youcam_units.mock import MockService

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "contract-token"  # noqa: S105 - the mock's token for this run, not a secret
SERVICE = MockService(seed=4, entries=500, tokens=(TOKEN,))


def _load_schema() -> schemathesis.schemas.BaseSchema:
    # The committed schemathesis.toml reads the token from the environment when it is loaded.
    with mock.patch.dict(os.environ, {"YOUCAM_ACCESS_TOKEN": TOKEN}):
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
    """The stateful phase walks pages through the NextPage link and every response passes."""
    followed_before = sum(record.followed_token for record in SERVICE.log.records)
    settings = hypothesis.settings(
        schema.config.get_hypothesis_settings(phase="stateful"),
        max_examples=40,
    )
    schema.as_state_machine().run(settings=settings)
    followed = sum(record.followed_token for record in SERVICE.log.records) - followed_before
    assert followed >= 10, f"only {followed} requests followed a next_token"


def test_schema_valid_requests_get_pages_of_entries() -> None:
    """Schema-valid requests drawn from the spec get 200s carrying entries, not only errors."""
    operation = schema["/s2s/v1.0/client/credit/history"]["GET"]
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
    records = SERVICE.log.records[start:]
    pages = [r for r in records if r.status == 200 and r.entries > 0]
    assert len(records) >= 60, f"only {len(records)} requests were made"
    assert len(pages) >= 10, f"only {len(pages)} of {len(records)} responses carried entries"
