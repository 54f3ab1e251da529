"""The access token source: a fixed string, or a callable asked again after a 401."""

from __future__ import annotations

import inspect
import os
from typing import TYPE_CHECKING, cast

from ._config import ENV_ACCESS_TOKEN, ENV_API_KEY
from ._logs import logger

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

__all__ = ["AccessTokenSource", "env_token", "normalize_token", "resolve_api_key"]


class AccessTokenSource:
    """The access token: a fixed string, or a callable asked again after a 401."""

    def __init__(self, access_token: object, *, allow_async: bool) -> None:
        self._allow_async = allow_async
        self._provider: Callable[[], object] | None = None
        self._token: str | None = None
        if access_token is None:
            from_env = env_token()
            if from_env is None:
                raise ValueError(
                    "no credential: pass api_key=... (or access_token=..., a str or a callable "
                    f"returning one), or set {ENV_API_KEY} (or {ENV_ACCESS_TOKEN})"
                )
            self._token = normalize_token(from_env, source=ENV_ACCESS_TOKEN)
        elif isinstance(access_token, str):
            self._token = normalize_token(access_token, source="the access_token argument")
        elif callable(access_token):
            self._provider = access_token
        else:
            raise TypeError(
                "access_token must be a str or a callable returning one, got "
                f"{type(access_token).__name__}"
            )

    def __repr__(self) -> str:
        return "AccessTokenSource([redacted])"

    @property
    def refreshable(self) -> bool:
        """Whether a new token can be asked for (only a callable can give one)."""
        return self._provider is not None

    def get(self) -> str:
        """The token, asking the callable the first time."""
        if self._token is None:
            self._token = self._accept(self._call())
        return self._token

    def refresh(self) -> str:
        """Ask the callable again (after a 401)."""
        self._token = None
        logger.info("access token rejected (401); asking the access_token callable for a new one")
        return self.get()

    async def aget(self) -> str:
        """The token, asking the (possibly async) callable the first time."""
        if self._token is None:
            value = self._call()
            if inspect.isawaitable(value):
                value = await cast("Awaitable[object]", value)
            self._token = self._accept(value)
        return self._token

    async def arefresh(self) -> str:
        """Ask the (possibly async) callable again (after a 401)."""
        self._token = None
        logger.info("access token rejected (401); asking the access_token callable for a new one")
        return await self.aget()

    def _call(self) -> object:
        if self._provider is None:  # pragma: no cover - a fixed token is always set
            raise RuntimeError("no access token provider")
        value = self._provider()
        if inspect.isawaitable(value) and not self._allow_async:
            if inspect.iscoroutine(value):
                value.close()
            raise TypeError(
                "the access_token callable returned an awaitable; Client needs a plain function, "
                "use AsyncClient for an async one"
            )
        return value

    @staticmethod
    def _accept(value: object) -> str:
        return normalize_token(value, source="the access_token callable")


def resolve_api_key(api_key: object) -> str | None:
    """The API key: the argument, else ``YOUCAM_API_KEY``, else ``None``; checked, never echoed."""
    if api_key is None:
        from_env = env_token(ENV_API_KEY)
        if from_env is None:
            return None
        return normalize_token(from_env, source=ENV_API_KEY, kind="API key")
    if not isinstance(api_key, str):
        raise TypeError(f"api_key must be a str or None, got {type(api_key).__name__}")
    return normalize_token(api_key, source="the api_key argument", kind="API key")


def normalize_token(raw: object, *, source: str, kind: str = "access token") -> str:
    """Return the bare token, forgiving the documented mistakes; never echo the token.

    ``kind`` names the credential in messages: ``"access token"`` or ``"API key"``.
    """
    if not isinstance(raw, str):
        raise TypeError(f"the {kind} from {source} must be a str, got {type(raw).__name__}")
    token = raw.strip().removeprefix("\ufeff").strip()  # a BOM from a Windows editor
    for _ in range(3):  # "<Bearer x>", "Bearer <x>", '"x"' are all seen
        if len(token) > 1 and token[0] == token[-1] and token[0] in "\"'":
            token = token[1:-1].strip()
        if token.startswith("<") and token.endswith(">"):
            token = token[1:-1].strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
    if token.lower() == "bearer":  # "Bearer " alone, stripped
        token = ""
    if not token:
        where = (
            f"the API key from the YouCam API console, or set {ENV_API_KEY}"
            if kind == "API key"
            else f"the token from POST /s2s/v1.0/client/auth, or set {ENV_ACCESS_TOKEN}"
        )
        raise ValueError(f"the {kind} from {source} is empty; pass {where}")
    if not token.isascii():
        raise ValueError(
            f"the {kind} from {source} contains non-ASCII characters (curly quotes or "
            f"dashes pasted from a document?); copy the {kind} again as plain text"
        )
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ValueError(
            f"the {kind} from {source} contains spaces or control characters; pass the "
            f"{kind} alone, without 'Bearer ', quotes or angle brackets"
        )
    return token


def env_token(name: str = ENV_ACCESS_TOKEN) -> str | None:
    """``YOUCAM_ACCESS_TOKEN`` (or the variable ``name``), when set and not blank."""
    value = os.environ.get(name)
    return value if value and value.strip() else None
