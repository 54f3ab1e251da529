"""Fixtures for the CLI tests: the command run in-process by click's CliRunner against the mock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import stamina
from click.testing import CliRunner
from youcam_units._cli import cli
from youcam_units._cli._commands import Runtime
from youcam_units.mock import DEFAULT_TOKEN, MockService


@dataclass
class Run:
    """One invocation's outcome: exit code and the two streams, kept apart."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """Both streams, for checks that must hold on everything printed."""
        return self.stdout + self.stderr


Invoke = Callable[..., Run]


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A clean environment: the mock's token, no base URL or db overrides, a private data dir."""
    monkeypatch.setenv("YOUCAM_ACCESS_TOKEN", DEFAULT_TOKEN)
    monkeypatch.delenv("YOUCAM_BASE_URL", raising=False)
    monkeypatch.delenv("YOUCAM_UNITS_DB", raising=False)
    monkeypatch.delenv("YOUCAM_UNITS_PACING_FILE", raising=False)
    monkeypatch.delenv("YOUCAM_UNITS_CONFIG", raising=False)
    monkeypatch.delenv("YOUCAM_UNITS_ACCOUNT", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(autouse=True)
def no_retry_waits() -> Iterator[None]:
    """Retries happen (twice at most) but without their backoff sleeps."""
    stamina.set_testing(True, attempts=2)
    yield
    stamina.set_testing(False)


@pytest.fixture
def service() -> MockService:
    """150 entries: five pages of 30."""
    return MockService(seed=5, entries=150)


@pytest.fixture
def invoke(service: MockService) -> Invoke:
    """Run ``youcam-units ARGS`` in-process, reading ``service`` through its httpx transport."""

    def run(*args: str, runtime: Runtime | None = None) -> Run:
        runtime = runtime or Runtime(
            transport=service.transport(), client_options={"rate_limit": None}
        )
        result = CliRunner().invoke(cli, list(args), obj=runtime, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run
