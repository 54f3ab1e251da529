"""Commands a user waits for, timed as subprocesses against a reference in the same run.

Each comparison is paired: every round runs the command and its reference back to back, in
alternating order, after one untimed run of each (warm: bytecode written, files cached). The
figure is the median over rounds of the ratio within a round, with the spread (min-max) of
those ratios, so a burst of other work on a shared machine skews one round, not the verdict.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from benchmarks._common import Config, Row

if TYPE_CHECKING:
    from collections.abc import Sequence

_TIMEOUT: Final = 600.0

BIN = Path(sys.executable).parent
"""The venv's bin: its interpreter, and the installed ``youcam-units`` console script."""
CLI = str(BIN / "youcam-units")
PYTHON = sys.executable


def environment(home: Path) -> dict[str, str]:
    """A user's environment: bytecode written (as on users' machines), 80 columns, no config.

    ``PYTHONDONTWRITEBYTECODE`` is dropped (a developer shell may set it; users' don't), the
    CLI's own variables too, and its data/config/state/cache directories point into ``home``.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("YOUCAM_") and k not in {"PYTHONDONTWRITEBYTECODE", "COLUMNS"}
    }
    env["COLUMNS"] = "80"
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(home / name.lower())
    return env


def run_once(command: Sequence[str], env: dict[str, str]) -> float:
    """Seconds one run of ``command`` took (wall clock); it must exit 0."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own command lines
        list(command), capture_output=True, env=env, timeout=_TIMEOUT, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()[-2000:]
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {message}")
    return elapsed


@dataclass(frozen=True)
class Spread:
    """The median of some figures, with their min and max."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        """The median."""
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        """The smallest."""
        return min(self.values)

    @property
    def high(self) -> float:
        """The largest."""
        return max(self.values)

    def seconds(self) -> str:
        """``0.123 s [0.120-0.130]``."""
        return f"{self.median:.3f} s [{self.low:.3f}-{self.high:.3f}]"


@dataclass(frozen=True)
class Paired:
    """A command against its reference: each one's seconds, and the ratio within each round."""

    command: Spread
    reference: Spread
    ratio: Spread


def paired(
    command: Sequence[str], reference: Sequence[str], *, rounds: int, env: dict[str, str]
) -> Paired:
    """Time ``command`` and ``reference`` back to back ``rounds`` times, alternating the order."""
    run_once(command, env)  # warm: bytecode written, files in the page cache
    run_once(reference, env)
    mine: list[float] = []
    theirs: list[float] = []
    for number in range(rounds):
        if number % 2:
            theirs.append(run_once(reference, env))
            mine.append(run_once(command, env))
        else:
            mine.append(run_once(command, env))
            theirs.append(run_once(reference, env))
    return Paired(
        Spread(tuple(mine)),
        Spread(tuple(theirs)),
        Spread(tuple(a / b for a, b in zip(mine, theirs, strict=True))),
    )


def repeated(command: Sequence[str], *, rounds: int, env: dict[str, str]) -> Spread:
    """Seconds of ``rounds`` warm runs of ``command`` (after one untimed run)."""
    run_once(command, env)
    return Spread(tuple(run_once(command, env) for _ in range(rounds)))


def evict(path: Path) -> None:
    """Drop ``path`` (and its WAL) from the page cache: the next read comes from the disk."""
    for file in (path, path.with_name(path.name + "-wal")):
        if not file.exists():
            continue
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def cold(command: Sequence[str], path: Path, *, rounds: int, env: dict[str, str]) -> Spread:
    """Seconds of runs of ``command`` each with ``path`` evicted from the page cache first."""
    times = []
    for _ in range(rounds):
        evict(path)
        times.append(run_once(command, env))
    return Spread(tuple(times))


HELP_TARGET: Final = 1.5
"""``youcam-units --help`` / ``python -c "import click"``."""
HISTORY_TARGET: Final = 1.3
"""``youcam-units history --demo --limit 1`` / ``python -c "import httpx"``."""


def ratio_row(what: str, result: Paired, target: float) -> Row:
    """The median of the ratios within a round, at most ``target``."""
    ratio = result.ratio
    return Row(
        what,
        f"{ratio.median:.2f}x [{ratio.low:.2f}-{ratio.high:.2f}] "
        f"({result.command.median:.3f} s / {result.reference.median:.3f} s)",
        f"≤ {target}x",
        ratio.median <= target,
    )


def help_vs_click(config: Config) -> Row:
    """Row: ``--help`` against importing click, warm."""
    with tempfile.TemporaryDirectory() as home:
        result = paired(
            [CLI, "--help"],
            [PYTHON, "-c", "import click"],
            rounds=config.startup_rounds,
            env=environment(Path(home)),
        )
    return ratio_row('`youcam-units --help` / `python -c "import click"`', result, HELP_TARGET)


def history_vs_httpx(config: Config) -> Row:
    """Row: a one-entry demo history against importing httpx, warm."""
    with tempfile.TemporaryDirectory() as home:
        result = paired(
            [CLI, "history", "--demo", "--limit", "1"],
            [PYTHON, "-c", "import httpx"],
            rounds=config.startup_rounds,
            env=environment(Path(home)),
        )
    return ratio_row(
        '`youcam-units history --demo --limit 1` / `python -c "import httpx"`',
        result,
        HISTORY_TARGET,
    )
