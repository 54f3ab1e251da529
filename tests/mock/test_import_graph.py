"""The mock's modules import each other without a cycle (type-checking imports included)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import youcam_units.mock

PACKAGE = "youcam_units.mock"


def _imports_of(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports anywhere (lazily or for types too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE):
            found.add(node.module)
    return found


def test_the_mock_package_has_no_import_cycle() -> None:
    """The ASGI adapter imports the wire types, never the service; the service imports it."""
    folder = Path(youcam_units.mock.__file__).parent
    graph = {
        f"{PACKAGE}.{path.stem}": _imports_of(path)
        for path in folder.glob("_*.py")
        if path.stem != "__init__"
    }
    assert f"{PACKAGE}._service" in graph
    assert f"{PACKAGE}._asgi" in graph
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:  # pragma: no cover - the failure being tested for
        raise AssertionError(f"import cycle in the mock: {exc.args[1]}") from exc
    assert order.index(f"{PACKAGE}._asgi") < order.index(f"{PACKAGE}._service")
