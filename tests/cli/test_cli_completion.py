"""Shell completion as the README documents it, for bash, zsh and fish, in a real process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINT = shutil.which("youcam-units", path=str(Path(sys.executable).parent))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ENTRY_POINT is None, reason="youcam-units is not installed"),
]
SHELLS = {"bash": "complete -o nosort -F", "zsh": "compdef", "fish": "complete --no-files"}
"""Each shell's script, and a line only that shell's script holds."""


def _complete(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert ENTRY_POINT is not None
    base = {k: v for k, v in os.environ.items() if not k.startswith(("YOUCAM_", "_YOUCAM"))}
    return subprocess.run(  # noqa: S603 - our own entry point
        [ENTRY_POINT], env={**base, **env}, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_the_readme_documents_each_shell_and_the_script_it_names_loads(shell: str) -> None:
    """The README's line for each shell produces that shell's completion script."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"_YOUCAM_UNITS_COMPLETE={shell}_source youcam-units", readme)
    result = _complete({"_YOUCAM_UNITS_COMPLETE": f"{shell}_source"})
    assert result.returncode == 0, result.stderr
    assert SHELLS[shell] in result.stdout


def test_bash_completion_offers_the_commands() -> None:
    """The completion really completes: a partial command word yields the matching commands."""
    result = _complete(
        {
            "_YOUCAM_UNITS_COMPLETE": "bash_complete",
            "COMP_WORDS": "youcam-units su",
            "COMP_CWORD": "1",
        }
    )
    assert result.returncode == 0, result.stderr
    assert "plain,summary" in result.stdout.splitlines()
