"""The tier rule: outside ``@pytest.mark.slow`` a test starts no process and serves no socket.

Plain ``pytest`` runs the fast tier only (pyproject's addopts: ``-m "not slow"``); the guard in
``tests/conftest.py`` fails a fast-tier test that would start a process or listen on a socket,
naming the marker to add, so a slow test cannot slip into the fast tier unnoticed.
"""

from __future__ import annotations

import multiprocessing
import socket
import subprocess
import sys

import pytest


def test_a_fast_test_that_starts_a_subprocess_fails_naming_the_marker() -> None:
    """``subprocess.run`` (through ``Popen``) is refused before any process starts."""
    with pytest.raises(pytest.fail.Exception, match=r"mark this test .*@pytest\.mark\.slow"):
        subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_a_fast_test_that_starts_a_process_fails() -> None:
    """``multiprocessing`` too."""
    process = multiprocessing.get_context("spawn").Process(target=print)
    with pytest.raises(pytest.fail.Exception, match="a process in a test not marked slow"):
        process.start()


def test_a_fast_test_that_serves_a_socket_fails() -> None:
    """A listening socket (any server: uvicorn, socketserver) is refused."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        with pytest.raises(pytest.fail.Exception, match="a listening socket"):
            server.listen()


@pytest.mark.slow
def test_a_slow_test_may_start_a_subprocess_and_serve_a_socket() -> None:
    """The slow tier is unguarded."""
    done = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, check=True)
    assert done.stdout.strip() == b"42"
    with socket.create_server(("127.0.0.1", 0)) as server:
        assert server.getsockname()[1] > 0


def test_plain_pytest_deselects_the_slow_tier(pytestconfig: pytest.Config) -> None:
    """The default options hold ``-m "not slow"``: the fast tier is what plain pytest runs."""
    addopts = pytestconfig.getini("addopts")
    assert addopts[addopts.index("-m") + 1] == "not slow"


def test_fresh_clone_postgres_and_browser_tests_are_slow_tests(
    request: pytest.FixtureRequest,
) -> None:
    """Whatever ``-m`` selected, none of them is in the run without the slow marker."""
    by_nature = ("fresh_clone", "postgres", "browser")
    unmarked = [
        item.nodeid
        for item in request.session.items
        if any(item.get_closest_marker(name) for name in by_nature)
        and item.get_closest_marker("slow") is None
    ]
    assert unmarked == []
