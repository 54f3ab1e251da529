"""``youcam-units history``: every format parsed and compared with the mock's data."""

from __future__ import annotations

import csv
import io
import sys
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from youcam_units import HistoryEntry
from youcam_units import _json as exact_json
from youcam_units._cli._commands import DEMO_ENTRIES, DEMO_SEED, Runtime
from youcam_units._cli._fit import amounts
from youcam_units._cli._output import GuardedStdout
from youcam_units.mock import MockService

if TYPE_CHECKING:
    from cli.conftest import Invoke


def exact_amount(entry: dict[str, Any]) -> Decimal:
    """An entry's net change as the service states it: amount_dec when sent, else amount."""
    return sum(
        (
            Decimal(c.get("amount_dec", c["amount"]))
            for c in entry.get("info", {}).get("credits", [])
        ),
        Decimal(0),
    )


def test_jsonl_is_every_entry_exactly_as_sent(invoke: Invoke, service: MockService) -> None:
    """Each jsonl line is one entry, exactly the service's JSON, newest first."""
    run = invoke("history", "--format", "jsonl")
    assert run.exit_code == 0
    assert [exact_json.loads(line) for line in run.stdout.splitlines()] == list(
        service.iter_entries()
    )
    assert service.log.count == 5


def test_json_is_one_array_of_every_entry(invoke: Invoke, service: MockService) -> None:
    """The json format is one valid JSON array of every entry."""
    run = invoke("history", "--format", "json")
    assert run.exit_code == 0
    assert exact_json.loads(run.stdout) == list(service.iter_entries())


def test_json_of_nothing_is_an_empty_array(invoke: Invoke) -> None:
    """A filter that matches nothing still prints valid JSON."""
    run = invoke("history", "--format", "json", "--action", "no_such_action")
    assert (run.exit_code, exact_json.loads(run.stdout)) == (0, [])


def test_csv_has_one_row_per_entry(invoke: Invoke, service: MockService) -> None:
    """The csv rows carry each entry's id, time, action, target, amount and changes."""
    run = invoke("history", "--format", "csv", "--limit", "40")
    assert run.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    expected = [service.entry(i) for i in range(40)]
    assert [int(r["id"]) for r in rows] == [e["id"] for e in expected]
    for row, entry in zip(rows, expected, strict=True):
        credits_ = entry.get("info", {}).get("credits", [])
        assert row["action"] == entry["action"]
        assert row["target_id"] == entry.get("target_id", "")
        assert int(row["timestamp_ms"]) == entry["timestamp"]
        assert datetime.fromisoformat(row["time"]) == datetime.fromtimestamp(
            entry["timestamp"] / 1000, tz=UTC
        )
        assert Decimal(row["amount"]) == exact_amount(entry)
        assert exact_json.loads(row["changes"]) == credits_
        assert tuple(row["dst_actions"].split()) == HistoryEntry.from_dict(entry).dst_actions


def test_table_shows_the_entries(invoke: Invoke, service: MockService) -> None:
    """The table names each entry's time, action, signed amount and id."""
    run = invoke("history", "--format", "table", "--limit", "35")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert "time (UTC)" in lines[0]
    assert "action" in lines[0]
    for index in range(35):
        entry = service.entry(index)
        line = next(line for line in lines if str(entry["id"]) in line)
        when = datetime.fromtimestamp(entry["timestamp"] / 1000, tz=UTC)
        assert f"{when:%Y-%m-%d %H:%M:%S}" in line
        assert entry["action"][:20] in line
        assert amounts([exact_amount(entry)], sign=True)[0] in line.split()


def test_default_format_off_a_terminal_is_jsonl(invoke: Invoke, service: MockService) -> None:
    """Piped output (not a terminal) defaults to jsonl."""
    run = invoke("history", "--limit", "3")
    assert [exact_json.loads(line)["id"] for line in run.stdout.splitlines()] == [
        service.entry(i)["id"] for i in range(3)
    ]


def test_limit_reads_only_what_it_shows(invoke: Invoke, service: MockService) -> None:
    """--limit 45 prints 45 entries from two requests, the second asking for 15."""
    run = invoke("history", "--limit", "45")
    assert len(run.stdout.splitlines()) == 45
    assert service.log.count == 2
    assert service.log.records[1].params["page_size"] == ["15"]


def test_action_filter_is_repeatable(invoke: Invoke, service: MockService) -> None:
    """Several --action options keep the entries with any of those actions."""
    wanted = {"expire", "skin_analysis"}
    run = invoke("history", "--action", "expire", "--action", "skin_analysis")
    got = [exact_json.loads(line) for line in run.stdout.splitlines()]
    assert got == [e for e in service.iter_entries() if e["action"] in wanted]
    assert got


def test_since_until_select_whole_utc_days_and_stop_early(
    invoke: Invoke, service: MockService
) -> None:
    """--since/--until keep whole UTC days; reading stops at entries older than --since."""
    entries = list(service.iter_entries())
    day = datetime.fromtimestamp(entries[40]["timestamp"] / 1000, tz=UTC).date()
    run = invoke("history", "--since", day.isoformat(), "--until", day.isoformat())
    got = [exact_json.loads(line) for line in run.stdout.splitlines()]
    expected = [
        e for e in entries if datetime.fromtimestamp(e["timestamp"] / 1000, tz=UTC).date() == day
    ]
    assert got == expected
    assert got
    assert service.log.count < 5  # it did not read to the end of the history


def test_demo_needs_no_credentials(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    """--demo reads the built-in mock in-process, with no token set."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    run = invoke("history", "--demo", "--limit", "5", "--format", "json")
    assert run.exit_code == 0
    demo = MockService(seed=DEMO_SEED, entries=DEMO_ENTRIES)
    assert exact_json.loads(run.stdout) == [demo.entry(i) for i in range(5)]


def test_demo_seed_and_entries_choose_the_data(invoke: Invoke) -> None:
    """--seed and --entries pick the demo's data set."""
    run = invoke("history", "--demo", "--seed", "3", "--entries", "7", "--format", "jsonl")
    assert [exact_json.loads(line) for line in run.stdout.splitlines()] == list(
        MockService(seed=3, entries=7).iter_entries()
    )


def test_token_file_is_read(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """--token-file supplies the token when the environment has none."""
    monkeypatch.delenv("YOUCAM_ACCESS_TOKEN")
    token_file = tmp_path_factory.mktemp("secret") / "token"
    token_file.write_text("demo-token\n")
    run = invoke("history", "--token-file", str(token_file), "--limit", "2")
    assert run.exit_code == 0
    assert len(run.stdout.splitlines()) == 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_output_streams_page_by_page(invoke: Invoke, service: MockService, fmt: str) -> None:
    """Each page is written and flushed before the next request is made."""
    written_before_request: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        guarded = sys.stdout  # the command's guard around CliRunner's in-memory stdout
        assert isinstance(guarded, GuardedStdout)
        assert guarded.wrapped is not None
        captured = guarded.wrapped.buffer
        assert isinstance(captured, io.BytesIO)
        written_before_request.append(captured.getvalue().count(b"\n"))
        return service.handle_httpx(request)

    runtime = Runtime(transport=httpx.MockTransport(handler), client_options={"rate_limit": None})
    run = invoke("history", "--format", fmt, runtime=runtime)
    assert run.exit_code == 0
    header = 1 if fmt == "csv" else 0  # json's "[" shares the first entry's line
    assert written_before_request == [header + page * 30 for page in range(5)]
