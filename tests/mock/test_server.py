"""The mock over real HTTP: the ASGI app in uvicorn on a free 127.0.0.1 port, and its command."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx
import pytest
import uvicorn
from mock_support import EXACT, client_for, read_all
from support import free_port
from youcam_units.mock import HISTORY_PATH, FaultPlan, MockService

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.slow


@contextmanager
def serving(service: MockService) -> Iterator[str]:
    """Serve ``service`` with uvicorn in a thread on a free port; stop it on exit."""
    config = uvicorn.Config(
        service.asgi_app(),
        host="127.0.0.1",
        port=free_port(),
        log_level="critical",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive(), "uvicorn did not start"
        assert time.monotonic() < deadline, "uvicorn did not start within 10 s"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _http_client(base_url: str, timeout: float = 5.0) -> httpx.Client:
    return httpx.Client(
        base_url=base_url, headers={"Authorization": "Bearer demo-token"}, timeout=timeout
    )


def test_http_and_in_process_answers_agree() -> None:
    """Reading everything over HTTP gives exactly what the in-process transport gives."""
    service = MockService(seed=12, entries=130)
    with serving(service) as url, _http_client(url) as client:
        over_http = read_all(client)
        unauthenticated = client.get(HISTORY_PATH, headers={"Authorization": ""})
    assert over_http == read_all(client_for(service)) == list(service.iter_entries())
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["x-request-id"].isdigit()


def test_dropped_connection_over_http_breaks_the_response() -> None:
    """Over HTTP, the DISCONNECT fault closes the connection before the body is complete."""
    service = MockService(faults=FaultPlan.script(["disconnect", None]))
    with serving(service) as url, _http_client(url) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(HISTORY_PATH)
        assert client.get(HISTORY_PATH).status_code == 200


def test_slow_response_over_http_outlasts_the_client_timeout() -> None:
    """Over HTTP, the SLOW fault really waits slow_seconds, so a shorter client timeout fires."""
    service = MockService(faults=FaultPlan.script(["slow"], slow_seconds=3.0))
    with (
        serving(service) as url,
        _http_client(url, timeout=0.2) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.get(HISTORY_PATH)


def test_in_process_mock_does_not_import_uvicorn() -> None:
    """Importing youcam_units.mock and using its transport loads no server code."""
    code = (
        "import sys, httpx, youcam_units.mock as m\n"
        "s = m.MockService()\n"
        "c = httpx.Client(transport=s.transport(), base_url='https://mock')\n"
        "assert c.get(m.HISTORY_PATH).status_code == 401\n"
        "assert 'uvicorn' not in sys.modules, 'uvicorn imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)  # noqa: S603 - fixed code


def test_module_command_serves_until_stopped() -> None:
    """``python -m youcam_units.mock --port P`` serves on 127.0.0.1 until terminated by its PID."""
    port = free_port()
    command = [sys.executable, "-m", "youcam_units.mock", "--port", str(port), "--entries", "5"]
    process = subprocess.Popen(command)  # noqa: S603 - our own module, fixed arguments
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with _http_client(f"http://127.0.0.1:{port}") as client:
                    response = client.get(HISTORY_PATH)
                break
            except httpx.ConnectError:
                assert process.poll() is None, "the mock exited"
                assert time.monotonic() < deadline, "the mock did not listen within 20 s"
                time.sleep(0.1)
        assert response.status_code == 200
        assert len(response.json(**EXACT)["result"]["history"]) == 5
    finally:
        process.terminate()
        process.wait(timeout=10)
