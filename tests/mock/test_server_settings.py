"""One mock server, one set of defaults: `python -m youcam_units.mock`, `youcam-units mock`."""

from __future__ import annotations

import pytest
from youcam_units.mock import FaultKind, RateLimit, ServerSettings
from youcam_units.mock.__main__ import parse_args


def test_the_module_command_defaults_are_the_settings_defaults() -> None:
    """No arguments: exactly ``ServerSettings()``."""
    assert parse_args([]) == ServerSettings()


def test_the_module_command_reads_every_setting() -> None:
    """Each option lands in its field."""
    settings = parse_args(
        [
            *("--host", "0.0.0.0", "--port", "9", "--seed", "4", "--entries", "7"),  # noqa: S104
            *("--token", "a", "--token", "b", "--token-ttl", "60", "--rate-limit", "5/10"),
            *("--api-key", "k1", "--api-key", "k2"),
            *("--arrival-interval", "2", "--fault-rate", "0.5", "--fault-seed", "3"),
            *("--fault-kind", "500", "--slow-seconds", "1"),
        ]
    )
    assert settings == ServerSettings(
        host="0.0.0.0",  # noqa: S104
        port=9,
        seed=4,
        entries=7,
        tokens=("a", "b"),
        api_keys=("k1", "k2"),
        token_ttl=60.0,
        rate_limit=RateLimit(requests=5, window=10.0),
        arrival_interval=2.0,
        fault_rate=0.5,
        fault_seed=3,
        fault_kinds=(FaultKind.SERVER_ERROR,),
        slow_seconds=1.0,
    )


def test_the_cli_mock_command_has_the_same_defaults() -> None:
    """``youcam-units mock``'s options default to the same settings."""
    pytest.importorskip("click")
    from youcam_units._cli._mock_command import mock  # noqa: PLC0415 - the cli extra

    defaults = {param.name: param.default for param in mock.params}
    expected = ServerSettings()
    del defaults["limits"]  # no default: the limits are off unless given, as in ServerSettings
    assert expected.limits is None
    assert defaults.pop("limits_per") == "both"
    assert defaults == {
        "host": expected.host,
        "port": expected.port,
        "entries": expected.entries,
        "seed": expected.seed,
    }
