"""Serve the mock over HTTP with uvicorn: ``python -m youcam_units.mock --port 8765``.

Needs the ``mock`` extra. Binds 127.0.0.1 unless told otherwise. The defaults are
``ServerSettings``'s, the same as ``youcam-units mock``'s.
"""

from __future__ import annotations

import argparse
import sys

from youcam_units.mock._faults import FaultKind
from youcam_units.mock._limits import Limits
from youcam_units.mock._server import ServerSettings, ServerUnavailableError, serve
from youcam_units.mock._service import DEFAULT_TOKEN, RateLimit
from youcam_units.mock._unit_system import DEFAULT_API_KEY

PROG = "python -m youcam_units.mock"
_DEFAULTS = ServerSettings()


def _rate_limit(text: str) -> RateLimit:
    requests, _, window = text.partition("/")
    return RateLimit(requests=int(requests), window=float(window or "300"))


def parse_args(argv: list[str] | None = None) -> ServerSettings:
    """The command line: data set, tokens, limits and faults."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__)
    parser.add_argument("--host", default=_DEFAULTS.host)
    parser.add_argument("--port", type=int, default=_DEFAULTS.port)
    parser.add_argument("--seed", type=int, default=_DEFAULTS.seed)
    parser.add_argument("--entries", type=int, default=_DEFAULTS.entries)
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
    parser.add_argument(
        "--limits",
        help="the service's limits per token and per client IP: 'real' (250/300,5/1) or "
        "windows like 25/3,5/1 (default: off)",
    )
    parser.add_argument(
        "--limits-per",
        choices=["both", "token", "ip"],
        default="both",
        help="what --limits counts by (default: both, as the service)",
    )
    parser.add_argument("--arrival-interval", type=float, help="a new entry every N seconds")
    parser.add_argument("--fault-rate", type=float, default=_DEFAULTS.fault_rate)
    parser.add_argument("--fault-seed", type=int, default=_DEFAULTS.fault_seed)
    parser.add_argument(
        "--fault-kind",
        action="append",
        choices=[kind.value for kind in FaultKind],
        help="fault kinds to draw from, repeatable (default: all)",
    )
    parser.add_argument("--slow-seconds", type=float, default=_DEFAULTS.slow_seconds)
    args = parser.parse_args(argv)
    limits = None
    if args.limits is not None:
        try:
            limits = Limits.parse(args.limits, per=args.limits_per)
        except ValueError as exc:
            parser.error(f"--limits: {exc}")
    return ServerSettings(
        host=args.host,
        port=args.port,
        seed=args.seed,
        entries=args.entries,
        tokens=tuple(args.token or _DEFAULTS.tokens),
        api_keys=tuple(args.api_key or _DEFAULTS.api_keys),
        token_ttl=args.token_ttl,
        rate_limit=args.rate_limit,
        limits=limits,
        arrival_interval=args.arrival_interval,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
        fault_kinds=tuple(FaultKind(k) for k in args.fault_kind or ()) or _DEFAULTS.fault_kinds,
        slow_seconds=args.slow_seconds,
    )


def main(argv: list[str] | None = None) -> None:
    """Build the service from the arguments and serve it until interrupted."""
    settings = parse_args(argv)
    try:
        serve(settings)
    except ServerUnavailableError as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
