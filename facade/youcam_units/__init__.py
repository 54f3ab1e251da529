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

Each name is imported on first use (PEP 562): ``import youcam_units`` costs almost nothing, so a
program that needs one small piece (the CLI's ``--help``, an exception class) does not pay for
httpx, asyncio and the generated client.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ._accounts import Account, AccountsConfig, ConfigError, CredentialSource, load_config
    from ._async_client import AsyncClient
    from ._client import Client
    from ._config import PacingFileError, RateLimit
    from ._defaults import MAX_RESPONSE_BYTES as DEFAULT_MAX_RESPONSE_BYTES
    from ._errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        InvalidParametersError,
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
    from ._pagination import (
        AsyncFeatureCostPager,
        AsyncHistoryPager,
        FeatureCostPager,
        HistoryPager,
    )
    from ._retry import RetryEvent, set_testing
    from ._settings import DEFAULT_RATE_LIMIT, DEFAULT_RATE_LIMITS
    from ._token_pacing import TokenPacingError
    from ._unit_system import Balance, FeatureCost, FeatureCostPage, UnitBucket, UnitType

    __version__: str

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
_ACCOUNTS: Final = ("Account", "AccountsConfig", "ConfigError", "CredentialSource", "load_config")

_WHERE: Final[dict[str, tuple[str, str]]] = {
    **{name: ("._accounts", name) for name in _ACCOUNTS},
    "AsyncClient": ("._async_client", "AsyncClient"),
    "Client": ("._client", "Client"),
    **{name: ("._config", name) for name in ("PacingFileError", "RateLimit")},
    "DEFAULT_MAX_RESPONSE_BYTES": ("._defaults", "MAX_RESPONSE_BYTES"),
    "TokenPacingError": ("._token_pacing", "TokenPacingError"),
    **{name: ("._errors", name) for name in _ERRORS},
    **{name: ("._forecast", name) for name in _FORECAST},
    **{name: ("._models", name) for name in ("Action", "HistoryEntry", "Page", "UnitChange")},
    **{name: ("._pagination", name) for name in _PAGERS},
    **{name: ("._retry", name) for name in ("RetryEvent", "set_testing")},
    **{name: ("._settings", name) for name in ("DEFAULT_RATE_LIMIT", "DEFAULT_RATE_LIMITS")},
    **{name: ("._unit_system", name) for name in _UNIT_SYSTEM},
}
"""Where each public name lives: (module, name there)."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - 10+ ms

    try:
        return version("youcam-units")  # one source of the version: pyproject.toml
    except PackageNotFoundError:  # pragma: no cover - imported from a source tree, not installed
        return "0+unknown"


# Hidden from type checkers, which see the imports above: a misspelt name stays an error there.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        """Import a public name on first use, then keep it as an ordinary module attribute."""
        if name == "__version__":
            value: object = _version()
        elif name in _WHERE:
            module, attribute = _WHERE[name]
            value = getattr(import_module(module, __name__), attribute)
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
