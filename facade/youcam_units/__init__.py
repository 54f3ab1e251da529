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
"""

from ._async_client import AsyncClient
from ._base import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_RATE_LIMIT, DEFAULT_RATE_LIMITS
from ._client import Client
from ._config import RateLimit
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
from ._retry import RetryEvent
from ._unit_system import Balance, FeatureCost, UnitBucket, UnitType

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
    "forecast",
    "spend_rate",
]
