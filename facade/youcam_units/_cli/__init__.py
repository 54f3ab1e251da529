"""The ``youcam-units`` command: a thin layer over ``youcam_units.Client`` and the ledger.

Installed with the ``cli`` extra (click, rich, platformdirs); the library never imports this
package. See ``youcam-units --help``.
"""

from youcam_units._cli._commands import cli, main

__all__ = ["cli", "main"]
