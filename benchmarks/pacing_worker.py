"""One paced reader for scripts/bench's shared-budget run, in a process of its own.

Waits until the wall-clock instant ``--start-at`` (so that two readers start together once
their imports are done), then reads ``--pages`` pages from the mock at ``--base-url``, pacing
to ``--short`` and ``--long`` through the shared ``--pacing-file``. Retries are off: a 429 ends
the read, and is reported, rather than hiding in a backoff. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from youcam_units import Client, RateLimit, RateLimitError
from youcam_units.ledger import PAGE_SIZE
from youcam_units.mock import DEFAULT_TOKEN


def _limit(text: str) -> RateLimit:
    requests, _, seconds = text.partition("/")
    return RateLimit(int(requests), float(seconds))


def main() -> None:
    """``python benchmarks/pacing_worker.py --base-url URL --pacing-file F --pages N ...``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--pacing-file", type=Path, required=True)
    parser.add_argument("--pages", type=int, required=True)
    parser.add_argument("--short", type=_limit, required=True, help="REQUESTS/SECONDS")
    parser.add_argument("--long", type=_limit, required=True, help="REQUESTS/SECONDS")
    parser.add_argument("--start-at", type=float, required=True, help="time.time() to start")
    args = parser.parse_args()
    read = 0
    rate_limited = 0
    with Client(
        DEFAULT_TOKEN,
        base_url=args.base_url,
        rate_limit=(args.short, args.long),
        pacing_file=args.pacing_file,
        max_retries=0,
    ) as client:
        time.sleep(max(0.0, args.start_at - time.time()))
        try:
            for page in client.history(
                page_size=PAGE_SIZE, max_items=args.pages * PAGE_SIZE
            ).pages():
                read += len(page.entries)
        except RateLimitError:
            rate_limited += 1
    print(json.dumps({"entries": read, "rate_limited": rate_limited}))


if __name__ == "__main__":
    main()
