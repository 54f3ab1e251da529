"""Every hand-written module stays small enough to read: the facade's size limits."""

from __future__ import annotations

import ast
from pathlib import Path

import youcam_units

FACADE = Path(youcam_units.__file__).parent
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 50
SIZE_NOTE = "size-note:"
"""A module may go past a limit when a comment starting with this says why."""


def _too_big(path: Path, root: Path = FACADE) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if SIZE_NOTE in text:
        return []
    name = path.relative_to(root).as_posix()
    found = []
    if (lines := len(text.splitlines())) > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{name}:{node.name}: {length} lines")
    return found


def test_modules_and_functions_stay_small() -> None:
    """At most 300 lines a module and 50 a function (signature and docstring included)."""
    modules = sorted(FACADE.rglob("*.py"))
    assert len(modules) > 50  # the whole package is read, not an empty glob
    assert [problem for path in modules for problem in _too_big(path)] == []


def test_a_long_module_or_function_is_found(tmp_path: Path) -> None:
    """The check sees both kinds of excess, and a size note lets a module say why."""
    body = "\n".join(f"    x{n} = {n}" for n in range(MAX_FUNCTION_LINES))
    text = f"def long() -> None:\n{body}\n" + "\n" * MAX_MODULE_LINES
    path = tmp_path / "_long.py"
    path.write_text(text, encoding="utf-8")
    assert _too_big(path, tmp_path) == ["_long.py: 351 lines", "_long.py:long: 51 lines"]
    path.write_text(f"# {SIZE_NOTE} a test\n{text}", encoding="utf-8")
    assert _too_big(path, tmp_path) == []
