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
    for schema in ("CreditHistoryResponse", "CreditHistoryResult", "CreditHistoryEntry"):
        assert "required" not in schemas[schema], schema  # the vendor requires none


def test_every_response_declares_request_id_and_the_link(spec: dict[str, Any]) -> None:
    """Each status carries x-request-id, and 200 links next_token to starting_token."""
    responses = spec["paths"][HISTORY_PATH]["get"]["responses"]
    assert set(responses) == {"200", "400", "401", "429", "500"}
    for response in responses.values():
        assert "x-request-id" in response["headers"]
    link = responses["200"]["links"]["NextPage"]
    assert link["parameters"] == {"starting_token": "$response.body#/result/next_token"}


BALANCE_PATH = "/s2s/v1.0/client/credit"
FEATURE_COST_PATH = "/s2s/v2.0/credit/feature-cost"


def _responses(spec: dict[str, Any], path: str) -> dict[str, Any]:
    """The operation's responses, with $ref'd responses resolved."""
    responses: dict[str, Any] = {}
    for status, declared in spec["paths"][path]["get"]["responses"].items():
        if "$ref" in declared:
            declared = spec["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]  # noqa: PLW2901
        responses[status] = declared
    return responses


def test_balance_operation_is_documented(spec: dict[str, Any]) -> None:
    """getCreditBalance: legacy scheme, `results` array of int64-id buckets, open type enum."""
    operation = spec["paths"][BALANCE_PATH]["get"]
    assert operation["operationId"] == "getCreditBalance"
    assert "security" not in operation  # the document's default: BearerAuthentication
    schemas = spec["components"]["schemas"]
    # The vendor requires no field; codegen/README.md says what the client does without each.
    assert "required" not in schemas["CreditBalanceResponse"]
    assert "required" not in schemas["CreditBucket"]
    bucket = schemas["CreditBucket"]["properties"]
    assert bucket["id"]["format"] == "int64"
    assert bucket["expiry"]["format"] == "int64"
    assert bucket["amount_dec"]["type"] == "number"
    assert bucket["amount"]["deprecated"] is True
    assert set(schemas["KnownCreditBucketType"]["enum"]) == {"ApiSubsToken", "ApiPaygToken"}
    assert {"type": "string"} in schemas["CreditBucketType"]["anyOf"]
    responses = _responses(spec, BALANCE_PATH)
    assert set(responses) == {"200", "401", "429", "500"}
    assert responses["401"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/InvalidAccessTokenResponse"
    )
    for response in responses.values():
        assert "x-request-id" in response["headers"]


def test_feature_cost_operation_is_documented(spec: dict[str, Any]) -> None:
    """getFeatureCost: API-key scheme, page_size 1..20, nullable tokens, NextPage, open unit."""
    operation = spec["paths"][FEATURE_COST_PATH]["get"]
    assert operation["operationId"] == "getFeatureCost"
    assert operation["security"] == [{"BearerAuthenticationV2": []}]
    scheme = spec["components"]["securitySchemes"]["BearerAuthenticationV2"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    params = {p["name"]: p for p in operation["parameters"]}
    page_size = params["page_size"]["schema"]
    assert (page_size["minimum"], page_size["maximum"], page_size["default"]) == (1, 20, 20)
    assert params["starting_token"]["schema"] == {"type": "string", "nullable": True}
    schemas = spec["components"]["schemas"]
    assert schemas["FeatureCostResult"]["properties"]["next_token"]["nullable"] is True
    sku = schemas["FeatureCostSku"]
    assert set(sku["properties"]) == {"description", "amount", "unit", "proc_unit", "run_task_url"}
    for schema in ("FeatureCostResponse", "FeatureCostResult", "FeatureCostSku"):
        assert "required" not in schemas[schema], schema  # the vendor requires none
    assert sku["properties"]["amount"]["type"] == "number"
    assert set(schemas["KnownFeatureCostUnit"]["enum"]) == {"result_image", "second"}
    assert {"type": "string"} in schemas["FeatureCostUnit"]["anyOf"]
    responses = _responses(spec, FEATURE_COST_PATH)
    assert set(responses) == {"200", "400", "401", "429", "500"}
    assert "InvalidApiKey" in schemas["InvalidApiKeyResponse"]["properties"]["error_code"]["enum"]
    for response in responses.values():
        assert "x-request-id" in response["headers"]
    link = responses["200"]["links"]["NextPage"]
    assert link["operationId"] == "getFeatureCost"
    assert link["parameters"] == {"starting_token": "$response.body#/result/next_token"}


def test_a_400_allows_every_code_the_vendor_documents(spec: dict[str, Any]) -> None:
    """BadRequest and CreditInsufficiency are valid 400 answers, not contract violations."""
    codes = spec["components"]["schemas"]["InvalidParametersResponse"]["properties"]["error_code"]
    assert set(codes["enum"]) == {"InvalidParameters", "BadRequest", "CreditInsufficiency"}


def test_the_generated_client_reads_each_documented_400_code() -> None:
    """The regenerated model parses each code instead of raising on it."""
    from youcam_units_api.models.invalid_parameters_response import (  # noqa: PLC0415
        InvalidParametersResponse,
    )

    for code in ("InvalidParameters", "BadRequest", "CreditInsufficiency"):
        parsed = InvalidParametersResponse.from_dict({"status": 400, "error_code": code})
        assert str(parsed.error_code) == code
