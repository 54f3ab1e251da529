"""Fault injection: scripted and random plans, each fault's shape, and no state advanced."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from mock_support import EXACT, FakeClock, client_for, get_page
from youcam_units.mock import FaultKind, FaultPlan, MockService, RateLimit


def test_script_fails_exactly_the_requests_named() -> None:
    """A list script maps item i to request i + 1; None lets a request through."""
    plan = FaultPlan.script([None, "500", FaultKind.SLOW])
    assert [plan.fault_for(n) for n in (1, 2, 3, 4)] == [
        None,
        FaultKind.SERVER_ERROR,
        FaultKind.SLOW,
        None,
    ]
    assert FaultPlan.script({5: "502"}).fault_for(5) is FaultKind.BAD_GATEWAY


def test_random_plan_is_reproducible_and_near_its_rate() -> None:
    """The same seed and rate fail the same requests; about rate of them fail, of every kind."""
    first = [FaultPlan.random(rate=0.2, seed=1).fault_for(n) for n in range(1, 2001)]
    again = [FaultPlan.random(rate=0.2, seed=1).fault_for(n) for n in range(1, 2001)]
    other = [FaultPlan.random(rate=0.2, seed=2).fault_for(n) for n in range(1, 2001)]
    assert first == again
    assert first != other
    failed = [kind for kind in first if kind is not None]
    assert 300 < len(failed) < 500
    assert set(failed) == set(FaultKind)


def test_random_plan_can_be_limited_to_some_kinds() -> None:
    """The kinds argument restricts what a random plan draws."""
    plan = FaultPlan.random(rate=1.0, seed=3, kinds=["429", "503"])
    kinds = {plan.fault_for(n) for n in range(1, 200)}
    assert kinds == {FaultKind.RATE_LIMITED, FaultKind.UNAVAILABLE}


def test_invalid_plans_are_refused() -> None:
    """A rate outside 0..1 or an empty kind list is a ValueError."""
    with pytest.raises(ValueError, match="rate"):
        FaultPlan.random(rate=1.5)
    with pytest.raises(ValueError, match="kinds"):
        FaultPlan.random(rate=0.5, kinds=[])


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("429", 429, "RateLimitExceeded"),
        ("500", 500, "InternalServerError"),
        ("503", 503, "ServiceUnavailable"),
    ],
)
def test_error_faults_answer_the_json_envelope(kind: str, status: int, code: str) -> None:
    """429, 500 and 503 faults answer the JSON envelope with a request id and no Retry-After."""
    response = get_page(client_for(MockService(faults=FaultPlan.script([kind]))))
    assert response.status_code == status
    assert response.json(**EXACT) == {
        "status": status,
        "error": response.json(**EXACT)["error"],
        "error_code": code,
    }
    assert response.headers["x-request-id"].isdigit()
    assert "retry-after" not in response.headers


def test_bad_gateway_answers_html() -> None:
    """A 502 fault answers an HTML page, as a load balancer would, not JSON."""
    response = get_page(client_for(MockService(faults=FaultPlan.script(["502"]))))
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert response.text.startswith("<html>")


def test_dropped_connection_raises_remote_protocol_error() -> None:
    """In-process, a dropped connection is httpx.RemoteProtocolError."""
    client = client_for(MockService(faults=FaultPlan.script(["disconnect"])))
    with pytest.raises(httpx.RemoteProtocolError):
        get_page(client)


def test_slow_response_raises_read_timeout() -> None:
    """In-process, a response slower than the timeout is httpx.ReadTimeout, without waiting."""
    client = client_for(MockService(faults=FaultPlan.script(["slow"])))
    with pytest.raises(httpx.ReadTimeout):
        get_page(client)


def test_truncated_json_is_a_200_with_a_cut_body() -> None:
    """A truncated response is 200 application/json whose body does not parse."""
    response = get_page(client_for(MockService(faults=FaultPlan.script(["truncated"]))))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_faults_are_logged_per_kind() -> None:
    """The request log records each faulted request, with no status for the lost ones."""
    service = MockService(faults=FaultPlan.script(["500", "disconnect", None]))
    client = client_for(service)
    get_page(client)
    with pytest.raises(httpx.RemoteProtocolError):
        get_page(client)
    get_page(client)
    assert service.log.by_status == {500: 1, None: 1, 200: 1}
    assert service.log.by_fault == {FaultKind.SERVER_ERROR: 1, FaultKind.DISCONNECT: 1}


def test_a_faulted_request_does_not_spend_rate_limit_budget() -> None:
    """Faulted requests are not counted by the rate limiter: state does not advance."""
    service = MockService(
        rate_limit=RateLimit(requests=1, window=300.0),
        faults=FaultPlan.script(["429", "truncated"]),
        clock=FakeClock(),
    )
    client = client_for(service)
    assert get_page(client).status_code == 429  # injected
    assert get_page(client).status_code == 200  # truncated, but still not counted
    assert get_page(client).status_code == 200  # the one real request the budget allows
    assert get_page(client).status_code == 429  # the limiter's own


def test_a_retrying_reader_sees_every_entry_exactly_once() -> None:
    """Under 30% random faults, retrying each failed request still reads each entry once."""
    service = MockService(seed=11, entries=300, faults=FaultPlan.random(rate=0.3, seed=4))
    client = client_for(service)
    entries: list[dict[str, Any]] = []
    token: str | None = None
    for _ in range(1_000):
        params: dict[str, Any] = {"page_size": 30}
        if token:
            params["starting_token"] = token
        try:
            response = get_page(client, **params)
            result = response.json(**EXACT)["result"] if response.status_code == 200 else None
        except (httpx.TransportError, json.JSONDecodeError):
            result = None
        if result is None:
            continue  # a fault: ask again
        entries.extend(result["history"])
        token = result["next_token"]
        if not token:
            break
    assert entries == list(service.iter_entries())
    assert sum(service.log.by_fault.values()) > 0
