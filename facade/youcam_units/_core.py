"""The client core: everything Client and AsyncClient share, so that only their I/O differs.

Both clients are this class with three types filled in (the httpx client, the access token
callable, the pager): the constructor, its parameters and defaults, ``history()``, the repr and
the steps of the request pipeline exist once. Each client adds only what awaits or blocks: its
``_request`` (retries around one attempt), the attempt (pacing, one access-token refresh, the
generated call through a bounded channel), closing, and the context manager. Compare httpx's
``Client``/``AsyncClient`` over ``BaseClient``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

import httpx

from . import _defaults
from ._access_token import AccessTokenSource, resolve_api_key
from ._config import ENV_API_KEY, env_token
from ._errors import YouCamError
from ._interpret import should_refresh
from ._operations import FEATURE_COST, HISTORY, Credential
from ._pagination import (
    AsyncFeatureCostPager,
    AsyncHistoryPager,
    FeatureCostPager,
    HistoryPager,
    NewItems,
    PageCursor,
)
from ._retry import RetryRun
from ._settings import DEFAULT_RATE_LIMITS, ClientSettings

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Sequence

    from ._config import RateLimit
    from ._models import Page
    from ._operations import Call
    from ._retry import RetryEvent
    from ._unit_system import FeatureCostPage

__all__ = ["ClientCore"]

logger = logging.getLogger("youcam_units")

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
AccessTokenT = TypeVar("AccessTokenT")
PagerT = TypeVar("PagerT", HistoryPager, AsyncHistoryPager)
CostPagerT = TypeVar("CostPagerT", FeatureCostPager, AsyncFeatureCostPager)
ResultT = TypeVar("ResultT")


class ClientCore(Generic[HttpT, AccessTokenT, PagerT, CostPagerT]):
    """What Client and AsyncClient hold alike: checked settings, the credentials, the pipeline."""

    #: The httpx client this client drives; the other client's name (its httpx client's too).
    _http_type: ClassVar[type[httpx.Client | httpx.AsyncClient]]
    _sibling: ClassVar[str]
    _allow_async_access_token: ClassVar[bool]

    def __init__(
        self,
        access_token: str | AccessTokenT | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = _defaults.TIMEOUT,
        max_retries: int = _defaults.MAX_RETRIES,
        rate_limit: RateLimit | Sequence[RateLimit] | None = DEFAULT_RATE_LIMITS,
        http_client: HttpT | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        max_response_bytes: int = _defaults.MAX_RESPONSE_BYTES,
        pacing_file: str | os.PathLike[str] | None = None,
        token_pacing: str | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        """Check every argument now, so that a bad one fails before any request.

        Credentials: ``api_key`` (falling back to ``YOUCAM_API_KEY``) is the current credential
        and is sent for every operation; ``access_token`` (falling back to
        ``YOUCAM_ACCESS_TOKEN``), when given, is sent instead for the v1.0 operations (history,
        balance): a str, or a callable returning one that is asked again, once, after a 401.
        Feature cost needs the API key; a client with neither credential is refused. Neither
        appears in a repr, log or error. ``base_url`` falls back to the
        ``http_client``'s base URL, ``YOUCAM_BASE_URL``, then the production server.
        ``http_client`` (transport, proxies, event hooks) is used as given and left open; one
        the client creates itself is closed with it. ``on_retry`` is called with a
        ``RetryEvent`` before each retry's wait.

        Pacing: ``rate_limit`` (default ``DEFAULT_RATE_LIMITS``: 5 per second and 250 per
        300 s) is kept per process, or shared by every process pacing through the same
        ``pacing_file`` (the limits belong to the access token and the IP); ``None`` turns
        pacing off. ``token_pacing`` (a ``postgresql://`` URL; the ``postgres`` extra) shares
        each token's budget with every host pacing through that database, while
        ``pacing_file`` keeps this host's (its IP's); ``on_wait`` is told the seconds of each
        pacing wait. Bounds: ``timeout`` (seconds) caps each wait and each attempt as a whole;
        a body past ``max_response_bytes`` (default 4 MiB) is refused; a redirect is an error,
        never followed.
        """
        if http_client is not None and not isinstance(http_client, self._http_type):
            raise TypeError(
                f"http_client must be an httpx.{self._http_type.__name__}, got "
                f"{type(http_client).__name__} ({self._sibling} takes an httpx.{self._sibling})"
            )
        self._settings = ClientSettings(
            base_url=base_url,
            http_client=http_client,
            timeout=timeout,
            max_retries=max_retries,
            rate_limit=rate_limit,
            on_retry=on_retry,
            max_response_bytes=max_response_bytes,
            pacing_file=pacing_file,
            token_pacing=token_pacing,
            on_wait=on_wait,
        )
        try:
            self._credentials = self._resolve_credentials(access_token, api_key)
        except BaseException:
            if self._settings.pacer is not None:
                self._settings.pacer.close()
            raise
        self._owns_http = http_client is None
        self._http: HttpT = http_client if http_client is not None else self._new_http()

    def __repr__(self) -> str:
        return self._settings.describe(type(self).__name__)

    @property
    def base_url(self) -> str:
        """The service this client talks to."""
        return self._settings.base_url

    def history(
        self,
        *,
        page_size: int = _defaults.HISTORY_PAGE_SIZE,
        starting_token: str | None = None,
        max_items: int | None = None,
    ) -> PagerT:
        """History from ``starting_token`` on, newest first; no request until iterated."""
        cursor: PageCursor[Page] = PageCursor(
            page_size=page_size, starting_token=starting_token, max_items=max_items
        )
        return self._pager(cursor, self._history_call)

    def _history_call(self, page_size: int, page_token: str | None) -> Call[Page]:
        """One history request; what ``history()`` and ``history_page()`` both send."""
        return HISTORY.call(page_token, page_size=page_size)

    def feature_costs(
        self,
        *,
        page_size: int = _defaults.MAX_FEATURE_COST_PAGE_SIZE,
        starting_token: str | None = None,
        max_items: int | None = None,
    ) -> CostPagerT:
        """What each feature costs; no request until iterated. Needs the API key.

        ``starting_token`` continues a listing from an error's ``continuation_token``. Without
        an API key this fails at once, before any request.
        """
        self._require(Credential.API_KEY)
        cursor: PageCursor[FeatureCostPage] = PageCursor(
            page_size=page_size,
            starting_token=starting_token,
            max_items=max_items,
            max_page_size=_defaults.MAX_FEATURE_COST_PAGE_SIZE,
            progress=NewItems(),
        )
        return self._cost_pager(cursor, self._feature_cost_call)

    @staticmethod
    def _feature_cost_call(page_size: int, page_token: str | None) -> Call[FeatureCostPage]:
        return FEATURE_COST.call(page_token, page_size=page_size)

    def _resolve_credentials(
        self, access_token: object, api_key: object
    ) -> dict[Credential, AccessTokenSource]:
        """The bearer of each kind of operation: the access token for v1.0, else the API key."""
        key = resolve_api_key(api_key)
        allow_async = self._allow_async_access_token
        given = access_token is not None or env_token() is not None
        # With neither credential, AccessTokenSource(None) raises the "no credential" error.
        v1 = AccessTokenSource(
            access_token if given or key is None else key, allow_async=allow_async
        )
        credentials = {Credential.ACCESS_TOKEN: v1}
        if key is not None:
            credentials[Credential.API_KEY] = AccessTokenSource(key, allow_async=False)
        return credentials

    def _require(self, credential: Credential) -> AccessTokenSource:
        """The credential, or an error saying how to give it, before any request is made."""
        source = self._credentials.get(credential)
        if source is None:
            raise YouCamError(
                "feature cost needs the API key (it does not accept the access token): pass "
                f"api_key=... or set {ENV_API_KEY}"
            )
        return source

    def _new_http(self) -> HttpT:
        raise NotImplementedError  # pragma: no cover - each client makes its own

    def _pager(
        self, cursor: PageCursor[Page], call: Callable[[int, str | None], Call[Page]]
    ) -> PagerT:
        """A pager sending ``call(page_size, page_token)`` for each page."""
        raise NotImplementedError  # pragma: no cover - each client makes its own

    def _cost_pager(
        self,
        cursor: PageCursor[FeatureCostPage],
        call: Callable[[int, str | None], Call[FeatureCostPage]],
    ) -> CostPagerT:
        """A feature-cost pager sending ``call(page_size, page_token)`` for each page."""
        raise NotImplementedError  # pragma: no cover - each client makes its own

    # The pipeline's shared steps; each client's _request runs them with its own I/O.

    def _retry_run(self, call: Call[ResultT]) -> RetryRun:
        """Retries for one request; a failure carries where a paged listing stood."""
        return RetryRun(
            self._settings.policy,
            continuation_token=call.page_token,
            on_retry=self._settings.on_retry,
        )

    def _source(self, call: Call[ResultT]) -> AccessTokenSource:
        """The credential the operation sends as its bearer."""
        return self._require(call.operation.credential)

    def _announce(self, call: Call[ResultT]) -> None:
        if logger.isEnabledFor(logging.DEBUG):  # no copy of the parameters for a silent logger
            logger.debug("%s %s", call.operation.name, dict(call.params))

    @staticmethod
    def _needs_refresh(result: object, source: AccessTokenSource) -> bool:
        """A 401 for a stale credential that can be asked for again."""
        return isinstance(result, YouCamError) and should_refresh(result) and source.refreshable

    @staticmethod
    def _outcome(result: ResultT | YouCamError) -> ResultT:
        if isinstance(result, YouCamError):
            raise result
        return result
