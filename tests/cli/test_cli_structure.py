"""The command line's shape: every command registered in one place, no import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from youcam_units import _cli
from youcam_units._cli._commands import COMMANDS, cli

CLI_DIR = Path(_cli.__file__).parent
PACKAGE = "youcam_units._cli"


def _imports(path: Path) -> set[str]:
    """The ``youcam_units._cli`` modules ``path`` imports, at any depth, ``TYPE_CHECKING`` aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "youcam_units._cli":
            found.update(f"youcam_units._cli.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "youcam_units._cli."
        ):
            found.add(node.module or "")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("youcam_units._cli"))
    return found


def _graph() -> dict[str, set[str]]:
    modules = {
        "youcam_units._cli" + ("" if p.stem == "__init__" else f".{p.stem}"): p
        for p in CLI_DIR.glob("*.py")
    }
    return {name: _imports(path) & modules.keys() - {name} for name, path in modules.items()}


def test_no_import_cycles_in_the_command_line() -> None:
    """Every import, lazy ones included, points one way: a cycle here names its modules."""
    graph = _graph()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            pytest.fail("import cycle: " + " -> ".join((*path[path.index(module) :], module)))
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_only_the_entry_point_imports_the_group() -> None:
    """Commands never import ``_commands`` to add themselves: it names them (``COMMANDS``)."""
    importers = {
        name for name, imported in _graph().items() if "youcam_units._cli._commands" in imported
    }
    assert importers == {"youcam_units._cli"}


def test_every_registered_command_loads_under_its_name() -> None:
    """Each name in ``COMMANDS`` loads the command of that name; ``--help`` lists exactly them."""
    context = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert isinstance(command, click.Command), name
        assert command.name == name
    assert cli.list_commands(context) == sorted(COMMANDS)


@pytest.mark.parametrize("width", [40, 80, 200])
def test_help_lists_every_command_with_its_whole_summary(width: int) -> None:
    """Each command's line in ``--help`` is whole at any width: wrapped, never cut with "..."."""
    result = CliRunner().invoke(cli, ["--help"], terminal_width=width)
    assert result.exit_code == 0, result.output
    listing = result.output.partition("Commands:")[2].partition("Exit status:")[0]
    assert "..." not in listing
    flowing = " ".join(listing.split())
    for name, lazy in COMMANDS.items():
        assert f"{name} {lazy.summary}" in flowing, (name, result.output)
    assert max(len(line) for line in listing.splitlines()) <= min(width, 80)
