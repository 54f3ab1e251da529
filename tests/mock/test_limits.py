"""The mock enforces the service's limits per token AND per client IP, and its log proves it."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import httpx
import pytest
from mock_support import FakeClock
from support import free_port
from youcam_units import Client, RateLimit, RateLimitError
from youcam_units.mock import HISTORY_PATH, Limits, MockRequest, MockService, Window, token_id
from youcam_units.mock import RateLimit as PerTokenLimit
from youcam_units.mock._log import peak

if TYPE_CHECKING:
    from youcam_units.mock import MockResponse


def ask(service: MockService, token: str, ip: str) -> MockResponse:
    """One history request with ``token`` from ``ip``."""
    return service.handle(
        MockRequest("GET", HISTORY_PATH, "page_size=1", {"authorization": f"Bearer {token}"}, ip)
    )


def test_parse_real_and_scaled() -> None:
    """'real' is 250/300 s and 5/s per token and IP; windows scale for tests."""
    assert Limits.parse("real") == Limits((Window(250, 300.0), Window(5, 1.0)))
    scaled = Limits.parse("25/3,5/1", per="ip")
    assert scaled.windows == (Window(25, 3.0), Window(5, 1.0))
    assert (scaled.per_token, scaled.per_ip) == (False, True)


@pytest.mark.parametrize("text", ["", "fast", "25", "25/0", "0/3", "x/3", "25/inf", "5/1,"])
def test_parse_refuses_nonsense(text: str) -> None:
    """A spec that is not 'real' or N/S windows is one line saying what to write."""
    with pytest.raises(ValueError, match=r"is not 'real' or windows like 250/300,5/1"):
        Limits.parse(text)


def test_burst_above_the_limit_gets_429_with_the_service_body() -> None:
    """Ten requests at once against 5/s: five pass, five get the service's 429 envelope."""
    clock = FakeClock()
    service = MockService(limits=Limits.parse("25/3,5/1"), clock=clock)
    statuses = [ask(service, "demo-token", "10.0.0.1").status for _ in range(10)]
    assert statuses == [200] * 5 + [429] * 5
    limited = ask(service, "demo-token", "10.0.0.1")
    assert limited.json() == {
        "status": 429,
        "error": "Too many requests: at most 5 per 1 seconds per client IP",
        "error_code": "RateLimitExceeded",
    }
    assert "retry-after" not in dict(limited.headers)
    assert sum(service.log.limited.values()) == 6
    assert service.log.exceeded(service.limits)  # type: ignore[arg-type]
    assert not service.log.exceeded(service.limits, admitted_only=True)  # type: ignore[arg-type]


def test_the_long_window_holds_too() -> None:
    """At 4 per second (under 5/s), the 25 per 3 s window still refuses the 26th in 3 s."""
    clock = FakeClock()
    service = MockService(limits=Limits.parse("10/3,5/1"), clock=clock)
    statuses = []
    for _ in range(12):
        statuses.append(ask(service, "demo-token", "10.0.0.1").status)
        clock.advance(0.25)
    assert statuses == [200] * 10 + [429] * 2
    clock.advance(3)
    assert ask(service, "demo-token", "10.0.0.1").status == 200  # the window slid on


def test_paced_requests_get_none_and_the_log_proves_it() -> None:
    """Two requests a second for 20 s against 25/3 s and 5/s: no 429, no window exceeded."""
    clock = FakeClock()
    limits = Limits.parse("25/3,5/1")
    service = MockService(limits=limits, clock=clock)
    for _ in range(40):
        assert ask(service, "demo-token", "10.0.0.1").status == 200
        clock.advance(0.5)
    assert not service.log.limited
    assert service.log.exceeded(limits) == []
    times = service.log.times("token", token_id("demo-token"))
    assert len(times) == 40
    assert peak(times, 1.0) == 2
    assert {record.client for record in service.log.records} == {"10.0.0.1"}


def test_two_tokens_from_one_ip_share_the_ip_budget() -> None:
    """Per IP and per token: a second token from the same IP is refused, from another IP not."""
    clock = FakeClock()
    service = MockService(tokens=("a", "b"), limits=Limits.parse("3/10"), clock=clock)
    assert [ask(service, "a", "10.0.0.1").status for _ in range(3)] == [200] * 3
    refused = ask(service, "b", "10.0.0.1")
    assert refused.status == 429
    assert "per client IP" in refused.json()["error"]
    assert ask(service, "b", "10.0.0.2").status == 200  # b's own budget, from another host
    by_token = ask(service, "a", "10.0.0.3")  # a's token is spent, whatever the host
    assert by_token.status == 429
    assert "per access token" in by_token.json()["error"]
    assert service.log.limited == {"ip": 1, "token": 1}
    assert service.log.times("ip", "10.0.0.1", admitted_only=True) == [clock.now] * 3


def test_per_token_only_and_per_ip_only() -> None:
    """--limits-per token lets one IP use many tokens; per ip lets one token use many IPs."""
    clock = FakeClock()
    tokens = MockService(tokens=("a", "b"), limits=Limits.parse("1/10", per="token"), clock=clock)
    assert [ask(tokens, t, "10.0.0.1").status for t in "ab"] == [200, 200]
    ips = MockService(tokens=("a",), limits=Limits.parse("1/10", per="ip"), clock=clock)
    assert [ask(ips, "a", ip).status for ip in ("10.0.0.1", "10.0.0.2")] == [200, 200]


def test_the_old_rate_limit_argument_is_per_token_only() -> None:
    """MockService(rate_limit=...) keeps meaning one window per token."""
    service = MockService(rate_limit=PerTokenLimit(1, 10.0))
    assert service.limits == Limits((Window(1, 10.0),), per_ip=False)


def test_the_log_never_keeps_a_token() -> None:
    """The log keys tokens by a fingerprint, so a real token would not sit in memory dumps."""
    service = MockService(tokens=("secret-token-123",), limits=Limits.parse("5/1"))
    ask(service, "secret-token-123", "10.0.0.1")
    assert "secret-token-123" not in repr(service.log.checks)
    assert "secret-token-123" not in repr(service.log.records)


def test_transport_per_simulated_host() -> None:
    """transport(client=...) makes each in-process client its own IP."""
    service = MockService(limits=Limits.parse("2/10", per="ip"), clock=FakeClock())
    for host in ("127.0.0.2", "127.0.0.3"):
        with httpx.Client(
            transport=service.transport(client=host),
            base_url="https://mock",
            headers={"Authorization": "Bearer demo-token"},
        ) as http:
            assert [http.get(HISTORY_PATH).status_code for _ in range(3)] == [200, 200, 429]
    assert service.log.limited == {"ip": 2}


@pytest.mark.slow
def test_a_paced_client_never_meets_the_limits_in_real_time() -> None:
    """The facade's own pacing, just under the mock's 8/3 s and 4/s, reads 18 pages, no 429."""
    limits = Limits.parse("8/3,4/1")
    service = MockService(entries=18, limits=limits)
    with (
        httpx.Client(transport=service.transport()) as http,
        Client(
            "demo-token",
            base_url="http://127.0.0.1",
            http_client=http,
            rate_limit=(RateLimit(3, 1.0), RateLimit(7, 3.0)),
            max_retries=0,
        ) as client,
    ):
        assert len(list(client.history(page_size=1))) == 18
    assert not service.log.limited
    assert service.log.exceeded(limits) == []


def test_an_unpaced_client_meets_them() -> None:
    """Without pacing and retries the same read is refused: the limits are real."""
    service = MockService(entries=18, limits=Limits.parse("8/3,4/1"))
    with (
        httpx.Client(transport=service.transport()) as http,
        Client(
            "demo-token",
            base_url="http://127.0.0.1",
            http_client=http,
            rate_limit=None,
            max_retries=0,
        ) as client,
        pytest.raises(RateLimitError),
    ):
        list(client.history(page_size=1))
    assert service.log.limited


@pytest.mark.slow
def test_over_http_the_client_ip_comes_from_the_connection() -> None:
    """Served by uvicorn, requests from 127.0.0.2 and 127.0.0.3 are two IPs' budgets."""
    from test_server import serving  # noqa: PLC0415 - imports uvicorn, the mock extra

    service = MockService(limits=Limits.parse("2/30", per="ip"))
    with serving(service) as url:
        for host in ("127.0.0.2", "127.0.0.3"):
            transport = httpx.HTTPTransport(local_address=host)
            with httpx.Client(
                transport=transport,
                base_url=url,
                headers={"Authorization": "Bearer demo-token"},
            ) as http:
                assert [http.get(HISTORY_PATH).status_code for _ in range(3)] == [200, 200, 429]
    assert service.log.limited == {"ip": 2}
    assert {r.client for r in service.log.records} == {"127.0.0.2", "127.0.0.3"}


def test_cli_mock_refuses_bad_limits() -> None:
    """`youcam-units mock --limits fast`: a usage error in one line, before serving."""
    pytest.importorskip("click")
    from click.testing import CliRunner  # noqa: PLC0415
    from youcam_units._cli import cli  # noqa: PLC0415

    result = CliRunner().invoke(cli, ["mock", "--limits", "fast", "--port", str(free_port())])
    assert result.exit_code == 2
    assert "is not 'real' or windows like" in result.stderr


@pytest.mark.slow
def test_module_command_refuses_bad_limits() -> None:
    """Python -m youcam_units.mock --limits 5: argparse's usage error, exit 2."""
    done = subprocess.run(
        [sys.executable, "-m", "youcam_units.mock", "--limits", "5"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--limits" in done.stderr
