#!/usr/bin/env python3
"""Print the import cycles among a package's modules; exit 1 when there is one.

Usage: ``scripts/import_cycles.py [PACKAGE_DIR]`` (default: this repository's
``facade/youcam_units``, wherever it is run from). A folder with no modules is refused (exit 2):
it would check nothing. Every
``import``/``from ... import`` in every module counts, at module level or inside a function,
``if TYPE_CHECKING:`` blocks excepted (they never run). ``from . import x`` counts as importing
``pkg.x`` when ``x`` is a module, else ``pkg`` itself.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

DEFAULT_PACKAGE = Path(__file__).resolve().parents[1] / "facade" / "youcam_units"


def module_name(root: Path, path: Path) -> str:
    """``pkg.sub.mod`` for ``root/sub/mod.py`` (``__init__`` names its package)."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run (``if TYPE_CHECKING:`` bodies left out)."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.If) and _is_type_checking(node):
            children = list(node.orelse)
        pending.extend(children)
    return found


def graph(root: Path) -> dict[str, set[str]]:
    """Each module of the package under ``root`` -> the package's modules it imports."""
    modules = {module_name(root, path): path for path in sorted(root.rglob("*.py"))}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            edges[name] |= {_known(target, modules) for target in _targets(node, package)}
        edges[name] -= {name, ""}
    return edges


def _targets(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    """The dotted names a statement may import (``from m import x``: ``m.x`` or ``m``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    return [f"{base}.{alias.name}" for alias in node.names]


def _known(dotted: str, modules: dict[str, Path]) -> str:
    """The longest prefix of ``dotted`` that is one of the package's modules ("" if none)."""
    while dotted and dotted not in modules:
        dotted = dotted.rpartition(".")[0]
    return dotted


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            on_stack.difference_update(component)
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def main(argv: list[str]) -> int:
    """Print each cycle on one line; 0 when there is none, 2 when there is nothing to check."""
    parser = argparse.ArgumentParser(
        prog="import_cycles", description="Print the import cycles among a package's modules."
    )
    parser.add_argument("package_dir", nargs="?", type=Path, default=DEFAULT_PACKAGE)
    root: Path = parser.parse_args(argv[1:]).package_dir
    if not root.is_dir() or next(root.rglob("*.py"), None) is None:
        print(f"import_cycles: no Python modules under {root}", file=sys.stderr)
        return 2
    found = cycles(graph(root))
    for component in found:
        print("import cycle: " + " <-> ".join(component))
    if not found:
        print(f"no import cycles in {root}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
