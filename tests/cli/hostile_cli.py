"""``youcam-units`` against a mock whose strings the test chooses: markup, escapes, any script.

Every bucket ``type``, SKU ``description``, history ``action`` and ``target_id`` the mock sends
is replaced by one text, and an error body's ``error`` too. Run as its own process (real streams,
their encoding) with::

    python hostile_cli.py TEXT ARGS...

or in-process through ``hostile_transport``.
"""

from __future__ import annotations

import sys
from typing import Any

import httpx
from youcam_units import _json as exact_json
from youcam_units._cli._commands import PROG, Runtime, cli
from youcam_units.mock import MockService

SEED = 5
ENTRIES = 60


def _replace(body: Any, text: str) -> Any:
    if isinstance(body, list):
        return [_replace(item, text) for item in body]
    if not isinstance(body, dict):
        return body
    replaced = {key: _replace(value, text) for key, value in body.items()}
    for key in ("type", "description", "action", "target_id", "error"):
        if isinstance(replaced.get(key), str):
            replaced[key] = text
    return replaced


def hostile_transport(service: MockService, text: str) -> httpx.MockTransport:
    """The mock's answers with every service string replaced by ``text``."""

    def handler(request: httpx.Request) -> httpx.Response:
        response = service.handle_httpx(request)
        body = _replace(exact_json.loads(response.content), text)
        return httpx.Response(
            response.status_code,
            content=exact_json.dumps(body, ensure_ascii=False).encode(),
            headers={"content-type": "application/json"},
        )

    return httpx.MockTransport(handler)


def main() -> None:
    """Run the command line after TEXT against the hostile mock."""
    text, *args = sys.argv[1:]
    service = MockService(seed=SEED, entries=ENTRIES)
    runtime = Runtime(
        transport=hostile_transport(service, text),
        client_options={"rate_limit": None, "max_retries": 0},
    )
    cli.main(args, prog_name=PROG, obj=runtime)


if __name__ == "__main__":
    main()
