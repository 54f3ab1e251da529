"""The access token handled with care: refused when pasted wrong, redacted in every form."""

from __future__ import annotations

import base64
import json
import logging
import urllib.parse
from typing import Any

import httpx
import pytest
import stamina
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


SECRET = "s3cr3t/Access+Token=0123456789"  # noqa: S105 - a fake token the tests hunt for


def _echoes(secret: str) -> dict[str, str]:
    """The forms a server has been seen to echo a credential in."""
    gson = json.dumps(secret).replace("=", "\\u003d").replace("+", "\\u002b")[1:-1]
    return {
        "as sent": secret,
        "upper-cased": secret.upper(),
        "lower-cased": secret.lower(),
        "url-encoded": urllib.parse.quote(secret, safe=""),
        "url-encoded, lower hex": urllib.parse.quote(secret, safe="").lower(),
        "base64": base64.b64encode(secret.encode()).decode(),
        "base64 of the header": base64.b64encode(f"Bearer {secret}".encode()).decode(),
        "urlsafe base64": base64.urlsafe_b64encode(secret.encode()).decode(),
        "gson": gson,
        "all \\u-escaped": "".join(f"\\u{ord(c):04X}" for c in secret),
    }


ECHOES = _echoes(SECRET)


def _leaks(text: str) -> list[str]:
    """The echo forms (decoded back where they decode) that ``text`` still holds."""
    found = [name for name, form in ECHOES.items() if form.lower() in text.lower()]
    if SECRET.lower() in text.lower():
        found.append("plain")
    return found


@modes
@pytest.mark.parametrize("form", ECHOES.keys())
def test_an_echoed_secret_is_redacted_in_every_encoding(
    mode: Mode, form: str, caplog: pytest.LogCaptureFixture
) -> None:
    """In the request id, the error text and the body, sent in any of the seen encodings."""
    echo = ECHOES[form]
    body = '{"status": 401, "error": "bad token ' + echo + '", "error_code": "InvalidAccessToken"}'

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        headers = {"content-type": "application/json", "x-request-id": f"req-{echo}"}
        return httpx.Response(401, content=body.encode(), headers=headers)

    caplog.set_level(logging.DEBUG, logger="youcam_units")
    error = run_page(mode, handler, client={"access_token": SECRET})
    assert isinstance(error, yu.AuthenticationError)
    if form == "base64 of the header":  # the bits shared with "Bearer " stay, harmless
        assert error.request_id is not None
        assert "[redacted]" in error.request_id
        assert "[redacted]" in error.message
    else:
        assert error.request_id == "req-[redacted]"
        assert error.message == "bad token [redacted]"
    kept = [str(error), repr(error), *map(str, error.args), str(error.body), str(error.request_id)]
    for text in [*kept, caplog.text]:
        assert _leaks(text) == [], text


@modes
def test_a_request_id_echoing_the_secret_is_redacted_on_pages_and_retry_logs(
    mode: Mode, caplog: pytest.LogCaptureFixture
) -> None:
    """A 200's request id (kept on the page) and a retried 503's (logged) never hold it."""
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        echo = urllib.parse.quote(request.headers["authorization"], safe="")
        if len(calls) == 1:
            return httpx.Response(503, json={"error": "busy"}, headers={"x-request-id": echo})
        body = {"status": 200, "result": {"history": []}}
        return httpx.Response(200, json=body, headers={"x-request-id": echo})

    caplog.set_level(logging.DEBUG, logger="youcam_units")
    with stamina.set_testing(True, attempts=3):
        page = run_page(mode, handler, client={"access_token": SECRET})
    assert isinstance(page, yu.Page)
    assert page.request_id == "Bearer%20[redacted]"
    assert "request id Bearer%20[redacted]" in caplog.text
    assert _leaks(caplog.text) == []


@modes
@pytest.mark.parametrize(
    "sent", ["line one\nline two\r\nline three", "x" * 100_000, "bell\x07 and \x1b[2J"]
)
def test_a_service_error_text_is_one_short_line(mode: Mode, sent: str) -> None:
    """Three lines, 100 kB or control codes: the message is one line of at most ~200 characters."""

    def handler(request: httpx.Request) -> httpx.Response:
        del request
        return httpx.Response(400, json={"status": 400, "error": sent, "error_code": "Bad"})

    error = run_page(mode, handler, client={"access_token": SECRET})
    assert isinstance(error, yu.InvalidParametersError)
    assert error.message.isprintable()
    assert len(error.message) <= 260
    assert len(str(error)) <= 320
    assert isinstance(error.body, dict)
    assert error.body["error"] == sent  # the whole text stays on .body
    if len(sent) > 200:
        assert error.message.endswith("(99,800 more characters on .body)")
