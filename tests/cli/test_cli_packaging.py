"""Packaging: the CLI's dependencies stay out of the library, and the entry point is declared."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import youcam_units

PACKAGE = Path(youcam_units.__file__).parent
ROOT = Path(__file__).resolve().parents[2]
CLI_ONLY = {"click", "rich", "platformdirs"}
GUARDED = {"_accounts.py": ["platformdirs"]}
"""Library modules that use a cli-extra package only when present, saying which extra otherwise
(the accounts file's default place); ``test_accounts_config`` runs them without it."""


def imported_roots(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_library_modules_do_not_import_cli_dependencies() -> None:
    """Only youcam_units._cli imports click, rich or platformdirs (the optional `cli` extra)."""
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(imported_roots(path) & CLI_ONLY)
        for path in PACKAGE.rglob("*.py")
        if "_cli" not in path.parts and imported_roots(path) & CLI_ONLY
    }
    assert offenders == GUARDED


def test_entry_point_and_extra_are_declared() -> None:
    """Pyproject declares the youcam-units script and puts its dependencies in the cli extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["youcam-units"] == "youcam_units._cli:main"
    extra = " ".join(project["optional-dependencies"]["cli"])
    assert all(name in extra for name in CLI_ONLY)
    assert not any(name in " ".join(project["dependencies"]) for name in CLI_ONLY)
