"""The library's log: silent unless the application configures logging, as httpx's is.

Imported by the modules that log rather than by the package ``__init__``, so a program that only
needs a name from the package (the CLI's ``--help``) does not pay for importing ``logging``.
Without the ``NullHandler``, Python's last-resort handler would print our retry warnings, and
stamina's own record of each, on the application's stderr.
"""

from __future__ import annotations

import logging

__all__ = ["logger"]

logger = logging.getLogger("youcam_units")
logger.addHandler(logging.NullHandler())
logging.getLogger("stamina").addHandler(logging.NullHandler())
