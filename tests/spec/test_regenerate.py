"""scripts/regenerate --check holds generated/ to exactly what the spec produces."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
COPIED = (
    "openapi.yaml",
    "codegen",
    "generated",
    "scripts",
    "pyproject.toml",
    "uv.lock",
    "README.md",
)


def _run_check(root: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, UV_NO_SYNC="1", UV_FROZEN="1")
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [str(root / "scripts" / "regenerate"), "--check"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the parts of the repo the script reads, using this test run's environment."""
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    (tmp_path / "facade").mkdir()
    (tmp_path / ".venv").symlink_to(sys.prefix)
    return tmp_path


def test_check_passes_on_this_tree(checkout: Path) -> None:
    """The committed generated/ is exactly what the committed spec produces."""
    result = _run_check(checkout)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_check_fails_after_a_hand_edit(checkout: Path) -> None:
    """Editing a generated file by hand is caught, and the file is named."""
    edited = checkout / "generated" / "youcam_units_api" / "models" / "credit_change.py"
    edited.write_text(edited.read_text() + "\n# a hand edit\n")
    result = _run_check(checkout)
    assert result.returncode == 1
    assert "credit_change.py" in result.stderr


def test_check_fails_after_a_file_is_added_by_hand(checkout: Path) -> None:
    """A file the spec does not produce is reported, so it cannot linger."""
    (checkout / "generated" / "youcam_units_api" / "extra.py").write_text("x = 1\n")
    result = _run_check(checkout)
    assert result.returncode == 1
    assert "extra.py" in result.stderr


def test_check_fails_when_the_spec_changed_without_regenerating(checkout: Path) -> None:
    """A spec change not followed by scripts/regenerate is caught."""
    spec = checkout / "openapi.yaml"
    spec.write_text(
        spec.read_text().replace(
            "Total amount changed from this unit, as an integer;",
            "Units added or taken by this change, as an integer;",
        )
    )
    result = _run_check(checkout)
    assert result.returncode == 1
    assert "credit_change.py" in result.stderr


def test_check_ignores_bytecode_written_by_an_import(checkout: Path) -> None:
    """Importing generated/ with bytecode writing on (Python's default) is not drift."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(checkout / "generated")
    subprocess.run(
        [sys.executable, "-c", "import youcam_units_api.models, youcam_units_api.api"],
        env=env,
        check=True,
        timeout=60,
    )
    caches = list((checkout / "generated").rglob("__pycache__"))
    assert caches, "the import wrote no bytecode, so this test would prove nothing"
    result = _run_check(checkout)
    assert result.returncode == 0, result.stderr


def test_check_still_reports_a_stray_module_beside_the_caches(checkout: Path) -> None:
    """Ignoring caches does not hide a hand-added file inside a cache's package."""
    package = checkout / "generated" / "youcam_units_api"
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "stale.cpython-311.pyc").write_bytes(b"")
    (package / "stray.py").write_text("x = 1\n")
    result = _run_check(checkout)
    assert result.returncode == 1
    assert "stray.py" in result.stderr
    assert "__pycache__" not in result.stderr
