"""The whole suite's conftest: what every test directory shares.

Fixtures that one directory needs live in that directory's ``conftest.py``; helpers that several
need live in ``tests/support.py`` (``from support import ...``). No test edits ``sys.path``:
the repository root is on pytest's ``pythonpath`` (pyproject.toml).

Two tiers: plain ``pytest`` runs the fast one (``-m "not slow"`` in pyproject's addopts);
``pytest -m slow`` the rest; ``scripts/test`` both. A test that starts a process or serves a
socket belongs to the slow tier: in the fast tier it fails, saying so (``fast_tier_guard``).
"""

from __future__ import annotations

import contextlib
import multiprocessing.process
import socket
import subprocess
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
import youcam_units

# A real PostgreSQL server for the tests marked `postgres` (started on first use, per session).
from postgres_server import postgres_server, postgres_url  # noqa: F401 - fixtures

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator


def pytest_report_header() -> list[str]:
    """Name the youcam_units under test: an installed copy would test other code than this tree."""
    return [f"youcam_units {youcam_units.__version__}: {Path(youcam_units.__file__).parent}"]


SCOPED_DIST_MODES = frozenset({"loadscope", "loadfile", "loadgroup"})
"""pytest-xdist modes that key tests by node id: of tests sharing one id, only the first runs."""


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """Refuse a scope-keyed xdist mode while tests share a node id, rather than skip them.

    tests/contract's schemathesis items (one per operation) share one node id under pytest 9.2;
    ``--dist load`` and ``worksteal`` (scripts/test) hand tests out by index and run them all.
    """
    dist = node.config.option.dist
    if dist not in SCOPED_DIST_MODES:
        return
    shared = sorted(nodeid for nodeid, n in Counter(ids).items() if n > 1)
    if shared:
        raise pytest.UsageError(
            f"--dist {dist} would run only one test of each node id shared by several: "
            f"{', '.join(shared)}; use --dist worksteal or --dist load"
        )


SLOW_BY_NATURE = ("fresh_clone", "postgres", "browser")
"""Markers whose tests are slow whether or not they say so."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``SLOW_BY_NATURE`` tests slow before ``-m`` selects (hence ``tryfirst``)."""
    for item in items:
        if any(item.get_closest_marker(name) for name in SLOW_BY_NATURE):
            item.add_marker(pytest.mark.slow)


SLOW_TIER_HINT = (
    "plain pytest is the fast tier: mark this test (or its module) @pytest.mark.slow, "
    "as every test that starts a process or serves a socket is"
)


def _refuse(what: str) -> Callable[..., NoReturn]:
    def refuse(*_args: object, **_kwargs: object) -> NoReturn:
        pytest.fail(f"{what} in a test not marked slow: {SLOW_TIER_HINT}", pytrace=False)

    return refuse


@contextlib.contextmanager
def fast_tier_guard(item: pytest.Item) -> Iterator[None]:
    """Outside the slow tier, starting a process or listening on a socket fails the test.

    Patched on the classes, so every way in is covered (``subprocess.run``, ``Popen`` imported
    by name, ``multiprocessing``, uvicorn, ``socketserver``), for the test's fixtures too (the
    setup phase is guarded as well as the call).
    """
    if item.get_closest_marker("slow") is not None:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess.Popen, "_execute_child", _refuse("a subprocess"))
        patch.setattr(multiprocessing.process.BaseProcess, "start", _refuse("a process"))
        patch.setattr(socket.socket, "listen", _refuse("a listening socket (a server)"))
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """The guard around the test's fixtures."""
    with fast_tier_guard(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """The guard around the test itself."""
    with fast_tier_guard(item):
        return (yield)
