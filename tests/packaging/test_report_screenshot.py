"""``scripts/report_screenshot.py``: a report it cannot write is one line, not a traceback."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from types import ModuleType

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "report_screenshot", ROOT / "scripts" / "report_screenshot.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_failing_report_command_stops_the_script_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """youcam-units report failing (say, no report extra) ends the script with what to run.

    A stand-in ``youcam-units`` beside the interpreter fails as the real one does without the
    extra; the script must say so and how to run it, and never reach the browser.
    """
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed: the stand-in command is a bash script")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    command = bin_dir / "youcam-units"
    command.write_text(
        f"#!{bash}\necho 'youcam-units: error: needs the report extra' >&2\nexit 1\n"
    )
    command.chmod(0o755)
    script = _script()
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    monkeypatch.setattr(script.shutil, "which", lambda _name: "/nonexistent/chromium")
    monkeypatch.setattr(script, "sync_playwright", None)  # reaching the browser is a failure
    with pytest.raises(SystemExit) as stopped:
        script.main()
    assert stopped.value.code == (
        "report_screenshot: youcam-units report failed (exit 1); run this script as "
        "uv run --frozen --all-extras python scripts/report_screenshot.py"
    )


def test_the_docstring_names_the_command_the_failure_names() -> None:
    """The run line at the top is the one the error message tells you to use."""
    assert "uv run --frozen --all-extras python scripts/report_screenshot.py" in (
        _script().__doc__ or ""
    )
