"""``--account``, ``accounts``, ``sync --all`` and ``--account all`` against two mock services."""

from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

import click
import httpx
import pytest
from click.testing import CliRunner
from youcam_units._amounts import about
from youcam_units._cli import cli
from youcam_units._cli._commands import Runtime
from youcam_units.ledger import Ledger
from youcam_units.mock import BALANCE_PATH, MockService

from cli.conftest import Run

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

SECRETS = {"TOKEN_A": "tok-alpha-SECRET-1", "TOKEN_B": "tok-beta-SECRET-2", "KEY_B": "key-b-S3"}
PORTS = {"a": 8001, "b": 8002}


@pytest.fixture
def services(request: pytest.FixtureRequest) -> dict[str, MockService]:
    """Two accounts' services: different data, each accepting only its own token and key.

    An indirect parameter gives how many entries a and b hold (default 70 and 45).
    """
    entries_a, entries_b = getattr(request, "param", (70, 45))
    return {
        "a": MockService(seed=11, entries=entries_a, tokens=[SECRETS["TOKEN_A"]], api_keys=[]),
        "b": MockService(
            seed=12, entries=entries_b, tokens=[SECRETS["TOKEN_B"]], api_keys=[SECRETS["KEY_B"]]
        ),
    }


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file with accounts a (the default) and b, their secrets in the environment."""
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
default_account = "a"
[accounts.a]
access_token_env = "TOKEN_A"
base_url = "http://127.0.0.1:{PORTS["a"]}"
db = "a.sqlite3"
[accounts.b]
access_token_env = "TOKEN_B"
api_key_env = "KEY_B"
base_url = "http://127.0.0.1:{PORTS["b"]}"
db = "postgresql://ledger:pg-SECRET-pw@db.internal/youcam"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUCAM_UNITS_CONFIG", str(path))
    return path


def use_sqlite_for_b(config: Path) -> None:
    """Point account b at a SQLite file (the database URL is for the listing's tests)."""
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('"postgresql://ledger:pg-SECRET-pw@db.internal/youcam"', '"b.sqlite3"'),
        encoding="utf-8",
    )


@pytest.fixture
def run(services: dict[str, MockService]) -> Callable[..., Run]:
    """Run the command with a transport that routes each base URL's port to its service."""
    by_port = {PORTS[name]: service for name, service in services.items()}

    def route(request: httpx.Request) -> httpx.Response:
        return by_port[request.url.port or 0].handle_httpx(request)

    def invoke(*args: str) -> Run:
        runtime = Runtime(transport=httpx.MockTransport(route), client_options={"rate_limit": None})
        result = CliRunner().invoke(cli, list(args), obj=runtime, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


def history_ids(run: Run) -> list[int]:
    """The entry ids of a ``history --format json`` run."""
    assert run.exit_code == 0, run.output
    return [entry["id"] for entry in json.loads(run.stdout)]


def expected_ids(service: MockService) -> list[int]:
    """The ids the service holds, newest first."""
    return [int(entry["id"]) for entry in service.iter_entries()]


def test_account_selects_credentials_and_service(
    run: Callable[..., Run], config: Path, services: dict[str, MockService]
) -> None:
    """--account b reads b's service with b's token; no option reads the default account a."""
    del config
    assert history_ids(run("history", "--format", "json", "--account", "b")) == expected_ids(
        services["b"]
    )
    assert history_ids(run("history", "--format", "json")) == expected_ids(services["a"])


def test_environment_variable_selects_the_account(
    run: Callable[..., Run],
    config: Path,
    services: dict[str, MockService],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """YOUCAM_UNITS_ACCOUNT chooses the account as --account does."""
    del config
    monkeypatch.setenv("YOUCAM_UNITS_ACCOUNT", "b")
    assert history_ids(run("history", "--format", "json")) == expected_ids(services["b"])


def test_account_credentials_beat_the_generic_variable(
    run: Callable[..., Run],
    config: Path,
    services: dict[str, MockService],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """YOUCAM_ACCESS_TOKEN (a's token) is not sent for account b: b's own token is."""
    del config
    monkeypatch.setenv("YOUCAM_ACCESS_TOKEN", SECRETS["TOKEN_A"])
    assert history_ids(run("history", "--format", "json", "--account", "b")) == expected_ids(
        services["b"]
    )


def test_token_file_beats_the_account(
    run: Callable[..., Run], config: Path, tmp_path: Path
) -> None:
    """--token-file wins over the account's token: b's service refuses a's token (401)."""
    del config
    token_file = tmp_path / "a.token"
    token_file.write_text(SECRETS["TOKEN_A"], encoding="utf-8")
    token_file.chmod(0o600)
    result = run("history", "--account", "b", "--token-file", str(token_file))
    assert result.exit_code == 1
    assert f"--token-file {token_file}" in result.stderr
    assert SECRETS["TOKEN_A"] not in result.output


def test_db_option_beats_the_account(
    run: Callable[..., Run], config: Path, tmp_path: Path, services: dict[str, MockService]
) -> None:
    """--db writes where it says, not to the account's ledger."""
    chosen = tmp_path / "chosen.sqlite3"
    result = run("sync", "--db", str(chosen))
    assert result.exit_code == 0, result.output
    assert not (config.parent / "a.sqlite3").exists()
    with Ledger(chosen) as ledger:
        assert len(ledger) == services["a"].total


def test_unknown_account_lists_the_known_ones(run: Callable[..., Run], config: Path) -> None:
    """An unknown name: one line, exit 1, the known names listed, nothing requested."""
    result = run("history", "--account", "c")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "known accounts: a, b" in result.stderr
    assert str(config) in result.stderr


def test_secret_in_config_is_one_line_without_the_value(
    run: Callable[..., Run], config: Path
) -> None:
    """A token written into the file: one line naming the key, the value never printed."""
    config.write_text('[accounts.a]\naccess_token = "tok-in-file-SECRET"\n', encoding="utf-8")
    result = run("sync")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "accounts.a.access_token" in result.stderr
    assert "tok-in-file-SECRET" not in result.output


def test_missing_variable_is_named(
    run: Callable[..., Run], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An account whose token variable is unset names the variable and the account."""
    del config
    monkeypatch.delenv("TOKEN_A")
    result = run("history")
    assert result.exit_code == 1
    assert "$TOKEN_A (the access token of account 'a') is not set" in result.stderr


def test_database_url_is_refused_at_the_seam(run: Callable[..., Run], config: Path) -> None:
    """An account whose db is a database URL: one line, the password redacted."""
    del config
    result = run("sync", "--account", "b")
    assert result.exit_code == 1
    assert "postgresql://ledger:***@db.internal/youcam" in result.stderr
    assert "pg-SECRET-pw" not in result.output


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_accounts_listing_never_shows_a_secret(
    run: Callable[..., Run], config: Path, fmt: str
) -> None:
    """`accounts` names where each credential is, whether it is there, and never a value."""
    result = run("accounts", "--format", fmt)
    assert result.exit_code == 0, result.output
    for secret in [*SECRETS.values(), "pg-SECRET-pw"]:
        assert secret not in result.output
    assert "TOKEN_A" in result.stdout
    assert "postgresql://ledger:***@db.internal/youcam" in result.stdout
    if fmt == "json":
        listed = json.loads(result.stdout)
        assert listed["config"] == str(config)
        rows = {row["name"]: row for row in listed["accounts"]}
        assert rows["a"]["default"] is True
        assert rows["a"]["access_token"] == "$TOKEN_A"  # noqa: S105 - a variable name
        assert rows["a"]["access_token_present"] is True
        assert rows["b"]["api_key"] == "$KEY_B"


def test_accounts_listing_says_when_a_credential_is_missing(
    run: Callable[..., Run], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unset variable shows as missing, so a broken account is seen before a sync fails."""
    del config
    monkeypatch.delenv("TOKEN_B")
    rows = {
        row["name"]: row
        for row in json.loads(run("accounts", "--format", "json").stdout)["accounts"]
    }
    assert rows["b"]["access_token_present"] is False
    assert rows["a"]["access_token_present"] is True


def test_no_config_file_works_from_the_environment(invoke: Callable[..., Run]) -> None:
    """Without a config file, the environment's token is used exactly as before."""
    result = invoke("history", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 150
    assert "no config file" in invoke("accounts").stdout


def test_sync_all_syncs_every_account_into_its_own_ledger(
    run: Callable[..., Run], config: Path, services: dict[str, MockService]
) -> None:
    """Sync --all: each ledger holds exactly its own service's history; a line per account."""
    use_sqlite_for_b(config)
    result = run("sync", "--all")
    assert result.exit_code == 0, result.output
    for name, service in services.items():
        with Ledger(config.parent / f"{name}.sqlite3") as ledger:
            assert [int(e["id"]) for e in ledger.raw_entries()] == expected_ids(service)
        assert f"{name}: synced" in result.stdout


def test_sync_all_goes_on_after_a_failure_and_names_it(
    run: Callable[..., Run],
    config: Path,
    services: dict[str, MockService],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One account failing (its token unset) does not stop the next; exit 1 names it."""
    use_sqlite_for_b(config)
    monkeypatch.delenv("TOKEN_A")
    result = run("sync", "--all")
    assert result.exit_code == 1
    assert "account a: $TOKEN_A" in result.stderr
    assert "1 of 2 accounts failed to sync: a" in result.stderr
    assert not (config.parent / "a.sqlite3").exists()  # refused before anything was written
    with Ledger(config.parent / "b.sqlite3") as ledger:
        assert len(ledger) == services["b"].total


def test_sync_all_refuses_one_accounts_options(run: Callable[..., Run], config: Path) -> None:
    """--db with --all would put every account in one ledger: refused as a usage error."""
    del config
    result = run("sync", "--all", "--db", "x.sqlite3")
    assert result.exit_code == 2
    assert "--db names one account's setting" in result.stderr


def summary_json(run: Callable[..., Run], *args: str) -> object:
    """A ``summary --format json`` run's output, exact numbers as Decimal."""
    result = run("summary", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)


@pytest.mark.parametrize("by", ["action", "day", "month"])
def test_summary_of_all_accounts_is_the_sum_of_each(
    run: Callable[..., Run], config: Path, by: str
) -> None:
    """Summary --account all: a breakdown per account equal to each alone, and their sum."""
    use_sqlite_for_b(config)
    assert run("sync", "--all").exit_code == 0
    combined = summary_json(run, "--account", "all", "--by", by)
    assert isinstance(combined, dict)
    singles = {name: summary_json(run, "--account", name, "--by", by) for name in ("a", "b")}
    assert combined["accounts"] == singles
    expected: dict[str, dict[str, Decimal]] = {}
    for rows in singles.values():
        assert isinstance(rows, list)
        for row in rows:
            sums = expected.setdefault(row[by], dict.fromkeys(row, Decimal(0)))
            for column in ("entries", "spent", "granted", "expired", "net"):
                sums[column] += row[column]
    assert {
        row[by]: {k: row[k] for k in expected[row[by]] if k != by} for row in combined["total"]
    } == {group: {k: v for k, v in sums.items() if k != by} for group, sums in expected.items()}


def test_summary_of_all_accounts_table(run: Callable[..., Run], config: Path) -> None:
    """The table names each account and the total of all of them."""
    use_sqlite_for_b(config)
    assert run("sync", "--all").exit_code == 0
    result = run("summary", "--account", "all")
    assert result.exit_code == 0, result.output
    for heading in ("a:", "b:", "all accounts:"):
        assert heading in result.stdout


@pytest.mark.parametrize("price", [(), ("--unit-price", "0.05")])
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_summary_of_all_accounts_as_rows(
    run: Callable[..., Run], config: Path, fmt: str, price: tuple[str, ...]
) -> None:
    """Summary --account all as jsonl or csv: json's rows, each led by its account ("all": sum)."""
    use_sqlite_for_b(config)
    assert run("sync", "--all").exit_code == 0
    combined = summary_json(run, "--account", "all", "--by", "month", *price)
    assert isinstance(combined, dict)
    labelled = [
        {"account": name, **row}
        for name, rows in [*combined["accounts"].items(), ("all", combined["total"])]
        for row in rows
    ]
    result = run("summary", "--account", "all", "--by", "month", "--format", fmt, *price)
    assert result.exit_code == 0, result.output
    if fmt == "jsonl":
        got = [json.loads(line, parse_float=Decimal) for line in result.stdout.splitlines()]
        assert got == labelled
        return
    got_csv = list(csv.DictReader(io.StringIO(result.stdout)))
    header = list(got_csv[0])
    assert header[:3] == ["account", "month", "entries"]
    assert ("spent_money" in header) == bool(price)
    assert got_csv == [{key: str(row.get(key, "")) for key in header} for row in labelled]


AS_OF = "2026-11-25T00:00:00Z"


def status_json(run: Callable[..., Run], *args: str) -> dict[str, object]:
    """A ``status --format json`` run's output, exact numbers as Decimal."""
    result = run("status", "--format", "json", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.output
    parsed: dict[str, object] = json.loads(result.stdout, parse_float=Decimal)
    return parsed


def test_status_of_all_accounts_is_each_and_their_sum(
    run: Callable[..., Run], config: Path
) -> None:
    """Status --account all: each account's status as alone, and balances and rates summed."""
    use_sqlite_for_b(config)
    combined = status_json(run, "--account", "all")
    singles = {name: status_json(run, "--account", name, "--no-sync") for name in ("a", "b")}
    assert combined["accounts"] == singles
    assert combined["failed"] == []
    total = combined["total"]
    assert isinstance(total, dict)
    for key in ("balance", "spend_per_day", "expiring_total"):
        with localcontext(prec=200):  # the exact sum: not rounded at 28 digits
            expected = sum((Decimal(str(single[key])) for single in singles.values()), Decimal(0))
        assert total[key] == expected


@pytest.mark.parametrize("columns", ["40", "80"])
def test_status_of_all_accounts_table_fits_without_trailing_blanks(
    run: Callable[..., Run], config: Path, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    """The total line wraps like every other line: within the width, no line ending in blanks."""
    use_sqlite_for_b(config)
    monkeypatch.setenv("COLUMNS", columns)
    result = run("status", "--account", "all", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "all accounts:" in result.stdout
    for line in result.stdout.splitlines():
        assert line == line.rstrip(), repr(line)
        assert len(line) <= int(columns), line


def test_status_of_all_accounts_reports_thresholds_per_account(
    run: Callable[..., Run], config: Path
) -> None:
    """A threshold crossed by each account is named per account; the exit status is 3."""
    use_sqlite_for_b(config)
    result = run("status", "--account", "all", "--as-of", AS_OF, "--min-balance", "1e12")
    assert result.exit_code == 3, result.output
    for name in ("a", "b"):
        assert f"below threshold: account {name}: the balance" in result.stderr
    for heading in ("a:", "b:", "all accounts:"):
        assert heading in result.stdout


def test_status_of_all_accounts_goes_on_after_a_failure(
    run: Callable[..., Run], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One account failing: the other is still shown, and the command fails naming it."""
    use_sqlite_for_b(config)
    monkeypatch.delenv("TOKEN_B")
    monkeypatch.delenv("KEY_B")
    result = run("status", "--account", "all", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["failed"] == ["b"]
    assert "1 of 2 accounts failed: b" in result.stderr


def test_sync_account_all_is_sync_all(run: Callable[..., Run], config: Path) -> None:
    """Sync --account all does what sync --all does."""
    use_sqlite_for_b(config)
    result = run("sync", "--account", "all")
    assert result.exit_code == 0, result.output
    assert "a: synced" in result.stdout
    assert "b: synced" in result.stdout


def test_account_all_where_one_is_needed(run: Callable[..., Run], config: Path) -> None:
    """History reads one account: --account all is one line saying where it works."""
    del config
    result = run("history", "--account", "all")
    assert result.exit_code == 1
    assert "--account all is for sync (as --all), summary, status and metrics" in result.stderr


def test_every_command_that_reads_takes_account() -> None:
    """--account is on every command that reads the service or a ledger, and nowhere twice."""
    for name in ("history", "sync", "summary", "status", "balance", "costs", "export"):
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        options = [opt for param in command.params for opt in getattr(param, "opts", [])]
        assert options.count("--account") == 1, name


def test_db_variable_and_base_url_option_beat_the_account(
    run: Callable[..., Run],
    config: Path,
    tmp_path: Path,
    services: dict[str, MockService],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """YOUCAM_UNITS_DB and --base-url win over the account's db and base_url."""
    chosen = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("YOUCAM_UNITS_DB", str(chosen))
    assert run("sync").exit_code == 0
    with Ledger(chosen) as ledger:
        assert len(ledger) == services["a"].total
    assert not (config.parent / "a.sqlite3").exists()
    # Account a's token, sent to b's service by --base-url: refused there (401), so the URL won.
    other = str(tmp_path / "other.sqlite3")
    refused = run("sync", "--db", other, "--base-url", f"http://127.0.0.1:{PORTS['b']}")
    assert refused.exit_code == 1
    assert "$TOKEN_A (account 'a')" in refused.stderr


def test_export_and_balance_use_the_account(
    run: Callable[..., Run], config: Path, services: dict[str, MockService]
) -> None:
    """Export reads the account's ledger; balance asks the account's service."""
    use_sqlite_for_b(config)
    assert run("sync", "--account", "b").exit_code == 0
    exported = run("export", "--account", "b")
    assert exported.exit_code == 0, exported.output
    ids = [json.loads(line)["id"] for line in exported.stdout.splitlines()]
    assert ids == expected_ids(services["b"])
    balance = run("balance", "--account", "b", "--format", "json")
    assert balance.exit_code == 0, balance.output
    assert "total" in json.loads(balance.stdout, parse_float=Decimal)
    asked = {name: {r.path for r in service.log.records} for name, service in services.items()}
    assert BALANCE_PATH in asked["b"]
    assert BALANCE_PATH not in asked["a"]


@pytest.mark.skipif(os.name != "posix", reason="file modes and FIFOs are POSIX")
def test_an_account_token_file_is_read_as_token_file_is(
    run: Callable[..., Run], config: Path, tmp_path: Path
) -> None:
    """One reader for every credential file: an account's gets ssh's warning, a FIFO is refused."""
    token = tmp_path / "a.token"
    token.write_text(SECRETS["TOKEN_A"], encoding="utf-8")
    token.chmod(0o644)
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('access_token_env = "TOKEN_A"', f'access_token_file = "{token}"'),
        encoding="utf-8",
    )
    result = run("history", "--limit", "1", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert "can be read by other users (mode 0644)" in result.stderr
    token.unlink()
    os.mkfifo(token)
    result = run("history")
    assert result.exit_code == 1
    assert "is not a regular file" in result.stderr
    assert SECRETS["TOKEN_A"] not in result.output


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("command", [("balance", "--account", "b"), ("sync", "--all")])
def test_a_readable_credential_file_is_warned_of_once(
    run: Callable[..., Run], config: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Each command warns once per file others can read, however often it reads the account."""
    use_sqlite_for_b(config)
    key = tmp_path / "b.key"
    key.write_text(SECRETS["KEY_B"], encoding="utf-8")
    key.chmod(0o644)
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('api_key_env = "KEY_B"', f'api_key_file = "{key}"'), encoding="utf-8"
    )
    result = run(*command)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("can be read by other users (mode 0644)") == 1, result.stderr


@pytest.mark.parametrize("services", [(600, 400)], indirect=True)
def test_status_of_all_accounts_total_line_shows_projections_to_the_cent(
    run: Callable[..., Run], config: Path
) -> None:
    """The total's expiring units are a projection: shown to the cent, as each account's are."""
    use_sqlite_for_b(config)
    total = status_json(run, "--account", "all")["total"]
    assert isinstance(total, dict)
    expiring = total["expiring_total"]
    assert expiring != round(expiring, 2)  # the exact sum has more digits than it shows
    result = run("status", "--account", "all", "--no-sync", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    line = result.stdout.split("all accounts:")[1]
    assert f"about {about(expiring)} units expiring unspent" in " ".join(line.split())


def test_status_of_all_accounts_total_says_which_accounts_it_lacks(
    run: Callable[..., Run], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With b failed, the total is a's alone: its line says so rather than "all accounts"."""
    use_sqlite_for_b(config)
    monkeypatch.delenv("TOKEN_B")
    monkeypatch.delenv("KEY_B")
    result = run("status", "--account", "all", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "all accounts:" not in result.stdout
    assert "all accounts but b (failed):" in result.stdout
    monkeypatch.delenv("TOKEN_A")
    result = run("status", "--account", "all", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stdout == ""  # no account read: no total of nothing
    assert "2 of 2 accounts failed: a, b" in result.stderr


@pytest.mark.parametrize("command", ["status", "metrics"])
def test_every_account_keeps_its_own_ledger_and_service_despite_the_variables(
    run: Callable[..., Run],
    config: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    """YOUCAM_UNITS_DB and YOUCAM_BASE_URL name one account's settings, as --db and --base-url.

    Left in the shell for one account, they are not used for all of them at once: each
    account reads its own ledger and service, as ``sync --all`` and ``summary --account all``.
    """
    use_sqlite_for_b(config)
    assert run("sync", "--all").exit_code == 0
    alone = run(command, "--account", "all", "--no-sync", "--as-of", AS_OF)
    assert alone.exit_code == 0, alone.output
    monkeypatch.setenv("YOUCAM_UNITS_DB", str(tmp_path / "one-account.sqlite3"))
    monkeypatch.setenv("YOUCAM_BASE_URL", f"http://127.0.0.1:{PORTS['a']}")
    with_variables = run(command, "--account", "all", "--as-of", AS_OF)
    assert with_variables.exit_code == 0, with_variables.output
    assert not (tmp_path / "one-account.sqlite3").exists()
    if command == "status":
        assert with_variables.stdout == alone.stdout


@pytest.mark.parametrize("bad", [("--as-of", "someday"), ("--currency", "EUR")])
def test_status_of_all_accounts_refuses_a_bad_option_before_any_request(
    run: Callable[..., Run],
    config: Path,
    services: dict[str, MockService],
    bad: tuple[str, str],
) -> None:
    """A bad option is exit 2 and one line, as for one account: not one failure per account."""
    use_sqlite_for_b(config)
    text = config.read_text(encoding="utf-8")
    priced = 'db = "a.sqlite3"\nunit_price = 0.05\ncurrency = "USD"'
    config.write_text(text.replace('db = "a.sqlite3"', priced), encoding="utf-8")
    result = run("status", "--account", "all", *bad)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert bad[0] in result.stderr
    assert [service.log.count for service in services.values()] == [0, 0]
