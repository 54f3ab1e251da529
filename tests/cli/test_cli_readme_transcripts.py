"""The README's terminal transcripts (``$ youcam-units ... --demo``) are what the command prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from cli.conftest import Invoke

README = Path(__file__).resolve().parents[2] / "README.md"


def _transcripts() -> list[tuple[list[str], str]]:
    """Each ```text block that starts with ``$ youcam-units``: its arguments and its output."""
    found = []
    readme = README.read_text(encoding="utf-8")
    for block in re.findall(r"```text\n(.*?)```", readme, re.DOTALL):
        command, _, output = block.partition("\n")
        if command.startswith("$ youcam-units "):
            found.append((shlex.split(command)[2:], output))
    return found


TRANSCRIPTS = _transcripts()


def test_the_readme_has_transcripts() -> None:
    """The check below has something to check."""
    assert len(TRANSCRIPTS) >= 2


@pytest.mark.parametrize(("args", "output"), TRANSCRIPTS, ids=[" ".join(a) for a, _ in TRANSCRIPTS])
def test_a_readme_transcript_is_the_output(invoke: Invoke, args: list[str], output: str) -> None:
    """Run as shown (on a 200-column terminal), the command prints exactly the lines shown."""
    run = invoke(*args)
    assert run.exit_code == 0, run.stderr
    assert run.stdout == output
