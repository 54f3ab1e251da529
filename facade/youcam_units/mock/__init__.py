"""A stateful mock of the YouCam unit system (history, balance, feature costs), for tests and demos.

One implementation of the semantics (:meth:`MockService.handle`) behind two adapters::

    service = MockService(seed=1, entries=1_000)
    client = httpx.Client(transport=service.transport(), base_url="https://mock")  # in-process
    app = service.asgi_app()                           # ASGI
    serve(ServerSettings(port=8765))  # uvicorn: python -m youcam_units.mock, youcam-units mock

The in-process path needs only httpx; serving over HTTP needs the ``mock`` extra (uvicorn).
Each name is imported on first use (PEP 562), so the CLI's ``--help`` can show the defaults
(``_defaults``) without importing the service.
"""

from typing import TYPE_CHECKING, Final

from youcam_units._lazy import lazy_exports

if TYPE_CHECKING:
    from youcam_units.mock._asgi import MockASGIApp
    from youcam_units.mock._data import make_entry
    from youcam_units.mock._faults import FaultKind, FaultPlan
    from youcam_units.mock._history import HISTORY_PATH
    from youcam_units.mock._limits import Limits, RateLimit, Window, token_id
    from youcam_units.mock._log import RequestLog, RequestRecord
    from youcam_units.mock._server import ServerSettings, ServerUnavailableError, serve
    from youcam_units.mock._service import DEFAULT_TOKEN, MockService
    from youcam_units.mock._unit_system import (
        BALANCE_PATH,
        DEFAULT_API_KEY,
        FEATURE_COST_PATH,
        MOCK_NOW_MS,
        SKUS,
    )
    from youcam_units.mock._wire import MockRequest, MockResponse

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
    "Limits",
    "MockASGIApp",
    "MockRequest",
    "MockResponse",
    "MockService",
    "RateLimit",
    "RequestLog",
    "RequestRecord",
    "ServerSettings",
    "ServerUnavailableError",
    "Window",
    "make_entry",
    "serve",
    "token_id",
]

_WHERE: Final[dict[str, str]] = {
    "MockASGIApp": "._asgi",
    "make_entry": "._data",
    **dict.fromkeys(("FaultKind", "FaultPlan"), "._faults"),
    "HISTORY_PATH": "._history",
    **dict.fromkeys(("Limits", "RateLimit", "Window", "token_id"), "._limits"),
    **dict.fromkeys(("RequestLog", "RequestRecord"), "._log"),
    **dict.fromkeys(("ServerSettings", "ServerUnavailableError", "serve"), "._server"),
    **dict.fromkeys(("DEFAULT_TOKEN", "MockService"), "._service"),
    **dict.fromkeys(
        ("BALANCE_PATH", "DEFAULT_API_KEY", "FEATURE_COST_PATH", "MOCK_NOW_MS", "SKUS"),
        "._unit_system",
    ),
    **dict.fromkeys(("MockRequest", "MockResponse"), "._wire"),
}
"""The module each public name lives in."""

# Hidden from type checkers, which see the imports above: a misspelt name stays an error there.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE, globals(), __all__)
