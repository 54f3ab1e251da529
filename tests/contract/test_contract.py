"""Contract tests: schemathesis checks youcam_units.mock against openapi.yaml, in-process.

Every phase runs: examples, coverage and fuzzing through ``schema.parametrize()``, the stateful
phase through the spec's ``NextPage`` link. The mock's request log makes the run non-vacuous:
the last test asserts that pages of entries came back and that the link was followed.
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


def test_contract_run_was_not_vacuous() -> None:
    """The runs above (file order) got pages of entries, and requests made from issued tokens."""
    pages = [r for r in SERVICE.log.records if r.status == 200 and r.entries > 0]
    followed = [r for r in SERVICE.log.records if r.followed_token]
    assert len(pages) >= 50, f"only {len(pages)} 200 responses carried entries"
    assert len(followed) >= 10, f"only {len(followed)} requests followed a next_token"
    assert SERVICE.log.by_status[401] > 0  # the ignored_auth check and negative cases ran
    assert SERVICE.log.by_status[400] > 0
