"""The soak tests share their trials with scripts/bench (scripts/bench_trials.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
