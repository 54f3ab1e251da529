"""The whole suite's conftest: what every test directory shares.

Fixtures that one directory needs live in that directory's ``conftest.py``; helpers that several
need live in ``tests/support.py`` (``from support import ...``); the benchmarks' trials are
imported from the ``benchmarks`` package. No test edits ``sys.path``: the repository root is on
pytest's ``pythonpath`` (pyproject.toml).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import youcam_units

# A real PostgreSQL server for the tests marked `postgres` (started on first use, per session).
from postgres_server import postgres_server, postgres_url  # noqa: F401 - fixtures


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
