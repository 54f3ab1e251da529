"""Argument checks before any request, base URL and token handling, and token secrecy."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import stamina
import yaml
import youcam_units as yu
from facade_support import (
    MODES,
    TOKEN,
    FakeService,
    Mode,
    client_kwargs,
    error_response,
    run_history,
    run_page,
)
from youcam_units import _config

if TYPE_CHECKING:
    from collections.abc import Iterator

modes = pytest.mark.parametrize("mode", MODES)
SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No environment leaks in, and retries do not sleep."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("YOUCAM_BASE_URL", raising=False)
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


# -- argument validation: fails before any request -----------------------------------------

BAD_PAGE_SIZES: list[tuple[Any, type[Exception]]] = [
    (0, ValueError),
    (31, ValueError),
    (-5, ValueError),
    ("30", TypeError),
    (30.0, TypeError),
    (True, TypeError),
    (None, TypeError),
]


@modes
@pytest.mark.parametrize(("page_size", "error"), BAD_PAGE_SIZES)
def test_bad_page_size_fails_before_any_request(
    mode: Mode, page_size: object, error: type[Exception]
) -> None:
    """page_size outside 1..30 or not an int fails with a message naming it; nothing is sent."""
    service = FakeService(5)
    with pytest.raises(error, match="page_size must be"):
        run_history(mode, service, page_size=page_size)
    with pytest.raises(error, match="page_size must be"):
        run_page(mode, service, page_size=page_size)
    assert service.requests == []


@modes
@pytest.mark.parametrize(
    ("max_items", "error"),
    [(-1, ValueError), (True, TypeError), (1.5, TypeError), ("3", TypeError)],
)
def test_bad_max_items_fails_before_any_request(
    mode: Mode, max_items: object, error: type[Exception]
) -> None:
    """A negative or non-int max_items fails with a message naming it; nothing is sent."""
    service = FakeService(5)
    with pytest.raises(error, match="max_items must be"):
        run_history(mode, service, max_items=max_items)
    assert service.requests == []


@modes
def test_bad_starting_token_fails_before_any_request(mode: Mode) -> None:
    """A starting_token that is not a str fails before any request."""
    service = FakeService(5)
    with pytest.raises(TypeError, match="starting_token must be"):
        run_history(mode, service, starting_token=123)
    assert service.requests == []


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_retries": -1}, ValueError, "max_retries"),
        ({"max_retries": 1.5}, ValueError, "max_retries"),
        ({"rate_limit": (250, 300)}, TypeError, "RateLimit"),
        ({"timeout": "30"}, TypeError, "timeout"),
        ({"on_retry": 3}, TypeError, "on_retry"),
    ],
)
def test_bad_client_settings_fail_at_construction(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    """Bad client settings fail when the client is built, naming the setting."""
    with pytest.raises(error, match=match):
        yu.Client(TOKEN, **kwargs)
    with pytest.raises(error, match=match):
        yu.AsyncClient(TOKEN, **kwargs)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((0, 1.0), ValueError),
        ((5, 0), ValueError),
        ((True, 1.0), TypeError),
        ((5, float("inf")), ValueError),  # was accepted; the client then raised OverflowError
    ],
)
def test_rate_limit_checks_its_arguments(args: tuple[Any, Any], error: type[Exception]) -> None:
    """RateLimit needs a positive int count and positive, finite seconds."""
    with pytest.raises(error, match="RateLimit"):
        yu.RateLimit(*args)


# -- base URL ------------------------------------------------------------------------------


def test_default_base_url_is_the_spec_server() -> None:
    """The default base URL is the first server in openapi.yaml."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert spec["servers"][0]["url"] == _config.DEFAULT_BASE_URL
    assert yu.Client(TOKEN).base_url == _config.DEFAULT_BASE_URL


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.8:8080", "ftp://x.test"])
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    """A non-https base URL to a non-loopback host is refused: the token would go in clear."""
    with pytest.raises(ValueError, match="https") as info:
        yu.Client(TOKEN, base_url=url)
    assert TOKEN not in str(info.value)
    with pytest.raises(ValueError, match="https"):
        yu.AsyncClient(TOKEN, base_url=url)


@pytest.mark.parametrize(
    "url", ["http://localhost:8000", "http://127.0.0.1", "http://127.8.9.1:1", "http://[::1]:8080"]
)
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    """http:// is fine for a loopback host, where a local mock runs."""
    assert yu.Client(TOKEN, base_url=url).base_url == url


def test_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """YOUCAM_BASE_URL is used when no base_url is passed; an explicit one wins."""
    monkeypatch.setenv("YOUCAM_BASE_URL", "https://staging.example.test/")
    assert yu.Client(TOKEN).base_url == "https://staging.example.test"
    assert yu.Client(TOKEN, base_url="https://x.test").base_url == "https://x.test"


def test_http_base_url_from_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The http:// refusal applies to YOUCAM_BASE_URL too."""
    monkeypatch.setenv("YOUCAM_BASE_URL", "http://prod.example.test")
    with pytest.raises(ValueError, match="plain http"):
        yu.Client(TOKEN)


@pytest.mark.parametrize(
    "url",
    [
        "https://ops:hunter2-pw@api.example.test",
        "https://:hunter2-pw@api.example.test/",
        "http://ops:hunter2-pw@example.test",
        "ftp://ops:hunter2-pw@x.test",
        "https://ops:hunter2-pw@[::1",
    ],
)
def test_a_base_url_with_a_password_is_refused_without_showing_it(url: str) -> None:
    """A user or password in base_url is refused and never echoed (it showed in repr()).

    The client's bearer replaces any credentials in the URL, so they could only leak.
    """
    for client_class in (yu.Client, yu.AsyncClient):
        with pytest.raises(ValueError, match="base_url") as info:
            client_class(TOKEN, base_url=url)
        assert "hunter2-pw" not in str(info.value)


# -- the access token ----------------------------------------------------------------------


def test_token_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """YOUCAM_ACCESS_TOKEN is used when no access_token is passed."""
    monkeypatch.setenv("YOUCAM_ACCESS_TOKEN", "env-token")
    service = FakeService(1)
    with yu.Client(http_client=httpx.Client(transport=httpx.MockTransport(service))) as client:
        client.history_page()
    assert service.requests[0].headers["authorization"] == "Bearer env-token"


def test_missing_token_is_a_clear_error() -> None:
    """Without a token or YOUCAM_ACCESS_TOKEN the client says how to give one."""
    with pytest.raises(ValueError, match="YOUCAM_ACCESS_TOKEN"):
        yu.Client()
    with pytest.raises(ValueError, match="YOUCAM_ACCESS_TOKEN"):
        yu.AsyncClient()


@modes
@pytest.mark.parametrize(
    "given", ["Bearer abc.def", "<abc.def>", "Bearer <abc.def>", "<Bearer abc.def>", " abc.def\n"]
)
def test_documented_token_mistakes_are_normalised(mode: Mode, given: str) -> None:
    """A 'Bearer ' prefix, angle brackets or whitespace around the token are removed."""
    service = FakeService(1)
    run_page(mode, service, client={"access_token": given})
    assert service.requests[0].headers["authorization"] == "Bearer abc.def"


@pytest.mark.parametrize("given", ["", "   ", "Bearer ", "<>", "abc def", "abc\x00"])
def test_unusable_token_is_refused_without_echoing_it(given: str) -> None:
    """An empty token or one with spaces inside fails with a message that does not echo it."""
    with pytest.raises(ValueError, match="access token") as info:
        yu.Client(given)
    if given.strip():
        assert given.strip() not in str(info.value)


def test_token_of_wrong_type_is_refused() -> None:
    """access_token must be a str or a callable."""
    with pytest.raises(TypeError, match="access_token must be"):
        yu.Client(12345)  # type: ignore[arg-type] # the point


# -- secrecy -------------------------------------------------------------------------------


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
    )


@modes
def test_token_never_in_repr_logs_or_errors(mode: Mode, caplog: pytest.LogCaptureFixture) -> None:
    """The token stays out of reprs, log records at DEBUG (ours, httpx, httpcore) and errors."""
    for name in ("", "youcam_units", "httpx", "httpcore", "stamina"):
        caplog.set_level(logging.DEBUG, logger=name)
    service = FakeService(40)
    echo = f"token {TOKEN} is not valid"
    service.fail(None, error_response(500, "Oops", echo))
    service.fail(str(13045969587275114 + 30), *[error_response(401, "InvalidApiKey", echo)] * 3)
    out = run_history(mode, service, client={"max_retries": 2})
    error = out.error
    assert isinstance(error, yu.AuthenticationError)
    assert len(caplog.records) > 0
    for text in (
        str(error),
        repr(error),
        error.message,
        repr(error.body),
        repr(out.entries[0]),
        _everything_logged(caplog),
    ):
        assert TOKEN not in text


def test_token_not_in_client_or_pager_repr() -> None:
    """repr(Client), repr(AsyncClient) and repr of their pagers never show the token."""
    client = yu.Client(TOKEN)
    async_client = yu.AsyncClient(lambda: TOKEN)
    for obj in (client, async_client, client.history(), async_client.history()):
        assert TOKEN not in repr(obj)
    assert "rate_limit=RateLimit(5, 1.0) + RateLimit(250, 300.0)" in repr(client)
    client.close()
    asyncio.run(async_client.aclose())


def test_generated_client_repr_hides_the_token() -> None:
    """The generated client a client holds, its httpx client and an attempt never show the token."""
    from youcam_units._config import RequestBounds  # noqa: PLC0415
    from youcam_units._transport import Attempt  # noqa: PLC0415

    client = yu.Client(TOKEN, rate_limit=None)
    api = client._api
    http = api.get_httpx_client()
    assert TOKEN not in repr(api)
    assert TOKEN not in repr(http)
    assert TOKEN not in repr(http.auth)
    assert TOKEN not in repr(Attempt(TOKEN, {}, RequestBounds(5.0, 5.0, 4096)))
    client.close()


@modes
def test_connection_error_message_has_no_token(mode: Mode) -> None:
    """A transport failure's message names the host, not the token."""
    service = FakeService(1)
    service.fail(None, *[httpx.ConnectError("connection refused")] * 2)
    out = run_history(mode, service, client={"max_retries": 1})
    assert isinstance(out.error, yu.APIConnectionError)
    assert "yce-api-01.makeupar.com" in str(out.error)
    assert TOKEN not in str(out.error)


def test_client_kwargs_helper_uses_the_secret_token() -> None:
    """The test helpers really send TOKEN, so the secrecy tests hunt for the right string."""
    assert client_kwargs()["access_token"] == TOKEN
