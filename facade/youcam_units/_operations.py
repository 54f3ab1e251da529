"""The operations the clients run, each described once; both clients run them the same way.

An ``Operation`` is what one endpoint needs beyond the pipeline (``_base_client``); a ``Call`` is
one request of it (compare openai-python's ``FinalRequestOptions``). Adding an operation is: the
spec, ``scripts/regenerate``, one ``Operation`` here and one public method per client.

Retrying a request that is not idempotent (a POST) is safe only when the service can tell a
repeat from a new request: such a call carries an ``Idempotency-Key`` header made once, when
the call is made, and sent unchanged by every retry of it (as stripe and openai do).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from youcam_units_api.api.credit import get_credit_balance, get_credit_history, get_feature_cost
from youcam_units_api.models.credit_balance_response import CreditBalanceResponse
from youcam_units_api.models.credit_history_response import CreditHistoryResponse
from youcam_units_api.models.feature_cost_response import FeatureCostResponse

from ._models import Page

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    import httpx
    from youcam_units_api.types import Response

    from ._unit_system import Balance, FeatureCostPage

__all__ = [
    "BALANCE",
    "FEATURE_COST",
    "HISTORY",
    "IDEMPOTENCY_KEY_HEADER",
    "IDEMPOTENT_METHODS",
    "Call",
    "Credential",
    "Operation",
]

ResultT = TypeVar("ResultT")

#: The methods HTTP defines as idempotent (RFC 9110 9.2.2): repeating one changes nothing more.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"


class Credential(enum.Enum):
    """What an operation sends as its bearer.

    The v1.0 operations take the access token (the API key when no access token is given); the
    v2.0 ones (feature cost) take the API key itself (``BearerAuthenticationV2``).
    """

    ACCESS_TOKEN = "access_token"  # noqa: S105 - a credential's name, not a token
    API_KEY = "api_key"


@dataclass(frozen=True, slots=True)
class Operation(Generic[ResultT]):
    """One endpoint, described once.

    ``result`` turns the generated 200 model, the same body read exactly (fractions as
    ``Decimal``), the raw response and the ``starting_token`` the request started from into the
    facade's type; raising one of ``PARSE_ERRORS`` makes the answer a
    ``ResponseValidationError``. ``starting_token_param`` names the generated parameter that
    carries the ``starting_token``, ``None`` for an operation that is not paged. ``method`` is the
    generated call's; ``ok_statuses`` are the documented successes (``ok_model`` their body).
    """

    name: str
    sync_call: Callable[..., Response[Any]]
    async_call: Callable[..., Awaitable[Response[Any]]]
    ok_model: type[Any]
    result: Callable[[Any, Any, httpx.Response, str | None], ResultT]
    credential: Credential = Credential.ACCESS_TOKEN
    starting_token_param: str | None = None
    method: str = "GET"
    ok_statuses: frozenset[int] = frozenset({200})

    @property
    def idempotent(self) -> bool:
        """Whether sending it twice is the same as once (else it carries an idempotency key)."""
        return self.method.upper() in IDEMPOTENT_METHODS

    def call(self, starting_token: str | None = None, **params: Any) -> Call[ResultT]:  # noqa: ANN401
        """One request of this operation, with already checked parameters."""
        if self.starting_token_param is not None:
            params[self.starting_token_param] = starting_token
        elif starting_token is not None:  # pragma: no cover - a programming error
            raise TypeError(f"{self.name} is not paged; it takes no starting_token")
        headers = {} if self.idempotent else {IDEMPOTENCY_KEY_HEADER: str(uuid.uuid4())}
        return Call(self, params, starting_token, headers)


@dataclass(frozen=True, slots=True)
class Call(Generic[ResultT]):
    """One request: the operation, its generated call's arguments, its ``starting_token``."""

    operation: Operation[ResultT]
    params: Mapping[str, Any] = field(default_factory=dict)
    #: Where a paged listing stood: errors carry it as ``continuation_token``, nothing is lost.
    starting_token: str | None = None
    #: Headers of ours that every attempt sends (the idempotency key, made once per call).
    headers: Mapping[str, str] = field(default_factory=dict)


def _history_page(
    parsed: CreditHistoryResponse,  # noqa: ARG001 - the exact parse is what is read
    exact: Any,  # noqa: ANN401 - parsed JSON is Any by nature
    response: httpx.Response,
    starting_token: str | None,
) -> Page:
    request_id = response.headers.get("x-request-id")
    return Page.from_dict(exact, request_id=request_id, starting_token=starting_token)


#: ``GET /s2s/v1.0/client/credit/history``: one page of the unit history, newest first.
HISTORY: Operation[Page] = Operation(
    name="GET credit history",
    sync_call=get_credit_history.sync_detailed,
    async_call=get_credit_history.asyncio_detailed,
    ok_model=CreditHistoryResponse,
    result=_history_page,
    starting_token_param="starting_token",  # noqa: S106 - a parameter's name
)


def _balance(
    parsed: CreditBalanceResponse,  # noqa: ARG001 - the exact parse is what is read
    exact: Any,  # noqa: ANN401 - parsed JSON is Any by nature
    response: httpx.Response,  # noqa: ARG001
    starting_token: str | None,  # noqa: ARG001
) -> Balance:
    from ._unit_system import Balance  # noqa: PLC0415 - a history read never needs it

    return Balance.from_dict(exact)


def _feature_cost_page(
    parsed: FeatureCostResponse,  # noqa: ARG001 - the exact parse is what is read
    exact: Any,  # noqa: ANN401 - parsed JSON is Any by nature
    response: httpx.Response,
    starting_token: str | None,
) -> FeatureCostPage:
    from ._unit_system import FeatureCostPage  # noqa: PLC0415 - a history read never needs it

    request_id = response.headers.get("x-request-id")
    return FeatureCostPage.from_dict(exact, request_id=request_id, starting_token=starting_token)


#: ``GET /s2s/v1.0/client/credit``: the balance, one item per unit bucket.
BALANCE: Operation[Balance] = Operation(
    name="GET credit balance",
    sync_call=get_credit_balance.sync_detailed,
    async_call=get_credit_balance.asyncio_detailed,
    ok_model=CreditBalanceResponse,
    result=_balance,
)

#: ``GET /s2s/v2.0/credit/feature-cost``: one page of what each feature costs; API key only.
FEATURE_COST: Operation[FeatureCostPage] = Operation(
    name="GET feature cost",
    sync_call=get_feature_cost.sync_detailed,
    async_call=get_feature_cost.asyncio_detailed,
    ok_model=FeatureCostResponse,
    result=_feature_cost_page,
    credential=Credential.API_KEY,
    starting_token_param="starting_token",  # noqa: S106 - a parameter's name
)
