"""The mock's banner offers a token the mock accepts, and never prints one you chose."""

from __future__ import annotations

from typing import TYPE_CHECKING

import youcam_units.mock

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest

    from cli.conftest import Invoke


def test_the_banner_offers_the_demo_token_only_when_it_is_accepted(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --token the demo token gets a 401, so the banner must not suggest it."""

    def bound_at_once(_settings: object, *, on_listening: Callable[[str, int], None]) -> None:
        on_listening("127.0.0.1", 8765)  # what serve() tells once bound, without serving

    monkeypatch.setattr(youcam_units.mock, "serve", bound_at_once)
    default = invoke("mock")
    assert "YOUCAM_ACCESS_TOKEN=demo-token " in default.stderr
    own = invoke("mock", "--token", "my-own-token-123")
    assert own.exit_code == 0, own.stderr
    assert "demo-token" not in own.stderr
    assert "my-own-token-123" not in own.stderr  # a secret is never printed
    assert "YOUCAM_ACCESS_TOKEN=" in own.stderr
