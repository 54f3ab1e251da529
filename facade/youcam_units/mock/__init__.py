"""A stateful mock of the YouCam unit system (history, balance, feature costs), for tests and demos.

One implementation of the semantics (:meth:`MockService.handle`) behind two adapters::

    service = MockService(seed=1, entries=1_000)
    client = httpx.Client(transport=service.transport(), base_url="https://mock")  # in-process
    app = service.asgi_app()                           # ASGI
    serve(ServerSettings(port=8765))  # uvicorn: python -m youcam_units.mock, youcam-units mock

The in-process path needs only httpx; serving over HTTP needs the ``mock`` extra (uvicorn).
"""

from youcam_units.mock._asgi import MockASGIApp
from youcam_units.mock._data import make_entry
from youcam_units.mock._faults import FaultKind, FaultPlan
from youcam_units.mock._server import ServerSettings, ServerUnavailableError, serve
from youcam_units.mock._service import (
    DEFAULT_TOKEN,
    HISTORY_PATH,
    MockRequest,
    MockResponse,
    MockService,
    RateLimit,
    RequestLog,
    RequestRecord,
)
from youcam_units.mock._unit_system import (
    BALANCE_PATH,
    DEFAULT_API_KEY,
    FEATURE_COST_PATH,
    MOCK_NOW_MS,
    SKUS,
)

__all__ = [
    "BALANCE_PATH",
    "DEFAULT_API_KEY",
    "DEFAULT_TOKEN",
    "FEATURE_COST_PATH",
    "HISTORY_PATH",
    "MOCK_NOW_MS",
    "SKUS",
    "FaultKind",
    "FaultPlan",
    "MockASGIApp",
    "MockRequest",
    "MockResponse",
    "MockService",
    "RateLimit",
    "RequestLog",
    "RequestRecord",
    "ServerSettings",
    "ServerUnavailableError",
    "make_entry",
    "serve",
]
