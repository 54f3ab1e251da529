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


@pytest.mark.parametrize(
    ("tokens", "hint"),
    [
        ((), "YOUCAM_ACCESS_TOKEN=demo-token "),
        (("own-SECRET",), "YOUCAM_ACCESS_TOKEN=<a --token you gave> "),
    ],
)
def test_the_banner_suggests_a_token_the_mock_accepts(
    monkeypatch: pytest.MonkeyPatch, tokens: tuple[str, ...], hint: str
) -> None:
    """With --token, the demo token is refused: the banner does not offer it (nor echo yours)."""
    from click.testing import CliRunner  # noqa: PLC0415
    from youcam_units import mock as mock_module  # noqa: PLC0415
    from youcam_units._cli._mock_command import mock  # noqa: PLC0415

    def listening_at_once(_settings: ServerSettings, *, on_listening: object) -> None:
        on_listening("127.0.0.1", 8765)  # type: ignore[operator]

    monkeypatch.setattr(mock_module, "serve", listening_at_once)
    args = [arg for token in tokens for arg in ("--token", token)]
    result = CliRunner().invoke(mock, args)
    assert result.exit_code == 0, result.output
    assert hint in result.stderr
    assert "own-SECRET" not in result.stderr
