"""MockService refuses arguments that would make it quietly serve something else than asked."""

from __future__ import annotations

from typing import Any

import pytest
from youcam_units.mock import MockService


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
