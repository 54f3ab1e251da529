"""youcam-units: read, export and keep a local copy of your YouCam API unit history.

``Client`` / ``AsyncClient`` page through ``GET /s2s/v1.0/client/credit/history`` with the
generated client underneath, retrying transient failures and pacing under the service's
rate limit; everything they return or raise is defined here::

    import youcam_units

    with youcam_units.Client() as client:  # YOUCAM_ACCESS_TOKEN, or Client("token")
        pager = client.history()
        try:
            for entry in pager:
                print(entry.timestamp, entry.action, entry.amount)
        except youcam_units.YouCamError as error:
            resume_from = error.continuation_token  # == pager.next_token; nothing is lost

Like any library it logs (retries, on the ``youcam_units`` logger) but prints nothing unless the
application configures logging (``_logs``, imported by the modules that log). In tests,
``set_testing()`` makes retries instant.

Each name is imported on first use (PEP 562, ``_lazy``): ``import youcam_units`` costs almost
nothing, so a program that needs one small piece (the CLI's ``--help``, an exception class) does
not pay for httpx, asyncio and the generated client.
"""

from typing import TYPE_CHECKING, Final

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from ._accounts import Account, AccountsConfig, ConfigError, CredentialSource
    from ._accounts_file import load_config
    from ._async_client import AsyncClient
    from ._client import Client
    from ._config import (
        DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_RATE_LIMIT,
        DEFAULT_RATE_LIMITS,
        RateLimit,
    )
    from ._errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        InvalidParametersError,
        PacingFileError,
        PaginationError,
        RateLimitError,
        RedirectError,
        ResponseTooLargeError,
        ResponseValidationError,
        ServerError,
        YouCamError,
    )
    from ._forecast import ExpiringUnits, Forecast, SpendRate, forecast, spend_rate
    from ._models import Action, HistoryEntry, Page, UnitChange
    from ._pager_aliases import (
        AsyncFeatureCostPager,
        AsyncHistoryPager,
        FeatureCostPager,
        HistoryPager,
    )
    from ._retry import RetryEvent, set_testing
    from ._token_pacing import TokenPacingError
    from ._unit_system import Balance, FeatureCost, FeatureCostPage, UnitBucket, UnitType
    from ._version import __version__

__all__ = [
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

_ERRORS: Final = (
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "InvalidParametersError",
    "PacingFileError",
    "PaginationError",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "YouCamError",
)
_PAGERS: Final = ("AsyncFeatureCostPager", "AsyncHistoryPager", "FeatureCostPager", "HistoryPager")
_UNIT_SYSTEM: Final = ("Balance", "FeatureCost", "FeatureCostPage", "UnitBucket", "UnitType")
_FORECAST: Final = ("ExpiringUnits", "Forecast", "SpendRate", "forecast", "spend_rate")
_CONFIG: Final = (
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_RATE_LIMITS",
    "RateLimit",
)
_ACCOUNTS: Final = ("Account", "AccountsConfig", "ConfigError", "CredentialSource")

_WHERE: Final[dict[str, str]] = {
    **dict.fromkeys(_ACCOUNTS, "._accounts"),
    "load_config": "._accounts_file",
    "AsyncClient": "._async_client",
    "Client": "._client",
    **dict.fromkeys(_CONFIG, "._config"),
    **dict.fromkeys(_ERRORS, "._errors"),
    **dict.fromkeys(_FORECAST, "._forecast"),
    **dict.fromkeys(("Action", "HistoryEntry", "Page", "UnitChange"), "._models"),
    **dict.fromkeys(_PAGERS, "._pager_aliases"),
    **dict.fromkeys(("RetryEvent", "set_testing"), "._retry"),
    **dict.fromkeys(_UNIT_SYSTEM, "._unit_system"),
    "__version__": "._version",
    "TokenPacingError": "._token_pacing",
}
"""The module each public name lives in."""

# Hidden from type checkers, which see the imports above: a misspelt name stays an error there.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE, globals(), __all__)
