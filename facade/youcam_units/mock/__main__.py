"""Serve the mock over HTTP with uvicorn: ``python -m youcam_units.mock --port 8765``.

Needs the ``mock`` extra. Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import logging
import sys

from youcam_units.mock._asgi import DroppedConnectionError
from youcam_units.mock._faults import ALL_FAULTS, FaultKind, FaultPlan
from youcam_units.mock._service import (
    DEFAULT_TOKEN,
    SERVER_KEEP_RECORDS,
    MockService,
    RateLimit,
)
from youcam_units.mock._unit_system import DEFAULT_API_KEY


def _rate_limit(text: str) -> RateLimit:
    requests, _, window = text.partition("/")
    return RateLimit(requests=int(requests), window=float(window or "300"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: data set, tokens, limits and faults."""
    parser = argparse.ArgumentParser(prog="python -m youcam_units.mock", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--entries", type=int, default=1_000)
    parser.add_argument(
        "--token",
        action="append",
        help=f"accepted access token, repeatable (default {DEFAULT_TOKEN})",
    )
    parser.add_argument(
        "--api-key",
        action="append",
        help=f"accepted API key, repeatable (default {DEFAULT_API_KEY})",
    )
    parser.add_argument("--token-ttl", type=float, help="seconds until tokens expire")
    parser.add_argument(
        "--rate-limit", type=_rate_limit, help="REQUESTS/SECONDS per token, e.g. 250/300"
    )
    parser.add_argument("--arrival-interval", type=float, help="a new entry every N seconds")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument(
        "--fault-kind",
        action="append",
        choices=[kind.value for kind in FaultKind],
        help="fault kinds to draw from, repeatable (default: all)",
    )
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    return parser.parse_args(argv)


class _QuietDroppedConnections(logging.Filter):
    """Drops the traceback uvicorn logs for the DISCONNECT fault, which is on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnectionError))


def main(argv: list[str] | None = None) -> None:
    """Build the service from the arguments and serve it until interrupted."""
    args = parse_args(argv)
    try:
        import uvicorn  # noqa: PLC0415 - only the server needs it; the in-process mock must not
    except ModuleNotFoundError:
        sys.stderr.write(
            "python -m youcam_units.mock: error: serving the mock needs uvicorn: "
            "pip install 'youcam-units[mock]'\n"
        )
        sys.exit(1)
    service = MockService(
        seed=args.seed,
        entries=args.entries,
        tokens=args.token or (DEFAULT_TOKEN,),
        api_keys=args.api_key or (DEFAULT_API_KEY,),
        rate_limit=args.rate_limit,
        token_ttl=args.token_ttl,
        arrival_interval=args.arrival_interval,
        faults=FaultPlan.random(
            args.fault_rate,
            args.fault_seed,
            kinds=args.fault_kind or ALL_FAULTS,
            slow_seconds=args.slow_seconds,
        ),
        keep_records=SERVER_KEEP_RECORDS,
    )
    logging.getLogger("uvicorn.error").addFilter(_QuietDroppedConnections())
    uvicorn.run(service.asgi_app(), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
