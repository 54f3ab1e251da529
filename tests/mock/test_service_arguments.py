"""MockService refuses arguments that would make it quietly serve something else than asked."""

from __future__ import annotations

from typing import Any

import pytest
from youcam_units.mock import FaultKind, FaultPlan, MockService


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        # A bare str is iterated as its characters: "my-token" was never accepted, "m" was.
        ({"tokens": "my-token"}, TypeError, "tokens"),
        ({"api_keys": "my-key"}, TypeError, "api_keys"),
        ({"tokens": [b"my-token"]}, TypeError, "tokens"),
        ({"last_page": "none"}, ValueError, "last_page"),
    ],
)
def test_a_misleading_argument_is_refused(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    """Each names the argument; before, each was taken and the mock misbehaved later."""
    with pytest.raises(error, match=match):
        MockService(**kwargs)


def test_lists_of_credentials_are_still_taken() -> None:
    """A list, tuple or set of tokens and keys works as before."""
    service = MockService(tokens=["a-token"], api_keys=("a-key",))
    assert service.issue_token("b-token") == "b-token"


@pytest.mark.parametrize("entries", [1.5, "10"])
def test_a_count_of_entries_that_is_not_an_int_is_refused(entries: object) -> None:
    """It was taken, and the first request then failed inside the transport."""
    with pytest.raises(TypeError, match="entries"):
        MockService(entries=entries)  # type: ignore[arg-type] # the wrong type is the test


def test_a_script_naming_request_zero_is_refused() -> None:
    """Requests are numbered from 1: a fault for request 0 never happened, silently."""
    with pytest.raises(ValueError, match="from 1"):
        FaultPlan.script({0: FaultKind.RATE_LIMITED})
    assert FaultPlan.script({1: FaultKind.RATE_LIMITED}).fault_for(1) == FaultKind.RATE_LIMITED
