"""The access token handled with care: refused when pasted wrong, redacted in every form."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import youcam_units as yu
from facade_support import MODES, Mode, run_page

modes = pytest.mark.parametrize("mode", MODES)


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("YOUCAM_BASE_URL", raising=False)


@pytest.mark.parametrize("pasted", ["\u201cabc.def-123\u201d", "abc\u2013def-123", "abc.déf-123"])
def test_non_ascii_token_is_refused_without_echoing_it(pasted: str) -> None:
    """Curly quotes or dashes from a document: ValueError naming the problem, never the token."""
    with pytest.raises(ValueError, match="non-ASCII") as caught:
        yu.Client(pasted)
    text = " ".join(str(arg) for arg in caught.value.args)
    assert "abc" not in text
    assert "the access_token argument" in text


def test_non_ascii_token_from_a_callable_is_refused_before_sending() -> None:
    """A callable's token is checked the same way, before any request reaches the wire."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with (
        yu.Client(lambda: "\u201ctok\u201d", http_client=http, rate_limit=None) as client,
        pytest.raises(ValueError, match="access_token callable contains non-ASCII"),
    ):
        client.history_page()
    assert sent == []


@pytest.mark.parametrize("given", ['"abc.def"', "'abc.def'", '"Bearer abc.def"', '<"abc.def">'])
def test_quoted_token_is_unwrapped(given: str) -> None:
    """Straight quotes around the token (copied from JSON or a shell line) are dropped."""
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["authorization"])
        return httpx.Response(200, json={"status": 200, "result": {"history": []}})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with yu.Client(given, http_client=http, rate_limit=None) as client:
        client.history_page()
    assert sent == ["Bearer abc.def"]


def echoing(in_json: str) -> Any:
    """A 401 whose JSON message holds ``in_json`` as written inside the JSON string literal."""
    body = '{"status": 401, "error": "token ' + in_json + ' is invalid", "error_code": "X"}'

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        return httpx.Response(
            401, content=body.encode(), headers={"content-type": "application/json"}
        )

    return handler


@modes
@pytest.mark.parametrize("token", ['ab"cd\\ef/gh-1234', "plain/token-1234"])
def test_echoed_token_is_redacted_in_its_json_escaped_forms(mode: Mode, token: str) -> None:
    r"""A token with a quote or backslash is redacted as JSON escapes it (also with ``\/``)."""
    escaped = json.dumps(token)[1:-1]
    forms = {escaped, escaped.replace("/", "\\/")}
    for form in forms:
        error = run_page(mode, echoing(form), client={"access_token": token})
        assert isinstance(error, yu.AuthenticationError)
        assert error.message == "token [redacted] is invalid"
        assert isinstance(error.body, dict)
        assert error.body["error"] == "token [redacted] is invalid"
        for leak in (token, *forms):
            assert leak not in str(error)
            assert all(leak not in str(arg) for arg in error.args)


@modes
def test_a_very_short_token_does_not_garble_messages(mode: Mode) -> None:
    """A 2-letter token is redacted where it stands alone, not inside every word."""
    error = run_page(mode, echoing("ab"), client={"access_token": "ab"})
    assert isinstance(error, yu.AuthenticationError)
    assert error.message == "token [redacted] is invalid"
    error = run_page(mode, echoing("about"), client={"access_token": "ab"})
    assert isinstance(error, yu.AuthenticationError)
    assert error.message == "token about is invalid"


@pytest.mark.parametrize(
    "url", ["http://evil.localhost", "http://api.localhost:8000", "http://localhost.evil.test"]
)
def test_only_literal_loopback_and_localhost_may_use_plain_http(url: str) -> None:
    """A *.localhost name goes to the resolver, which may send it to DNS: https is required."""
    with pytest.raises(ValueError, match="plain http"):
        yu.Client("t0ken-value", base_url=url)


@pytest.mark.parametrize("url", ["http://localhost:1", "http://LOCALHOST", "http://127.0.0.1"])
def test_localhost_itself_may_use_plain_http(url: str) -> None:
    """``localhost`` itself and literal loopback addresses stay allowed for local mocks."""
    assert yu.Client("t0ken-value", base_url=url, rate_limit=None).base_url.startswith("http://")
