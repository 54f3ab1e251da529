"""The ``youcam-units`` command: a thin layer over ``youcam_units.Client`` and the ledger.

Installed with the ``cli`` extra (click, rich, platformdirs); the library never imports this
package. See ``youcam-units --help``.

click rather than typer: the commands need explicit control over parsing errors and exit codes
(every expected failure is one line, 2 for usage), shared option groups and a test runner that
passes a ``Runtime`` in through ``obj``; click gives all of that directly, typer only through
click underneath, with one more dependency and annotation magic between.
"""

from youcam_units._cli._commands import cli, main

__all__ = ["cli", "main"]
