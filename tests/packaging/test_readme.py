"""The README's "Testing your code" example runs, as a user would paste it into their tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Testing your code", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the section has no python example"
    return match.group(1)


NO_LONG_SLEEPS = """
import time

import pytest


@pytest.fixture(autouse=True)
def no_long_sleeps(monkeypatch):
    real = time.sleep

    def sleep(seconds):
        assert seconds < 1, f"slept {seconds:.1f} s: retries were not instant"
        real(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
"""
"""A conftest that fails any test that waits a second or more (a retry's backoff would)."""


def _run_example(folder: Path, example: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_readme_example.py").write_text(example, encoding="utf-8")
    (folder / "conftest.py").write_text(NO_LONG_SLEEPS, encoding="utf-8")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        # Plain pytest, as in a user's fresh project: none of this environment's plugins
        # (schemathesis, hypothesis, asyncio, cov, xdist) loaded, nor needed by the example.
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        },
        check=False,
        timeout=120,
    )


def test_the_testing_your_code_example_passes_without_waiting(tmp_path: Path) -> None:
    """Pasted into a test file of its own and run by pytest: one test, passed, no backoff sleep."""
    result = _run_example(tmp_path, _example())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_without_set_testing_the_example_would_wait(tmp_path: Path) -> None:
    """The no-sleep guard bites: the same example without ``set_testing`` sleeps on the 429."""
    example = _example().replace("with youcam_units.set_testing():", "if True:")
    assert example != _example()
    result = _run_example(tmp_path, example)
    assert result.returncode == 1
    assert "retries were not instant" in result.stdout
