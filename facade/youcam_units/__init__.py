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
application configures logging. In tests, ``set_testing()`` makes retries instant.
"""

import logging
from importlib.metadata import PackageNotFoundError, version

from ._async_client import AsyncClient
from ._client import Client
from ._config import RateLimit
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
from ._pagination import AsyncHistoryPager, HistoryPager
from ._retry import RetryEvent, set_testing
from ._settings import DEFAULT_RATE_LIMIT, DEFAULT_RATE_LIMITS
from ._unit_system import Balance, FeatureCost, UnitBucket, UnitType

try:
    __version__ = version("youcam-units")  # one source of the version: pyproject.toml
except PackageNotFoundError:  # pragma: no cover - imported from a source tree, not installed
    __version__ = "0+unknown"

# Silent unless the application configures logging, as httpx and urllib3 are: without these,
# Python's last-resort handler would print our retry warnings and stamina's own record of each.
logging.getLogger("youcam_units").addHandler(logging.NullHandler())
logging.getLogger("stamina").addHandler(logging.NullHandler())

__all__ = [
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
