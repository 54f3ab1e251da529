"""Helpers more than one test directory uses: import them as ``from support import ...``.

The one way tests share code: fixtures in a ``conftest.py`` (``tests/conftest.py`` for all),
plain helpers in a module of the ``tests`` package, imported by its full name (the repository
root is on pytest's ``pythonpath``).
"""

from __future__ import annotations

import socket

__all__ = ["free_port"]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, read, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
