"""Prove a schemathesis CLI run tested something: count, per operation, its 200s that carried data.

schemathesis reports "N passed" even when every response was an error; this reads the run's HAR
report and fails unless every operation got enough 200 responses carrying data (history entries,
balance buckets, feature-cost SKUs) and, for the paged ones, enough requests followed a
``next_token`` that operation had issued (the stateful phase's ``NextPage`` link).

    python scripts/contract_evidence.py run.har [--min-pages N] [--min-follows N] [--skip OP]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Operation:
    """Where an operation's data sits in its 200 body, and whether it pages."""

    operation_id: str
    path: str
    data: tuple[str, ...]
    paged: bool


OPERATIONS: Final = (
    Operation(
        "getCreditHistory", "/s2s/v1.0/client/credit/history", ("result", "history"), paged=True
    ),
    Operation("getCreditBalance", "/s2s/v1.0/client/credit", ("results",), paged=False),
    Operation("getFeatureCost", "/s2s/v2.0/credit/feature-cost", ("result", "skus"), paged=True),
)


@dataclass
class Evidence:
    """What one operation's requests in a run amounted to."""

    requests: int = 0
    pages: int = 0
    """200s whose body carried data (entries, buckets or SKUs)."""
    follows: int = 0
    """Requests whose starting_token an earlier 200 of the same operation had issued."""
    issued: set[str] = field(default_factory=set, repr=False)


def _body(text: str) -> Any:  # noqa: ANN401 - parsed JSON is Any by nature
    try:
        return json.loads(text)
    except ValueError:
        return None


def _data(body: Any, keys: tuple[str, ...]) -> list[Any]:  # noqa: ANN401
    for key in keys:
        body = body.get(key) if isinstance(body, dict) else None
    return body if isinstance(body, list) else []


def _next_token(body: Any) -> str | None:  # noqa: ANN401
    result = body.get("result") if isinstance(body, dict) else None
    token = result.get("next_token") if isinstance(result, dict) else None
    return str(token) if token not in (None, "") else None


def count(har: dict[str, Any]) -> dict[str, Evidence]:
    """Evidence per operation id (every operation listed, tested or not)."""
    by_path = {op.path: op for op in OPERATIONS}
    evidence = {op.operation_id: Evidence() for op in OPERATIONS}
    for item in har["log"]["entries"]:
        operation = by_path.get(urlsplit(item["request"].get("url", "")).path)
        if operation is None:
            continue
        seen = evidence[operation.operation_id]
        seen.requests += 1
        query = {q["name"]: q["value"] for q in item["request"].get("queryString", [])}
        if operation.paged and query.get("starting_token") in seen.issued:
            seen.follows += 1
        response = item["response"]
        if response["status"] == 200:  # noqa: PLR2004 - HTTP OK
            body = _body(response.get("content", {}).get("text") or "")
            seen.pages += bool(_data(body, operation.data))
            token = _next_token(body) if operation.paged else None
            if token is not None:
                seen.issued.add(token)
    return evidence


def shortfalls(
    evidence: dict[str, Evidence], *, min_pages: int, min_follows: int, skip: set[str]
) -> list[str]:
    """What each operation lacks; empty when the run proved enough for every one not skipped."""
    problems = []
    for operation in OPERATIONS:
        if operation.operation_id in skip:
            continue
        seen = evidence[operation.operation_id]
        # A balance is one request with no parameters: one 200 with buckets is its proof.
        need_pages = min_pages if operation.paged else min(min_pages, 1)
        if seen.pages < need_pages:
            problems.append(
                f"{operation.operation_id}: {seen.pages} 200s carrying data, need {need_pages}"
            )
        if operation.paged and seen.follows < min_follows:
            problems.append(
                f"{operation.operation_id}: {seen.follows} followed tokens, need {min_follows}"
            )
    return problems


def _read_har(path: Path) -> dict[str, Any] | str:
    """The HAR file, or why it is not one (a run that stopped before writing it, say)."""
    try:
        har = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        return error.strerror or str(error)
    except ValueError as error:  # not JSON, or not UTF-8
        return f"not JSON ({error})"
    if not isinstance(har, dict):
        return "no log.entries: not a HAR file"
    log = har.get("log")
    if not isinstance(log, dict) or not isinstance(log.get("entries"), list):
        return "no log.entries: not a HAR file"
    return har


def main() -> int:
    """Print the counts; exit 1 when the run was too thin to count as a test of any operation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("har", type=Path)
    parser.add_argument("--min-pages", type=int, default=20)
    parser.add_argument("--min-follows", type=int, default=5)
    parser.add_argument(
        "--skip", action="append", default=[], help="an operation id not tested in this run"
    )
    args = parser.parse_args()
    har = _read_har(args.har)
    if isinstance(har, str):
        print(f"contract_evidence: cannot read {args.har}: {har}", file=sys.stderr)
        return 1
    evidence = count(har)
    for operation_id, seen in evidence.items():
        follows = f", {seen.follows} followed an issued next_token" if seen.follows else ""
        print(
            f"contract evidence: {operation_id}: {seen.requests} requests, "
            f"{seen.pages} 200s carrying data{follows}"
        )
    problems = shortfalls(
        evidence, min_pages=args.min_pages, min_follows=args.min_follows, skip=set(args.skip)
    )
    for problem in problems:
        print(f"too thin: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
