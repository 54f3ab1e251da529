"""scripts/contract_evidence.py tells a contract run that tested pages from one that did not."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "contract_evidence.py"
_spec = importlib.util.spec_from_file_location("contract_evidence", SCRIPT)
assert _spec is not None
assert _spec.loader is not None
evidence = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evidence)


def _item(status: int, body: object, page: str | None = None) -> dict[str, Any]:
    """One HAR entry; ``page`` is the request's starting_token."""
    query = [] if page is None else [{"name": "starting_token", "value": page}]
    return {
        "request": {"queryString": query},
        "response": {"status": status, "content": {"text": json.dumps(body)}},
    }


def _page(next_token: str | None, entries: int = 2) -> dict[str, Any]:
    return {"status": 200, "result": {"next_token": next_token, "history": [{}] * entries}}


HAR = {
    "log": {
        "entries": [
            _item(200, _page("111")),
            _item(200, _page(None), page="111"),  # followed an issued token
            _item(400, {"status": 400, "error_code": "InvalidParameters"}, page="999"),
            _item(200, _page(None, entries=0)),  # a 200 with no entries does not count
            _item(401, {"status": 401, "error_code": "InvalidAccessToken"}),
        ]
    }
}


def test_counts_pages_with_entries_and_followed_tokens() -> None:
    """Only 200s carrying entries count as pages; only tokens a 200 issued count as follows."""
    assert evidence.count(HAR) == (5, 2, 1)


def test_a_run_of_errors_only_fails(tmp_path: Path) -> None:
    """A run whose every answer was an error exits 1, whatever schemathesis said of it."""
    har = tmp_path / "run.har"
    har.write_text(json.dumps({"log": {"entries": [_item(401, {"status": 401})] * 30}}))
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(SCRIPT), str(har)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "0 200s carrying entries" in result.stdout
    assert "too thin" in result.stderr


def test_a_run_with_pages_and_follows_passes(tmp_path: Path) -> None:
    """Enough pages and followed links exit 0."""
    har = tmp_path / "run.har"
    har.write_text(json.dumps(HAR))
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(SCRIPT), str(har), "--min-pages", "2", "--min-follows", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
