"""Serve the mock over HTTP: ``python -m youcam_units.mock --port 8765``, ``--help`` for options.

The same command as ``youcam-units mock`` (one set of options, one banner, one way to fail); it
needs the ``mock`` extra (uvicorn) and the ``cli`` extra (click), and says which one is missing.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec

from youcam_units.mock._server import MISSING_UVICORN

PROG = "python -m youcam_units.mock"
MISSING_CLICK = "the mock's options need the cli extra (click): pip install 'youcam-units[cli]'"


def main(argv: list[str] | None = None) -> None:
    """Run ``youcam-units mock`` with these arguments, or one line naming the missing extra."""
    missing = next(
        (
            line
            for name, line in (("uvicorn", MISSING_UVICORN), ("click", MISSING_CLICK))
            if find_spec(name) is None
        ),
        None,
    )
    if missing is not None:
        sys.stderr.write(f"{PROG}: error: {missing}\n")
        sys.exit(1)
    from youcam_units._cli._commands import cli  # noqa: PLC0415 - the extras are there

    cli.main(["mock", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
