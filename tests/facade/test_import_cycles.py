"""``scripts/import_cycles.py`` finds import cycles, and facade/ has none (issue 19)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "facade" / "youcam_units"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "import_cycles", ROOT / "scripts/import_cycles.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in {"__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_cycle_is_found_even_through_a_function_level_import(tmp_path: Path) -> None:
    """a.py imports b.py, b.py imports a.py inside a function: a cycle, exit status 1."""
    root = _package(
        tmp_path,
        {"a.py": "from . import b\n", "b.py": "def f():\n    from .a import x\n", "c.py": ""},
    )
    script = _script()
    assert script.cycles(script.graph(root)) == [["pkg.a", "pkg.b"]]
    assert script.main(["import_cycles", str(root)]) == 1


def test_type_checking_imports_and_acyclic_graphs_pass(tmp_path: Path) -> None:
    """An import under ``if TYPE_CHECKING:`` never runs, so it makes no cycle."""
    root = _package(
        tmp_path,
        {
            "a.py": "from .sub import b\n",
            "sub/__init__.py": "",
            "sub/b.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..a import x\n"
            ),
        },
    )
    script = _script()
    assert script.graph(root)["pkg.a"] == {"pkg.sub.b"}
    assert script.cycles(script.graph(root)) == []
    assert script.main(["import_cycles", str(root)]) == 0


def test_the_request_path_has_no_import_cycle() -> None:
    """No cycle touches the client, its pipeline or its configuration."""
    script = _script()
    request_path = {
        f"youcam_units.{name}"
        for name in ("_client", "_async_client", "_base_client", "_pagination", "_operations")
    }
    assert [c for c in script.cycles(script.graph(PACKAGE)) if request_path & set(c)] == []


def test_facade_has_no_import_cycle() -> None:
    """The whole of facade/youcam_units is free of import cycles."""
    script = _script()
    assert script.cycles(script.graph(PACKAGE)) == []


def test_a_folder_without_modules_is_refused_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped or empty folder checks nothing: exit 2 naming it, never "no import cycles"."""
    script = _script()
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "missing", tmp_path / "empty"):
        assert script.main(["import_cycles", str(folder)]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.strip() == f"import_cycles: no Python modules under {folder}"


def test_help_prints_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` is not taken for a folder to check."""
    with pytest.raises(SystemExit) as stopped:
        _script().main(["import_cycles", "--help"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("usage: import_cycles")


def test_the_default_package_does_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run from elsewhere, the default is still this repository's facade/youcam_units."""
    monkeypatch.chdir(tmp_path)
    assert _script().main(["import_cycles"]) == 0
    assert capsys.readouterr().out.strip() == f"no import cycles in {PACKAGE}"
