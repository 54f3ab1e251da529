"""One mock server, one set of options: `youcam-units mock`, and `python -m youcam_units.mock`."""

from __future__ import annotations

import pytest
from youcam_units.mock import FaultKind, RateLimit, ServerSettings
from youcam_units.mock._defaults import FAULT_KINDS

click = pytest.importorskip("click", reason="the mock's options are the cli extra's (click)")


def settings_for(*args: str) -> ServerSettings:
    """The ``ServerSettings`` ``youcam-units mock ARGS`` would serve."""
    from youcam_units._cli._mock_command import mock, mock_settings  # noqa: PLC0415

    with mock.make_context("mock", list(args)) as ctx:
        return mock_settings(**ctx.params)


def test_the_mock_command_defaults_are_the_settings_defaults() -> None:
    """No arguments: exactly ``ServerSettings()``."""
    assert settings_for() == ServerSettings()


def test_the_mock_command_reads_every_setting() -> None:
    """Each option lands in its field."""
    settings = settings_for(
        *("--host", "0.0.0.0", "--port", "9", "--seed", "4", "--entries", "7"),  # noqa: S104
        *("--token", "a", "--token", "b", "--token-ttl", "60", "--rate-limit", "5/10"),
        *("--api-key", "k1", "--api-key", "k2"),
        *("--arrival-interval", "2", "--fault-rate", "0.5", "--fault-seed", "3"),
        *("--fault-kind", "500", "--slow-seconds", "1"),
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


def test_every_mock_option_has_help() -> None:
    """``youcam-units mock --help`` explains each option, not just its default."""
    from youcam_units._cli._mock_command import mock  # noqa: PLC0415

    options = [param for param in mock.params if isinstance(param, click.Option)]
    assert len(options) == 15
    assert [param.name for param in options if not param.help] == []


def test_the_fault_kinds_spelt_out_for_help_are_the_real_ones() -> None:
    """``--fault-kind`` is declared without importing the mock (a test keeps the two the same)."""
    assert tuple(kind.value for kind in FaultKind) == FAULT_KINDS
