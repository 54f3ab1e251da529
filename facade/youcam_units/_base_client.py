"""The base client: everything Client and AsyncClient share, so that only their I/O differs.

The checked settings, the credentials, the repr and the shared steps of the request pipeline
exist once here; each client adds what awaits or blocks, and its public methods with their real
types. Compare httpx's ``Client``/``AsyncClient`` over ``BaseClient``.

One request, step by step (the names are in ``Client``; ``AsyncClient`` awaits the same):

1. build: a public method makes a ``Call`` (``_operations``: method, parameters, headers,
   an ``Idempotency-Key`` for a call that is not idempotent);
2. retry: ``_request`` runs attempts under ``_retry_run`` (``_retry``: which failures, how long);
3. refresh: ``_attempt`` sends once more with a new access token after a 401 that allows it;
4. pace and send: ``_send`` waits for the pacer, then runs the generated call over the httpx
   client of ``_transport`` (bearer, size cap, deadline, no redirect);
5. parse or fail: ``_responses.interpret`` gives the operation's result for a documented 2xx,
   and raises what ``error_from_response`` (the one status-to-error mapping) makes of the rest.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ._access_token import AccessTokenSource, env_token, resolve_api_key
from ._checks import (
    attempt_deadline,
    resolve_base_url,
    validate_max_response_bytes,
    validate_max_retries,
    validate_pacing_file,
    validate_rate_limits,
    validate_timeout,
    validate_token_pacing,
)
from ._config import (
    DEFAULT_MAX_RESPONSE_BYTES,
    ENV_API_KEY,
    MAX_FEATURE_COST_PAGE_SIZE,
    RequestBounds,
    RetryPolicy,
)
from ._errors import AuthenticationError, YouCamError
from ._logs import logger
from ._operations import IDEMPOTENCY_KEY_HEADER, Call, Credential
from ._pagination import NewItems, PageCursor
from ._retry import RetryRun

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from ._config import RateLimit
    from ._retry import RetryEvent
    from ._unit_system import FeatureCostPage

__all__ = ["INIT_DOC", "BaseClient", "ClientSettings"]

ResultT = TypeVar("ResultT")

#: The 401 error codes that mean a stale access token, worth asking the callable again.
_REFRESH_CODES = frozenset({None, "InvalidAccessToken"})

INIT_DOC = """Check every argument now, so that a bad one fails before any request.

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
pacing off. ``token_pacing`` (a ``postgresql://`` URL; the ``postgres`` extra) shares each
token's budget with every host pacing through that database, while ``pacing_file`` keeps this
host's (its IP's); ``on_wait`` is told the seconds of each pacing wait. Bounds: ``timeout``
(seconds) caps each wait and each attempt as a whole; a body past ``max_response_bytes``
(default 4 MiB) is refused; a redirect is an error, never followed.
"""


class ClientSettings:
    """Checked settings shared by Client and AsyncClient; all checks happen here, up front."""

    def __init__(
        self,
        *,
        base_url: str | None,
        http_client: httpx.Client | httpx.AsyncClient | None,
        timeout: object,
        max_retries: object,
        rate_limit: object,
        on_retry: Callable[[RetryEvent], None] | None,
        max_response_bytes: object = DEFAULT_MAX_RESPONSE_BYTES,
        pacing_file: object = None,
        token_pacing: object = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self.base_url = resolve_base_url(base_url, http_client)
        self.timeout = validate_timeout(timeout)
        self.bounds = RequestBounds(
            timeout=self.timeout,
            deadline=attempt_deadline(self.timeout),
            max_bytes=validate_max_response_bytes(max_response_bytes),
        )
        self.policy = RetryPolicy(max_retries=validate_max_retries(max_retries))
        self.rate_limits = validate_rate_limits(rate_limit)
        self.pacing_file = validate_pacing_file(pacing_file, self.rate_limits)
        self.token_pacing = validate_token_pacing(token_pacing, self.rate_limits)
        for name, hook in (("on_retry", on_retry), ("on_wait", on_wait)):
            if hook is not None and not callable(hook):
                raise TypeError(f"{name} must be a callable")
        self.on_retry = on_retry
        self.pacer = None
        if self.rate_limits is not None:
            # pyrate-limiter takes 20-40 ms to import: only a client that paces pays for it
            # (not the in-process mock's, nor a command that makes no request).
            from ._pacing import Pacer  # noqa: PLC0415

            self.pacer = Pacer(
                self.rate_limits,
                state_file=self.pacing_file,
                token_pacing=self.token_pacing,
                on_wait=on_wait,
            )

    @property
    def rate_limit(self) -> RateLimit | tuple[RateLimit, ...] | None:
        """The limits paced to: one ``RateLimit``, several, or ``None``."""
        limits = self.rate_limits
        return limits[0] if limits is not None and len(limits) == 1 else limits

    def describe(self, name: str) -> str:
        """A repr without secrets."""
        rates = self.rate_limits or ()
        limits = " + ".join(f"RateLimit({r.requests}, {r.period})" for r in rates) or "None"
        shared = f", pacing_file={str(self.pacing_file)!r}" if self.pacing_file else ""
        if self.token_pacing is not None:
            from ._redact import redact_url  # noqa: PLC0415

            shared += f", token_pacing={redact_url(self.token_pacing)!r}"
        return (
            f"{name}(base_url={self.base_url!r}, max_retries={self.policy.max_retries}, "
            f"rate_limit={limits}{shared})"
        )


class BaseClient:
    """What Client and AsyncClient hold alike: checked settings, the credentials, the pipeline."""

    #: The httpx client this client drives; the other client's name (its httpx client's too).
    _http_type: ClassVar[type[httpx.Client | httpx.AsyncClient]]
    _sibling: ClassVar[str]
    _allow_async_access_token: ClassVar[bool]
    _closed: bool = False

    def _setup(
        self,
        access_token: object,
        *,
        api_key: object,
        http_client: httpx.Client | httpx.AsyncClient | None,
        **settings: Any,  # noqa: ANN401 - ClientSettings' keyword arguments, checked there
    ) -> None:
        """What each client's ``__init__`` does (see ``INIT_DOC``)."""
        if http_client is not None and not isinstance(http_client, self._http_type):
            raise TypeError(
                f"http_client must be an httpx.{self._http_type.__name__}, got "
                f"{type(http_client).__name__} ({self._sibling} takes an httpx.{self._sibling})"
            )
        self._settings = ClientSettings(http_client=http_client, **settings)
        try:
            self._credentials = self._resolve_credentials(access_token, api_key)
        except BaseException:
            if self._settings.pacer is not None:
                self._settings.pacer.close()
            raise
        self._owns_http = http_client is None

    def __repr__(self) -> str:
        return self._settings.describe(type(self).__name__)

    @property
    def base_url(self) -> str:
        """The service this client talks to."""
        return self._settings.base_url

    def _feature_cost_cursor(
        self, page_size: object, starting_token: object, max_items: object
    ) -> PageCursor[FeatureCostPage]:
        """Needs the API key: without one this fails at once, before any request."""
        self._require(Credential.API_KEY)
        return PageCursor(
            page_size=page_size,
            starting_token=starting_token,
            max_items=max_items,
            max_page_size=MAX_FEATURE_COST_PAGE_SIZE,
            progress=NewItems(),
        )

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

    def _check_open(self, starting_token: str | None = None) -> None:
        """A closed client refuses before any request (httpx's own error is a bare RuntimeError)."""
        if self._closed:
            name = type(self).__name__
            raise YouCamError(
                f"this {name} is closed; create a new {name} (a listing continues from the "
                "error's continuation_token)",
                continuation_token=starting_token,
            )

    # The pipeline's shared steps; each client's _request runs them with its own I/O.

    def _retry_run(self, call: Call[ResultT]) -> RetryRun:
        """Retries for one request; a failure carries where a paged listing stood.

        A request that is not idempotent is sent again only under an idempotency key (the
        service then tells a repeat from a new request); without one it gets one attempt.
        """
        return RetryRun(
            self._settings.policy,
            continuation_token=call.starting_token,
            on_retry=self._settings.on_retry,
            repeatable=call.operation.idempotent or IDEMPOTENCY_KEY_HEADER in call.headers,
        )

    def _announce(self, call: Call[ResultT]) -> None:
        if logger.isEnabledFor(logging.DEBUG):  # no copy of the parameters for a silent logger
            logger.debug("%s %s", call.operation.name, dict(call.params))

    @staticmethod
    def _may_refresh(error: AuthenticationError, source: AccessTokenSource) -> bool:
        """A 401 saying the token is invalid or expired (or nothing more), from a callable."""
        return error.error_code in _REFRESH_CODES and source.refreshable
