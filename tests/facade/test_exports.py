"""The public surface: exactly the exported names, and the error tree they form."""

from __future__ import annotations

import youcam_units as yu

EXPECTED_ALL = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_RATE_LIMITS",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Action",
    "AsyncClient",
    "AsyncHistoryPager",
    "AuthenticationError",
    "Balance",
    "Client",
    "ExpiringUnits",
    "FeatureCost",
    "Forecast",
    "HistoryEntry",
    "HistoryPager",
    "InvalidParametersError",
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
    "UnitBucket",
    "UnitChange",
    "UnitType",
    "YouCamError",
    "__version__",
    "forecast",
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
    for other in (yu.APIStatusError, yu.ResponseValidationError, yu.PaginationError):
        assert issubclass(other, yu.YouCamError)
