"""Several processes pacing through one file never exceed the limits at a real HTTP server.

The server counts arrivals, as the service does: a request that reaches it later than it was
stamped (the lock wait, building the request, a loaded machine) must not break a window.
Limits are scaled down (5 per 1 s and 40 per 10 s) so that both windows are crossed in seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any

import pytest
from youcam_units.mock import MockService

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

uvicorn = pytest.importorskip("uvicorn", reason="serving over HTTP needs the mock extra")

WINDOWS = ((5, 1.0), (40, 10.0))
PROCESSES = 6
REQUESTS_EACH = 7  # 42 in all: eight 1 s windows, then the 10 s one binds

_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from youcam_units import Client, RateLimit, RateLimitError
    from youcam_units.mock import DEFAULT_TOKEN

    base_url, state = sys.argv[1], Path(sys.argv[2])
    start_at, count = float(sys.argv[3]), int(sys.argv[4])
    limits = (RateLimit(5, 1.0), RateLimit(40, 10.0))
    rejected = 0
    with Client(DEFAULT_TOKEN, base_url=base_url, rate_limit=limits, pacing_file=state,
                max_retries=0) as client:
        time.sleep(max(0.0, start_at - time.time()))
        for _ in range(count):
            try:
                client.history_page(page_size=1)
            except RateLimitError:
                rejected += 1
    print(json.dumps({"rejected": rejected}))
    """
)


class WindowedServer:
    """The mock over HTTP behind the service's rule: 429 once a window holds its limit."""

    def __init__(self) -> None:
        self._app = MockService(seed=3, entries=200).asgi_app()
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()
        self.arrivals: list[float] = []
        self.rejected = 0

    def _admit(self) -> bool:
        now = time.monotonic()
        with self._lock:
            self.arrivals.append(now)
            while self._recent and self._recent[0] <= now - WINDOWS[-1][1]:
                self._recent.popleft()
            for limit, period in WINDOWS:
                if sum(1 for t in self._recent if t > now - period) >= limit:
                    self.rejected += 1
                    return False
            self._recent.append(now)
            return True

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Count the arrival first, then answer as the mock, or 429."""
        if scope["type"] == "http" and not self._admit():
            body = json.dumps({"status": 429, "error": "Too Many Requests"}).encode()
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self._app(scope, receive, send)


@pytest.fixture
def served() -> Iterator[tuple[WindowedServer, str]]:
    """The windowed server on a free loopback port, stopped afterwards."""
    app = WindowedServer()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="critical", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn did not start"
        assert time.monotonic() < deadline, "uvicorn did not start within 30 s"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _most_in_window(arrivals: list[float], period: float) -> int:
    best = start = 0
    for end, moment in enumerate(arrivals):
        while arrivals[start] <= moment - period:
            start += 1
        best = max(best, end - start + 1)
    return best


def _spawn(base_url: str, state: Path, start_at: float, count: int) -> subprocess.Popen[str]:
    """A worker that sends ``count`` requests from the wall-clock instant ``start_at``."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _WORKER, base_url, str(state), str(start_at), str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )


def _rejected(procs: list[subprocess.Popen[str]]) -> int:
    """The 429s the workers saw, once all have finished (killed if they hang)."""
    outputs: list[str] = []
    try:
        outputs.extend(proc.communicate(timeout=90)[0] for proc in procs)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()  # closes its pipe, even after a failure
    assert [proc.returncode for proc in procs] == [0] * len(procs)
    return sum(int(json.loads(out)["rejected"]) for out in outputs)


def _assert_within_windows(app: WindowedServer, requests: int, rejected: int) -> None:
    assert len(app.arrivals) == requests
    assert (app.rejected, rejected) == (0, 0)
    for limit, period in WINDOWS:
        assert _most_in_window(app.arrivals, period) <= limit


@pytest.mark.slow
def test_processes_on_one_pacing_file_never_break_a_window_at_the_server(
    served: tuple[WindowedServer, str], tmp_path: Path
) -> None:
    """6 processes, 42 requests, started together: no 429, no window over its limit."""
    app, base_url = served
    state = tmp_path / "pacing.sqlite3"
    start_at = time.time() + 4.0  # all imported and waiting by then
    procs = [_spawn(base_url, state, start_at, REQUESTS_EACH) for _ in range(PROCESSES)]
    _assert_within_windows(app, PROCESSES * REQUESTS_EACH, _rejected(procs))


@pytest.mark.slow
def test_a_pacing_file_deleted_mid_run_is_not_split(
    served: tuple[WindowedServer, str], tmp_path: Path
) -> None:
    """3 processes pace; their file is deleted; 3 more start: still one budget at the server.

    The files go one by one, as ``rm pacing.sqlite3*`` removes them, with a pause between (a
    preempted ``rm``): a process that reopens in between must not share the old ``-shm``.
    """
    app, base_url = served
    state = tmp_path / "pacing.sqlite3"
    start_at = time.time() + 4.0
    first = [_spawn(base_url, state, start_at, 6) for _ in range(3)]
    time.sleep(max(0.0, start_at + 1.0 - time.time()))
    for suffix in ("", "-shm", "-wal"):
        state.with_name(state.name + suffix).unlink()
        time.sleep(0.3)
    second = [_spawn(base_url, state, start_at + 3.0, 6) for _ in range(3)]
    _assert_within_windows(app, 36, _rejected(first + second))
