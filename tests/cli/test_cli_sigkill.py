"""``youcam-units sync`` killed with SIGKILL at random points, then rerun: nothing lost or doubled.

Each trial starts ``sync --demo`` (the in-process mock, fixed seed) as a real process, waits
until the ledger holds a randomly drawn number of entries (above what it already held) and sends
SIGKILL, a few times over; then it lets one run finish and compares the ledger with the mock's
data entry by entry. The draws are seeded, so a failure reproduces; the assertions do not depend
on where the kills actually landed.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from youcam_units.ledger import Ledger
from youcam_units.mock import MockService

ENTRY_POINT = shutil.which("youcam-units", path=str(Path(sys.executable).parent))
SEED = 4242
ENTRIES = 2_000
TRIALS = 3
KILLS_PER_TRIAL = 2

pytestmark = [
    pytest.mark.skipif(ENTRY_POINT is None, reason="youcam-units is not installed"),
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"),
]


def start_sync(db: Path) -> subprocess.Popen[bytes]:
    """``youcam-units sync --demo`` into ``db``, as a child process."""
    assert ENTRY_POINT is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOUCAM_")}
    return subprocess.Popen(  # noqa: S603 - our own entry point, fixed arguments
        [
            ENTRY_POINT,
            "sync",
            "--demo",
            "--seed",
            str(SEED),
            "--entries",
            str(ENTRIES),
            "--db",
            str(db),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def stored(db: Path) -> int:
    """Entries committed to ``db`` so far (0 while the file or its table does not exist yet)."""
    if not db.exists():
        return 0
    try:
        # closing(): a connection's own `with` ends a transaction but leaves it open, which
        # Python 3.13 reports as a ResourceWarning (an error under this suite's filterwarnings).
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
            # In the ledger, or staged by the pass in progress until it is confirmed.
            count = "SELECT (SELECT COUNT(*) FROM entries) + (SELECT COUNT(*) FROM staged)"
            return int(conn.execute(count).fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def kill_when(process: subprocess.Popen[bytes], db: Path, threshold: int) -> bool:
    """SIGKILL ``process`` once ``db`` holds ``threshold`` entries; False if it finished first."""
    while process.poll() is None:
        if stored(db) >= threshold:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    return False


@pytest.mark.parametrize("trial", range(TRIALS))
def test_sync_survives_sigkill(tmp_path: Path, trial: int) -> None:
    """After SIGKILLs at random points and one full rerun, the ledger equals the source."""
    rng = random.Random(f"sigkill:{trial}")  # noqa: S311 - reproducible kill points, not crypto
    db = tmp_path / "ledger.sqlite3"
    kills: list[tuple[int, bool]] = []
    for _ in range(KILLS_PER_TRIAL):
        # Drawn above what is stored already, so each kill lands after this run's own progress.
        threshold = rng.randrange(stored(db), ENTRIES)
        process = start_sync(db)
        kills.append((threshold, kill_when(process, db, threshold)))
    final = start_sync(db)
    assert final.wait(timeout=300) == 0
    expected = MockService(seed=SEED, entries=ENTRIES)
    with Ledger(db) as ledger:
        assert list(ledger.raw_entries()) == list(expected.iter_entries()), kills
        assert ledger.frontier_id == expected.entry(0)["id"]
        assert ledger.pass_head_id is None
    print(f"trial {trial}: kills (threshold, killed) = {kills}")  # noqa: T201 - for -s runs
