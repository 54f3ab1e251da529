"""Who may ask, and how often: the mock's credentials and rate limits, judged before an operation.

A request names its credential as ``Authorization: Bearer <credential>``: an API key is accepted
by every operation, an access token by the v1.0 ones until it expires (401 otherwise). A request
so authenticated is then admitted by the rate limits (``_limits``), or refused with a 429.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from youcam_units.mock._limits import Limiter, token_id
from youcam_units.mock._unit_system import FEATURE_COST_PATH
from youcam_units.mock._wire import error_response

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from youcam_units.mock._limits import Limits, Scope, Window
    from youcam_units.mock._log import RequestLog
    from youcam_units.mock._wire import MockRequest, MockResponse

__all__ = ["Gate", "credentials"]

_BEARER: Final = re.compile(r"Bearer ([A-Za-z0-9._~+/=-]+)")


def credentials(values: Iterable[str], name: str) -> tuple[str, ...]:
    """The tokens or keys given, as a tuple; a bare str is refused (its characters are not keys)."""
    if isinstance(values, str | bytes):
        kind = type(values).__name__
        raise TypeError(f"{name} must be a list of str (put one in a list), not a bare {kind}")
    taken = tuple(values)
    if not all(isinstance(value, str) for value in taken):
        kinds = sorted({type(value).__name__ for value in taken})
        raise TypeError(f"{name} must hold str values only, got {', '.join(kinds)}")
    return taken


class Gate:
    """The credentials accepted, the limits' state, and what was judged of the request at hand.

    Callers hold the service's lock.
    """

    def __init__(
        self, api_keys: Iterable[str], limits: Limits | None, clock: Callable[[], float]
    ) -> None:
        self.api_keys = frozenset(credentials(api_keys, "api_keys"))
        self.tokens: dict[str, float | None] = {}
        """Each access token accepted, and when it expires (None: never)."""
        self.limiter = None if limits is None else Limiter(limits)
        self._clock = clock
        # The request being handled: its token's fingerprint, and the limit that refused it.
        self.judged_token: str | None = None
        self.judged_by: Scope | None = None

    def refusal(
        self, request: MockRequest, request_id: str, log: RequestLog, *, count: bool
    ) -> MockResponse | None:
        """The 401 or 429 that refuses ``request``, or None when it may be served."""
        api_key_only = request.path == FEATURE_COST_PATH
        token, problem = self._authenticate(
            request.headers.get("authorization"), api_key_only=api_key_only
        )
        if token is None:
            code = "InvalidApiKey" if api_key_only else "InvalidAccessToken"
            return error_response(401, code, problem, request_id)
        refused = self._admit(token, request.client, log, count=count)
        if refused is None:
            return None
        scope, window = refused
        per = "access token" if scope == "token" else "client IP"
        error = (
            f"Too many requests: at most {window.requests} per {window.seconds:g} seconds per {per}"
        )
        return error_response(429, "RateLimitExceeded", error, request_id)

    def _authenticate(self, header: str | None, *, api_key_only: bool) -> tuple[str | None, str]:
        what = "API key" if api_key_only else "Access token"
        if header is None:
            return None, f"{what} is not given"
        match = _BEARER.fullmatch(header)
        if match is None:
            expected = "api_key" if api_key_only else "access_token"
            return None, f"{what} is malformed: expected 'Bearer <{expected}>'"
        token = match.group(1)
        if token in self.api_keys:
            return token, ""
        if api_key_only or token not in self.tokens:
            return None, f"{what} is not valid"
        expiry = self.tokens[token]
        if expiry is not None and self._clock() >= expiry:
            return None, "Access token has expired"
        return token, ""

    def _admit(
        self, token: str, client: str | None, log: RequestLog, *, count: bool
    ) -> tuple[Scope, Window] | None:
        """The full window that refuses this request, or None; an admitted one is counted.

        ``count`` false (a faulted request answered as if served) spends no budget, and is not
        logged as judged.
        """
        if self.limiter is None:
            return None
        now = self._clock()
        refused = self.limiter.refusal(now, token=token, ip=client)
        if not count:
            return refused
        fingerprint = token_id(token)
        log.check(now, self.limiter.keys(fingerprint, client), admitted=refused is None)
        self.judged_token = fingerprint
        self.judged_by = None if refused is None else refused[0]
        if refused is None:
            self.limiter.admit(now, token=token, ip=client)
        return refused
