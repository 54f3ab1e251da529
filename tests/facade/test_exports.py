"""The public surface: exactly the exported names, and the error tree they form."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest
import youcam_units as yu
from youcam_units import mock

EXPECTED_ALL = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_RATE_LIMITS",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Account",
    "AccountsConfig",
    "Action",
    "AsyncClient",
    "AsyncFeatureCostPager",
    "AsyncHistoryPager",
    "AuthenticationError",
    "Balance",
    "Client",
    "ConfigError",
    "CredentialSource",
    "ExpiringUnits",
    "FeatureCost",
    "FeatureCostPage",
    "FeatureCostPager",
    "Forecast",
    "HistoryEntry",
    "HistoryPager",
    "InvalidParametersError",
    "PacingFileError",
    "Page",
    "PaginationError",
    "RateLimit",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryEvent",
    "ServerError",
    "SpendRate",
    "TokenPacingError",
    "UnitBucket",
    "UnitChange",
    "UnitType",
    "YouCamError",
    "__version__",
    "forecast",
    "load_config",
    "set_testing",
    "spend_rate",
]


def test_all_is_pinned() -> None:
    """youcam_units.__all__ is exactly the public API; changing it is a deliberate act."""
    assert yu.__all__ == EXPECTED_ALL
    for name in EXPECTED_ALL:
        assert hasattr(yu, name)


def test_error_tree() -> None:
    """The error hierarchy is the one issue 3 fixes."""
    assert issubclass(yu.APITimeoutError, yu.APIConnectionError)
    assert issubclass(yu.APIConnectionError, yu.YouCamError)
    for cls in (
        yu.InvalidParametersError,
        yu.AuthenticationError,
        yu.RateLimitError,
        yu.ServerError,
    ):
        assert issubclass(cls, yu.APIStatusError)
    for other in (
        yu.APIStatusError,
        yu.ResponseValidationError,
        yu.PaginationError,
        yu.PacingFileError,
    ):
        assert issubclass(other, yu.YouCamError)


@pytest.mark.slow
def test_names_are_imported_on_first_use() -> None:
    """``import youcam_units`` loads no httpx; each name resolves on use, unknown ones fail."""
    code = (
        "import sys, youcam_units\n"
        "before = sorted(m for m in ('httpx', 'youcam_units._client', 'importlib.metadata')"
        " if m in sys.modules)\n"
        "client = youcam_units.Client\n"
        "print(before, 'httpx' in sys.modules, client.__module__, youcam_units.__version__)\n"
    )
    result = subprocess.run(  # noqa: S603 - the interpreter with fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["[]", "True", "youcam_units._client", version("youcam-units")]


def test_lazy_names_behave_as_attributes() -> None:
    """Each exported name is the object its module defines; ``dir`` lists them; typos fail."""
    assert yu.Client is yu._client.Client
    assert yu.DEFAULT_MAX_RESPONSE_BYTES == yu._config.DEFAULT_MAX_RESPONSE_BYTES
    assert set(EXPECTED_ALL) <= set(dir(yu))
    with pytest.raises(AttributeError, match="has no attribute 'Clinet'"):
        _ = yu.Clinet  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_mock_imports_its_service_on_first_use() -> None:
    """``import youcam_units.mock`` (the CLI's defaults) does not build the mock service."""
    code = (
        "import sys, youcam_units.mock as mock\n"
        "print('youcam_units.mock._service' in sys.modules, mock.MockService.__module__)\n"
    )
    result = subprocess.run(  # noqa: S603 - the interpreter with fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["False", "youcam_units.mock._service"]
    assert set(mock.__all__) <= set(dir(mock))
    for name in mock.__all__:
        assert getattr(mock, name) is not None
    with pytest.raises(AttributeError, match="has no attribute 'MockServise'"):
        _ = mock.MockServise  # type: ignore[attr-defined]
