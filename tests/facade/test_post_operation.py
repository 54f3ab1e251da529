"""A POST through the same pipeline as the reads: a body, a non-200 success, safe retries.

The operation here exists only in this test (the service documents no POST we use). It is
written the way ``scripts/regenerate`` writes one (a ``*_detailed`` function calling
``client.get_httpx_client().request(**kwargs)`` and returning a ``Response``), plus one
``Operation`` entry: what adding a real operation takes, less the public method.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import stamina
import youcam_units as yu
from youcam_units._operations import IDEMPOTENCY_KEY_HEADER, Call, Operation
from youcam_units_api.types import Response

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from youcam_units_api.client import AuthenticatedClient

BASE = "https://api.test"
NOTES = "/s2s/test/notes"


@pytest.fixture(autouse=True)
def _no_retry_waits() -> Iterator[None]:
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


@dataclass(frozen=True)
class NoteCreated:
    """The documented 201 body: ``{"status": 201, "result": {"id": ...}}``."""

    status: int
    id: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NoteCreated:
        """The generated models' constructor."""
        return cls(status=data["status"], id=data["result"]["id"])


def _built(response: httpx.Response) -> Response[NoteCreated | None]:
    created = response.status_code == HTTPStatus.CREATED
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=NoteCreated.from_dict(response.json()) if created else None,
    )


def _kwargs(body: dict[str, Any]) -> dict[str, Any]:
    return {"method": "post", "url": NOTES, "json": body}


def post_note_detailed(
    *, client: AuthenticatedClient, body: dict[str, Any]
) -> Response[NoteCreated | None]:
    """As generated: one POST with a JSON body."""
    return _built(client.get_httpx_client().request(**_kwargs(body)))


async def post_note_asyncio_detailed(
    *, client: AuthenticatedClient, body: dict[str, Any]
) -> Response[NoteCreated | None]:
    """As generated, for asyncio."""
    return _built(await client.get_async_httpx_client().request(**_kwargs(body)))


def _note_id(parsed: NoteCreated, exact: Any, response: httpx.Response, token: str | None) -> str:  # noqa: ARG001
    return parsed.id


POST_NOTE: Operation[str] = Operation(
    name="POST test note",
    sync_call=post_note_detailed,
    async_call=post_note_asyncio_detailed,
    ok_model=NoteCreated,
    result=_note_id,
    method="POST",
    ok_statuses=frozenset({HTTPStatus.CREATED}),
)


def _service(failures: int, seen: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    """Answers 503 ``failures`` times, then 201 with the note's id; records every request."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) <= failures:
            return httpx.Response(503, json={"status": 503, "error": "busy"})
        return httpx.Response(201, json={"status": 201, "result": {"id": f"n{len(seen)}"}})

    return handler


def _send(mode: str, call: Call[str], handler: Callable[[httpx.Request], httpx.Response]) -> str:
    """Run ``call`` through a client's request pipeline, as a public method would."""
    transport = httpx.MockTransport(handler)
    if mode == "sync":
        with (
            httpx.Client(transport=transport) as http,
            yu.Client("tok", base_url=BASE, http_client=http, rate_limit=None) as client,
        ):
            return client._request(call)

    async def go() -> str:
        async with (
            httpx.AsyncClient(transport=transport) as http,
            yu.AsyncClient("tok", base_url=BASE, http_client=http, rate_limit=None) as client,
        ):
            return await client._request(call)

    return asyncio.run(go())


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_post_sends_its_body_and_reads_a_201(mode: str) -> None:
    """The body goes out as JSON with the bearer; a documented 201 is a success."""
    seen: list[httpx.Request] = []
    assert (
        _send(mode, POST_NOTE.call(body={"text": "hello", "units": "1.50"}), _service(0, seen))
        == "n1"
    )
    (request,) = seen
    assert request.method == "POST"
    assert request.url == BASE + NOTES
    assert json.loads(request.content) == {"text": "hello", "units": "1.50"}
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == "Bearer tok"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_retried_post_repeats_one_idempotency_key(mode: str) -> None:
    """Every retry of one POST carries the same Idempotency-Key; the next POST a new one."""
    seen: list[httpx.Request] = []
    first = POST_NOTE.call(body={"text": "a"})
    assert _send(mode, first, _service(2, seen)) == "n3"
    keys = {request.headers[IDEMPOTENCY_KEY_HEADER] for request in seen}
    assert len(seen) == 3
    assert len(keys) == 1
    assert len(keys.pop()) >= 32  # a uuid4, made once for the logical request
    second = POST_NOTE.call(body={"text": "a"})
    assert second.headers[IDEMPOTENCY_KEY_HEADER] != first.headers[IDEMPOTENCY_KEY_HEADER]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_post_without_an_idempotency_key_is_never_repeated(mode: str) -> None:
    """Without a key the service cannot tell a repeat from a new note: one attempt, the error."""
    seen: list[httpx.Request] = []
    bare = Call(POST_NOTE, {"body": {"text": "a"}})
    with pytest.raises(yu.ServerError) as caught:
        _send(mode, bare, _service(1, seen))
    assert caught.value.status_code == 503
    assert len(seen) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_post_answered_200_where_201_is_documented_is_refused(mode: str) -> None:
    """Only the documented successes count: a 200 for this POST is not its result."""

    def handler(request: httpx.Request) -> httpx.Response:  # noqa: ARG001
        return httpx.Response(200, json={"status": 200, "result": {"id": "x"}})

    with pytest.raises(yu.ResponseValidationError):
        _send(mode, POST_NOTE.call(body={}), handler)


def test_a_read_carries_no_idempotency_key() -> None:
    """GETs are idempotent by definition: no key is made for them."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"status": 200, "result": {"history": [], "next_token": None}}
        )

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        yu.Client("tok", base_url=BASE, http_client=http, rate_limit=None) as client,
    ):
        client.history_page()
    assert IDEMPOTENCY_KEY_HEADER.lower() not in {name.lower() for name in seen[0].headers}
