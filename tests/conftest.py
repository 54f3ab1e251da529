"""The whole suite's conftest: what every test directory shares.

Fixtures that one directory needs live in that directory's ``conftest.py``; helpers that several
need live in ``tests/support.py`` (``from support import ...``); the benchmarks' trials are
imported from the ``benchmarks`` package. No test edits ``sys.path``: the repository root is on
pytest's ``pythonpath`` (pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

import youcam_units


def pytest_report_header() -> list[str]:
    """Name the youcam_units under test: an installed copy would test other code than this tree."""
    return [f"youcam_units {youcam_units.__version__}: {Path(youcam_units.__file__).parent}"]
