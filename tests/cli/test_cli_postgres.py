"""``--db postgresql://...``: the commands on a real PostgreSQL server, as on a SQLite file.

The same demo data synced into both storages gives the same summary, export and status, byte
for byte; bad input (a wrong password, no server, a database that is not a ledger) is one line,
exit 1, nothing written; the password never appears in anything printed.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest
from support import free_port
from youcam_units.ledger import LedgerError, open_ledger

if TYPE_CHECKING:
    from pathlib import Path

    from postgres_server import PostgresServer

    from cli.conftest import Invoke

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DEMO = ("--demo", "--entries", "400", "--seed", "3")


def test_demo_sync_then_summary_export_and_status_equal_the_sqlite_ledgers(
    invoke: Invoke, postgres_url: str, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """A demo synced into PostgreSQL and into a file: every later output is the same text."""
    file_db = str(tmp_path / "demo.sqlite3")
    for db in (postgres_url, file_db):
        run = invoke("sync", *DEMO, "--db", db)
        assert run.exit_code == 0, run.output
        assert "400 new entries" in run.stdout
    synced = invoke("sync", *DEMO, "--db", postgres_url)
    assert "0 new entries from 1 request; 400 in the ledger" in synced.stdout
    assert postgres_server.password not in synced.output
    assert "postgres:***@" in synced.stdout  # where it synced, without the password

    def outputs(db: str) -> list[str]:
        runs = [
            invoke("summary", "--db", db, "--format", "json", "--by", by)
            for by in ("action", "day", "month")
        ]
        runs.append(invoke("summary", "--db", db, "--by", "month", "--all"))
        runs.append(invoke("export", "--db", db, "--format", "csv"))
        runs.append(invoke("export", "--db", db, "--since", "2026-01-01"))
        runs.append(
            invoke("status", *DEMO, "--db", db, "--format", "json", "--as-of", "2026-03-01")
        )
        assert all(run.exit_code == 0 for run in runs), [run.output for run in runs]
        return [run.stdout for run in runs]

    from_postgres, from_file = outputs(postgres_url), outputs(file_db)
    assert from_postgres == from_file
    assert '"spent": ' in from_postgres[0]  # the outputs hold something to compare
    assert len(from_postgres[4].splitlines()) == 401  # a header and every entry


def test_the_db_variable_takes_a_url_and_ledgers_share_a_database(
    invoke: Invoke, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """YOUCAM_UNITS_DB names the ledger; two ledgers in one database stay apart."""
    monkeypatch.setenv("YOUCAM_UNITS_DB", f"{postgres_url}?ledger=staging")
    assert invoke("sync").exit_code == 0  # the 150 entries of the CLI tests' mock
    assert invoke("sync", "--db", f"{postgres_url}?ledger=demo", *DEMO).exit_code == 0
    with open_ledger(postgres_url, ledger="staging", read_only=True) as staging:
        assert len(staging) == 150
    with open_ledger(postgres_url, ledger="demo", read_only=True) as demo:
        assert len(demo) == 400


def test_a_wrong_password_is_one_line_without_the_password(
    invoke: Invoke, postgres_server: PostgresServer
) -> None:
    """The server's refusal, on one line; neither password is printed."""
    wrong = "not-the-Secret-42"
    for command in (("sync",), ("summary",), ("export",)):
        run = invoke(*command, "--db", postgres_server.url(password=wrong))
        assert run.exit_code == 1, run.output
        assert run.stderr.count("\n") == 1, run.stderr
        assert "password authentication failed" in run.stderr
        assert wrong not in run.output
        assert postgres_server.password not in run.output


def test_an_unreachable_server_is_one_line(invoke: Invoke) -> None:
    """Nothing listens on the port: one line naming the URL (password hidden), exit 1."""
    url = f"postgresql://ledger:hunter2@127.0.0.1:{free_port()}/ledgers?connect_timeout=3"
    run = invoke("sync", "--db", url)
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1, run.stderr
    assert "cannot connect to the ledger postgresql://ledger:***@127.0.0.1:" in run.stderr
    assert "hunter2" not in run.output


def test_a_database_that_is_not_a_ledger_is_refused_untouched(
    invoke: Invoke, postgres_url: str
) -> None:
    """A schema ``youcam_units`` that is not ours: refused, and left exactly as it was."""
    import psycopg  # noqa: PLC0415 - the postgres extra

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA youcam_units")
        conn.execute("CREATE TABLE youcam_units.invoices (id int)")
    for command in (("sync",), ("summary",)):
        run = invoke(*command, "--db", postgres_url)
        assert run.exit_code == 1
        assert run.stderr.count("\n") == 1, run.stderr
        assert "is not a youcam-units ledger (tables: invoices)" in run.stderr
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'youcam_units'"
        ).fetchall()
    assert tables == [("invoices",)]


def test_a_summary_of_a_ledger_never_synced_says_so_and_creates_nothing(
    invoke: Invoke, postgres_url: str
) -> None:
    """Reading a database with no ledger: one line, and no schema left behind."""
    import psycopg  # noqa: PLC0415 - the postgres extra

    run = invoke("summary", "--db", f"{postgres_url}?ledger=prod")
    assert run.exit_code == 1
    assert "no ledger at postgresql://" in run.stderr
    assert "ledger=prod: run sync first" in run.stderr
    with psycopg.connect(postgres_url) as conn:
        schemas = conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = 'youcam_units'"
        ).fetchall()
    assert schemas == []


@pytest.mark.parametrize("url", ["postgresql://u:pw@127.0.0.1/db", "postgres://127.0.0.1/db"])
def test_without_the_extra_the_line_names_it(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """Without psycopg: one line saying which extra to install."""
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    with pytest.raises(LedgerError, match=r"youcam-units\[postgres\]"):
        open_ledger(url)
    run = invoke("summary", "--db", url)
    assert run.exit_code == 1
    assert run.stderr.strip().endswith("pip install 'youcam-units[postgres]'")
    assert "pw@" not in run.output


def test_sync_all_names_a_postgres_ledger_without_its_password(
    invoke: Invoke,
    postgres_url: str,
    postgres_server: PostgresServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``sync --all`` says where each account synced, as ``sync`` does: the password hidden."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[accounts.team]\naccess_token_env = "YOUCAM_ACCESS_TOKEN"\n'
        f'db = "{postgres_url}?ledger=team"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUCAM_UNITS_CONFIG", str(config))
    for _ in range(2):  # the first pass, then one with nothing new
        run = invoke("sync", "--all")
        assert run.exit_code == 0, run.output
        assert postgres_server.password not in run.output
        assert "team: synced postgresql://postgres:***@" in run.stdout
