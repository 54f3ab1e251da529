"""The spec is valid OpenAPI and says what the seed and the real service say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[2]
HISTORY_PATH = "/s2s/v1.0/client/credit/history"
SEED_ACTIONS = {
    "photo_enhance", "api_photo_enhance", "object_removal", "api_object_removal",
    "background_removal", "api_background_removal", "colorize", "api_colorize",
    "text_to_image", "api_text_to_image", "hair_style", "api_hair_style", "blur_background",
    "change_background", "wig", "trial_gift_text_to_image", "sign_up_gift",
    "subscription_credits", "subscriber_gift", "permanent_credits",
    "compensation_from_customer_service", "renew", "expire",
}  # fmt: skip


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """The parsed openapi.yaml."""
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    return loaded


def test_spec_is_valid_openapi(spec: dict[str, Any]) -> None:
    """openapi-spec-validator accepts the document (it raises on the first error)."""
    validate(spec)
    assert spec["openapi"] == "3.0.3"


def test_operation_and_parameters_match_the_seed(spec: dict[str, Any]) -> None:
    """The operation id, page_size bounds and the nullable starting_token are as documented."""
    operation = spec["paths"][HISTORY_PATH]["get"]
    assert operation["operationId"] == "getCreditHistory"
    params = {p["name"]: p for p in operation["parameters"]}
    page_size = params["page_size"]["schema"]
    assert (page_size["minimum"], page_size["maximum"], page_size["default"]) == (1, 30, 20)
    assert params["starting_token"]["schema"] == {"type": "string", "nullable": True}
    assert spec["servers"][0]["url"] == "https://yce-api-01.makeupar.com"
    scheme = spec["components"]["securitySchemes"]["BearerAuthentication"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_action_is_an_open_enum_with_every_seed_value(spec: dict[str, Any]) -> None:
    """All 23 seed actions are listed, and any other string is still accepted."""
    schemas = spec["components"]["schemas"]
    assert set(schemas["KnownCreditAction"]["enum"]) == SEED_ACTIONS
    assert {"type": "string"} in schemas["CreditAction"]["anyOf"]


def test_ids_are_int64_and_next_token_nullable(spec: dict[str, Any]) -> None:
    """Snowflake ids need int64; the last page's next_token may be null."""
    schemas = spec["components"]["schemas"]
    assert schemas["CreditHistoryEntry"]["properties"]["id"]["format"] == "int64"
    assert schemas["CreditHistoryEntry"]["properties"]["timestamp"]["format"] == "int64"
    assert schemas["CreditChange"]["properties"]["id"]["format"] == "int64"
    assert schemas["CreditHistoryResult"]["properties"]["next_token"]["nullable"] is True


def test_every_response_declares_request_id_and_the_link(spec: dict[str, Any]) -> None:
    """Each status carries x-request-id, and 200 links next_token to starting_token."""
    responses = spec["paths"][HISTORY_PATH]["get"]["responses"]
    assert set(responses) == {"200", "400", "401", "429", "500"}
    for response in responses.values():
        assert "x-request-id" in response["headers"]
    link = responses["200"]["links"]["NextPage"]
    assert link["parameters"] == {"starting_token": "$response.body#/result/next_token"}
