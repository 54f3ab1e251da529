"""Prove a schemathesis CLI run tested something: count its 200s that carried entries.

schemathesis reports "N passed" even when every response was an error; this reads the run's HAR
report and fails unless enough 200 responses carried history entries and enough requests
followed a ``next_token`` the service had issued (the stateful phase's link).

    python scripts/contract_evidence.py run.har [--min-pages N] [--min-follows N]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def _history(text: str) -> list[Any]:
    try:
        body = json.loads(text)
    except ValueError:
        return []
    result = body.get("result") if isinstance(body, dict) else None
    history = result.get("history") if isinstance(result, dict) else None
    return history if isinstance(history, list) else []


def _next_token(text: str) -> str | None:
    try:
        body = json.loads(text)
    except ValueError:
        return None
    result = body.get("result") if isinstance(body, dict) else None
    token = result.get("next_token") if isinstance(result, dict) else None
    return str(token) if token not in (None, "") else None


def count(har: dict[str, Any]) -> tuple[int, int, int]:
    """(requests, 200s carrying entries, requests whose starting_token an earlier 200 issued)."""
    entries = har["log"]["entries"]
    issued: set[str] = set()
    pages = follows = 0
    for item in entries:
        query = {q["name"]: q["value"] for q in item["request"].get("queryString", [])}
        if query.get("starting_token") in issued:
            follows += 1
        response = item["response"]
        text = response.get("content", {}).get("text") or ""
        if response["status"] == 200:  # noqa: PLR2004 - HTTP OK
            pages += bool(_history(text))
            token = _next_token(text)
            if token is not None:
                issued.add(token)
    return len(entries), pages, follows


def main() -> int:
    """Print the counts; exit 1 when the run was too thin to count as a test."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("har", type=Path)
    parser.add_argument("--min-pages", type=int, default=20)
    parser.add_argument("--min-follows", type=int, default=5)
    args = parser.parse_args()
    requests, pages, follows = count(json.loads(args.har.read_text()))
    print(
        f"contract evidence: {requests} requests, {pages} 200s carrying entries, "
        f"{follows} followed an issued next_token"
    )
    if pages < args.min_pages or follows < args.min_follows:
        print(
            f"too thin: need at least {args.min_pages} pages of entries and "
            f"{args.min_follows} followed tokens",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
