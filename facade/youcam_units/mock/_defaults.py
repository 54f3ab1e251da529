"""What the served mock and ``--demo`` hold unless told otherwise.

Apart from ``_server`` so that a front end can show these defaults (``youcam-units --help``)
without importing the mock itself.
"""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_ENTRIES", "DEFAULT_HOST", "DEFAULT_PORT", "DEFAULT_SEED", "FAULT_KINDS"]

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8765
DEFAULT_SEED: Final = 2026
"""The data set served and shown by ``--demo`` unless told otherwise."""
DEFAULT_ENTRIES: Final = 1_000
FAULT_KINDS: Final = ("429", "500", "502", "503", "disconnect", "slow", "truncated")
"""``FaultKind``'s values, spelt out for ``--help`` (a test keeps the two the same)."""
