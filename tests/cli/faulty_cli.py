"""``youcam-units`` run as its own process against an in-process mock with scripted faults.

The user's streams are real (a pipe, its encoding, the terminal width from COLUMNS); only the
service is the mock, so that a failure can be placed at an exact request. Usage::

    python faulty_cli.py SEED ENTRIES '{"3": "500"}' ARGS...

Retries are off (``max_retries=0``), so a scripted fault is the failure the user sees.
"""

from __future__ import annotations

import json
import sys

from youcam_units._cli._commands import PROG, Runtime, cli
from youcam_units.mock import FaultKind, FaultPlan, MockService


def main() -> None:
    """Build the mock from the arguments, then run the command line that follows them."""
    seed, entries, faults, *args = sys.argv[1:]
    plan = FaultPlan.script({int(n): FaultKind(kind) for n, kind in json.loads(faults).items()})
    service = MockService(seed=int(seed), entries=int(entries), faults=plan)
    runtime = Runtime(
        transport=service.transport(), client_options={"rate_limit": None, "max_retries": 0}
    )
    cli.main(args, prog_name=PROG, obj=runtime)


if __name__ == "__main__":
    main()
