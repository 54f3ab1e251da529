"""Stateful httpx.MockTransport handlers and sync/async drivers for the facade's tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import youcam_units as yu

Mode = Literal["sync", "async"]
MODES: tuple[Mode, ...] = ("sync", "async")

TOKEN = "s3cr3t-Access-Token-0123456789"  # noqa: S105 - a fake token the tests hunt for
TOKEN_BASE = 13045969587275114  # page tokens look like snowflakes, beyond 2**53
REQUEST_ID_BASE = 38173479337460984
BIG = 2**60


def entry(i: int, **overrides: Any) -> dict[str, Any]:
    """One history entry in the service's shape, with ids beyond 2**53."""
    data: dict[str, Any] = {
        "id": BIG + i,
        "timestamp": 1_703_146_067_000 - i,  # newest first, as the service sends them
        "action": "api_photo_enhance",
        "target_id": f"task-{i}",
        "info": {
            "credits": [{"id": BIG + 1000 + i, "amount": -2}, {"id": BIG + 2000, "amount": 1}]
        },
    }
    data.update(overrides)
    return data


def error_response(
    status: int, code: str | None = None, message: str = "failed", **headers: str
) -> httpx.Response:
    """The platform's error envelope {status, error, error_code}."""
    body: dict[str, Any] = {"status": status, "error": message}
    if code is not None:
        body["error_code"] = code
    return httpx.Response(status, json=body, headers=headers)


Scripted = httpx.Response | Exception


@dataclass
class FakeService:
    """Serves ``count`` entries in token-linked pages; scripted failures are served first."""

    count: int = 0
    last_marker: Literal["null", "absent", "empty"] = "null"
    entries: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str | None, list[Scripted]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    repeat_token: str | None = None

    def __post_init__(self) -> None:
        if not self.entries:
            self.entries = [entry(i) for i in range(self.count)]

    def fail(self, starting_token: str | None, *responses: Scripted) -> None:
        """Serve ``responses`` in turn to requests for the page at ``starting_token``."""
        self.failures.setdefault(starting_token, []).extend(responses)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Answer one request: a scripted failure for its token, else the next page."""
        self.requests.append(request)
        token = request.url.params.get("starting_token")
        scripted = self.failures.get(token)
        if scripted:
            item = scripted.pop(0)
            if isinstance(item, Exception):
                raise item
            item.headers.setdefault("x-request-id", self.request_id)
            return item
        size = int(request.url.params.get("page_size", "20"))
        start = 0 if token is None else int(token) - TOKEN_BASE
        chunk = self.entries[start : start + size]
        end = start + len(chunk)
        result: dict[str, Any] = {"history": chunk}
        if end < len(self.entries):
            result["next_token"] = self.repeat_token or str(TOKEN_BASE + end)
        elif self.last_marker == "null":
            result["next_token"] = None
        elif self.last_marker == "empty":
            result["next_token"] = ""
        return httpx.Response(
            200, json={"status": 200, "result": result}, headers={"x-request-id": self.request_id}
        )

    @property
    def request_id(self) -> str:
        """The x-request-id of the latest request."""
        return str(REQUEST_ID_BASE + len(self.requests))

    def page_sizes(self) -> list[int]:
        """The page_size of each request made."""
        return [int(r.url.params["page_size"]) for r in self.requests]

    def tokens(self) -> list[str | None]:
        """The starting_token of each request made."""
        return [r.url.params.get("starting_token") for r in self.requests]


@dataclass
class Outcome:
    """What one run of the pager produced."""

    entries: list[yu.HistoryEntry] = field(default_factory=list)
    pages: list[yu.Page] = field(default_factory=list)
    error: yu.YouCamError | None = None
    next_token: str | None = None
    exhausted: bool = False


def client_kwargs(**overrides: Any) -> dict[str, Any]:
    """Defaults for test clients: the fake token, no pacing (tests never wait)."""
    kwargs: dict[str, Any] = {"access_token": TOKEN, "rate_limit": None}
    kwargs.update(overrides)
    return kwargs


def run_history(
    mode: Mode,
    handler: Any,
    *,
    client: dict[str, Any] | None = None,
    via: Literal["entries", "pages"] = "entries",
    stop_after: int | None = None,
    **history: Any,
) -> Outcome:
    """Iterate ``client.history(**history)`` against ``handler``, catching a YouCamError."""
    kwargs = client_kwargs(**(client or {}))
    if mode == "sync":
        return _run_sync(handler, kwargs, via, stop_after, history)
    return asyncio.run(_run_async(handler, kwargs, via, stop_after, history))


def _run_sync(
    handler: Any,
    kwargs: dict[str, Any],
    via: str,
    stop_after: int | None,
    history: dict[str, Any],
) -> Outcome:
    out = Outcome()
    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        yu.Client(http_client=http, **kwargs) as client,
    ):
        pager = client.history(**history)
        try:
            if via == "pages":
                for page in pager.pages():
                    out.pages.append(page)
                    out.entries.extend(page.entries)
            else:
                for item in pager:
                    out.entries.append(item)
                    if stop_after is not None and len(out.entries) >= stop_after:
                        break
        except yu.YouCamError as exc:
            out.error = exc
        out.next_token, out.exhausted = pager.next_token, pager.exhausted
    return out


async def _run_async(
    handler: Any,
    kwargs: dict[str, Any],
    via: str,
    stop_after: int | None,
    history: dict[str, Any],
) -> Outcome:
    out = Outcome()
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
        yu.AsyncClient(http_client=http, **kwargs) as client,
    ):
        pager = client.history(**history)
        try:
            if via == "pages":
                async for page in pager.pages():
                    out.pages.append(page)
                    out.entries.extend(page.entries)
            else:
                async for item in pager:
                    out.entries.append(item)
                    if stop_after is not None and len(out.entries) >= stop_after:
                        break
        except yu.YouCamError as exc:
            out.error = exc
        out.next_token, out.exhausted = pager.next_token, pager.exhausted
    return out


def run_page(
    mode: Mode, handler: Any, *, client: dict[str, Any] | None = None, **page: Any
) -> yu.Page | yu.YouCamError:
    """One ``client.history_page(**page)`` call: the page, or the YouCamError it raised."""
    kwargs = client_kwargs(**(client or {}))
    if mode == "sync":
        with (
            httpx.Client(transport=httpx.MockTransport(handler)) as http,
            yu.Client(http_client=http, **kwargs) as sync_client,
        ):
            try:
                return sync_client.history_page(**page)
            except yu.YouCamError as exc:
                return exc

    async def go() -> yu.Page | yu.YouCamError:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
            yu.AsyncClient(http_client=http, **kwargs) as async_client,
        ):
            try:
                return await async_client.history_page(**page)
            except yu.YouCamError as exc:
                return exc

    return asyncio.run(go())
