"""scripts/contract_evidence.py tells a contract run that tested pages from one that did not."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "contract_evidence.py"
_spec = importlib.util.spec_from_file_location("contract_evidence", SCRIPT)
assert _spec is not None
assert _spec.loader is not None
evidence_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = evidence_module  # its dataclasses look their module up there
_spec.loader.exec_module(evidence_module)


HISTORY = "https://mock/s2s/v1.0/client/credit/history"
BALANCE = "https://mock/s2s/v1.0/client/credit"
COSTS = "https://mock/s2s/v2.0/credit/feature-cost"


def _item(status: int, body: object, page: str | None = None, url: str = HISTORY) -> dict[str, Any]:
    """One HAR entry; ``page`` is the request's starting_token."""
    query = [] if page is None else [{"name": "starting_token", "value": page}]
    return {
        "request": {"url": url, "queryString": query},
        "response": {"status": status, "content": {"text": json.dumps(body)}},
    }


def _page(next_token: str | None, entries: int = 2) -> dict[str, Any]:
    return {"status": 200, "result": {"next_token": next_token, "history": [{}] * entries}}


def _costs(next_token: str | None, skus: int = 2) -> dict[str, Any]:
    return {"status": 200, "result": {"next_token": next_token, "skus": [{}] * skus}}


def _balance(buckets: int = 2) -> dict[str, Any]:
    return {"status": 200, "results": [{}] * buckets}


HAR = {
    "log": {
        "entries": [
            _item(200, _page("111")),
            _item(200, _page(None), page="111"),  # followed an issued token
            _item(400, {"status": 400, "error_code": "InvalidParameters"}, page="999"),
            _item(200, _page(None, entries=0)),  # a 200 with no entries does not count
            _item(401, {"status": 401, "error_code": "InvalidAccessToken"}),
            _item(200, _balance(), url=BALANCE),
            _item(200, _balance(0), url=BALANCE),  # no buckets: not data
            _item(200, _costs("MjA"), url=COSTS),
            _item(200, _costs(None), page="MjA", url=COSTS),
            _item(200, _costs(None), page="111", url=COSTS),  # a history token: not a follow
            _item(200, _page(None), url="https://mock/elsewhere"),  # not an operation
        ]
    }
}


def _run(har: dict[str, Any], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "run.har"
    path.write_text(json.dumps(har))
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(SCRIPT), str(path), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_counts_data_and_followed_tokens_per_operation() -> None:
    """Only 200s carrying data count; only a token the same operation issued counts as a follow."""
    evidence = evidence_module.count(HAR)
    counted = {op: (e.requests, e.pages, e.follows) for op, e in evidence.items()}
    assert counted == {
        "getCreditHistory": (5, 2, 1),
        "getCreditBalance": (2, 1, 0),
        "getFeatureCost": (3, 3, 1),
    }


@pytest.mark.slow
def test_a_run_of_errors_only_fails(tmp_path: Path) -> None:
    """A run whose every answer was an error exits 1, whatever schemathesis said of it."""
    result = _run({"log": {"entries": [_item(401, {"status": 401})] * 30}}, tmp_path)
    assert result.returncode == 1
    assert "getCreditHistory: 30 requests, 0 200s carrying data" in result.stdout
    assert "too thin" in result.stderr


@pytest.mark.slow
def test_one_operation_with_only_errors_fails_the_run(tmp_path: Path) -> None:
    """Pages of history and costs do not make up for a balance that only ever failed."""
    entries = [_item(200, _page("111")), _item(200, _page(None), page="111")]
    entries += [_item(200, _costs("MjA"), url=COSTS), _item(200, _costs(None), "MjA", COSTS)]
    entries += [_item(401, {"status": 401}, url=BALANCE)] * 5
    result = _run({"log": {"entries": entries}}, tmp_path, "--min-pages", "1", "--min-follows", "1")
    assert result.returncode == 1
    assert "getCreditBalance: 0 200s carrying data, need 1" in result.stderr
    assert "getCreditHistory" not in result.stderr


@pytest.mark.slow
def test_a_run_with_data_and_follows_for_every_operation_passes(tmp_path: Path) -> None:
    """Enough data for every operation and followed links for the paged ones exit 0."""
    result = _run(HAR, tmp_path, "--min-pages", "1", "--min-follows", "1")
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_a_skipped_operation_is_not_required(tmp_path: Path) -> None:
    """--skip leaves an operation out (scripts/fuzz --live without an API key)."""
    entries = [_item(200, _page("111")), _item(200, _page(None), page="111")]
    entries += [_item(200, _balance(), url=BALANCE)]
    har = {"log": {"entries": entries}}
    args = ("--min-pages", "1", "--min-follows", "1")
    assert _run(har, tmp_path, *args).returncode == 1
    assert _run(har, tmp_path, *args, "--skip", "getFeatureCost").returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "No such file or directory"),
        ("schemathesis stopped here", "not JSON"),
        ('{"entries": []}', "no log.entries"),
    ],
)
def test_a_har_it_cannot_read_is_one_line(tmp_path: Path, content: str | None, reason: str) -> None:
    """A missing, cut or foreign HAR (a run that never wrote one) fails in one line naming it."""
    path = tmp_path / "run.har"
    if content is not None:
        path.write_text(content)
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(SCRIPT), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"contract_evidence: cannot read {path}: ")
    assert reason in line
