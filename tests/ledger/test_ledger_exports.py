"""The ledger package imports its parts on first use: reading a summary never loads the sync."""

from __future__ import annotations

import subprocess
import sys

import pytest
import youcam_units.ledger as ledger_package

PROBE = """
import sys
import youcam_units.ledger as ledger
from youcam_units.ledger import Ledger, summarize
print(" ".join(sorted(m for m in sys.modules if m.startswith("youcam_units"))))
"""


def test_every_public_name_resolves_to_its_module() -> None:
    """Each name of ``__all__`` imports; ``dir`` lists them all."""
    for name in ledger_package.__all__:
        value = getattr(ledger_package, name)
        assert value is not None
        assert name in dir(ledger_package)
    assert ledger_package.Ledger.__module__ == "youcam_units.ledger._sqlite"
    assert ledger_package.sync.__module__ == "youcam_units.ledger._sync"


def test_a_misspelt_name_is_an_attribute_error() -> None:
    """A typo fails at once, as it would with eager imports."""
    with pytest.raises(AttributeError, match="no attribute 'Ledgr'"):
        _ = ledger_package.Ledgr  # type: ignore[attr-defined]


@pytest.mark.slow
def test_reading_a_summary_imports_neither_the_sync_nor_the_forecast() -> None:
    """``Ledger`` and ``summarize`` alone: the sync, forecast and JSON writer stay unloaded."""
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    modules = set(result.stdout.split())
    assert "youcam_units.ledger._sqlite" in modules  # the probe imported something
    assert "youcam_units.ledger._summary" in modules
    loaded = modules & {
        "youcam_units.ledger._sync",
        "youcam_units.ledger._forecast",
        "youcam_units.ledger._rows",
        "youcam_units._forecast",
        "youcam_units._json",
        "youcam_units._errors",
    }
    assert loaded == set()
