"""What only the PostgreSQL ledger has: URLs, named ledgers in one database, its schema, views.

The contract it shares with the SQLite ledger is tested on both (the ``ledger`` fixture); here:
a URL's password never shows, ledgers sharing a database stay apart, one account per ledger,
schema versions and migrations, a schema that is not ours, the BI views, the rollup's plan.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from youcam_units.ledger import (
    AccountMismatchError,
    LedgerError,
    PostgresLedger,
    ledger_location,
    open_ledger,
    summarize,
    sync,
)
from youcam_units.ledger._postgres_schema import MIGRATIONS, SCHEMA_VERSION
from youcam_units.ledger._target import parse_postgres_url
from youcam_units.mock import MockService

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ledger.conftest import MakeClient

# -- URLs: no server needed -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://ledger:s3cr%40t@db.internal:5433/youcam",
            "postgresql://ledger:***@db.internal:5433/youcam?ledger=default",
        ),
        (
            "postgres://db.internal/youcam?password=s3cr%40t&sslmode=require&ledger=prod",
            "postgres://db.internal/youcam?password=***&sslmode=require&ledger=prod",
        ),
        ("postgresql:///youcam", "postgresql:///youcam?ledger=default"),
    ],
)
def test_a_location_never_shows_the_password(url: str, shown: str) -> None:
    """Messages, reprs and ``location`` show the URL with its password as ``***``."""
    target = parse_postgres_url(url)
    assert target.location == ledger_location(url) == shown
    assert "s3cr" not in repr(target)
    if "s3cr" in url:
        said = target.redact("FATAL: password s3cr@t and s3cr%40t")
        assert said == "FATAL: password *** and ***"
    assert "ledger=" not in target.conninfo  # libpq does not know the parameter


def test_the_ledger_name_comes_from_the_argument_or_the_url() -> None:
    """``ledger=`` beats the default; ``?ledger=`` must agree with it; names are checked."""
    assert parse_postgres_url("postgresql://h/db").ledger == "default"
    assert parse_postgres_url("postgresql://h/db?ledger=prod").ledger == "prod"
    assert parse_postgres_url("postgresql://h/db", "staging").ledger == "staging"
    assert parse_postgres_url("postgresql://h/db?ledger=prod", "prod").ledger == "prod"
    with pytest.raises(LedgerError, match="names ledger 'prod' but ledger 'staging'"):
        parse_postgres_url("postgresql://h/db?ledger=prod", "staging")
    for bad in ("", "a b", "-x", "x" * 64, "a;drop"):
        with pytest.raises(LedgerError, match="invalid ledger name"):
            parse_postgres_url("postgresql://h/db", bad)


def test_without_postgresql_ci_fails_and_elsewhere_the_tests_skip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server fixture's answer when it cannot start one: under CI=true, never a skip."""
    from postgres_server import _unavailable  # noqa: PLC0415 - the fixture's own helper

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="under CI=true the PostgreSQL tests must run"):
        _unavailable("no initdb")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no initdb"):
        _unavailable("no initdb")


# -- a real server -----------------------------------------------------------------------------


def client_of(service: MockService) -> Any:
    """An unpaced client reading ``service`` in-process."""
    import httpx  # noqa: PLC0415
    from youcam_units import Client  # noqa: PLC0415
    from youcam_units.mock import DEFAULT_TOKEN  # noqa: PLC0415

    http = httpx.Client(transport=service.transport())
    return Client(DEFAULT_TOKEN, base_url="http://127.0.0.1", http_client=http, rate_limit=None)


@pytest.fixture
def connect(postgres_url: str) -> Iterator[Any]:
    """A plain psycopg connection to the test's database, to look behind the ledger's back."""
    import psycopg  # noqa: PLC0415

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        yield conn


@pytest.mark.postgres
@pytest.mark.slow
def test_ledgers_in_one_database_stay_apart(postgres_url: str) -> None:
    """Two accounts' ledgers side by side: each holds its own history, summary and state."""
    first, second = MockService(seed=1, entries=70), MockService(seed=2, entries=45)
    with open_ledger(postgres_url, ledger="first") as a, open_ledger(postgres_url, ledger="b") as b:
        sync(a, client_of(first))
        sync(b, client_of(second))
        assert list(a.raw_entries()) == list(first.iter_entries())
        assert list(b.raw_entries()) == list(second.iter_entries())
        assert (len(a), len(b)) == (70, 45)
        assert sum(r.entries for r in summarize(b, by="day")) == 45
        assert a.frontier_id == first.entry(0)["id"]
        assert b.frontier_id == second.entry(0)["id"]


@pytest.mark.postgres
@pytest.mark.slow
def test_another_accounts_history_is_refused_with_nothing_written(
    postgres_url: str,
) -> None:
    """A history that does not continue the ledger's: refused; entries and state unchanged."""
    ours, theirs = MockService(seed=3, entries=90), MockService(seed=4, entries=120)
    with open_ledger(postgres_url) as ledger:
        sync(ledger, client_of(ours))
        before = (list(ledger.raw_entries()), ledger.pass_state().frontier_id)
        with pytest.raises(AccountMismatchError, match="another account's history"):
            sync(ledger, client_of(theirs))
        assert (list(ledger.raw_entries()), ledger.pass_state().frontier_id) == before
        assert (ledger.staged_count, ledger.resume_token) == (0, None)


@pytest.mark.postgres
@pytest.mark.slow
def test_schema_version_recorded_and_a_newer_one_refused(
    postgres_url: str,
    connect: Any,
) -> None:
    """The version is written on creation; a database newer than the code is refused untouched."""
    with open_ledger(postgres_url) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    connect.execute(
        "UPDATE youcam_units.meta SET value = %s WHERE key = 'schema_version'",
        (str(SCHEMA_VERSION + 1),),
    )
    for read_only in (False, True):
        with pytest.raises(LedgerError, match="upgrade youcam-units"):
            open_ledger(postgres_url, ledger="other", read_only=read_only)
    ledgers = connect.execute("SELECT ledger FROM youcam_units.ledgers").fetchall()
    assert ledgers == [("default",)]


@pytest.mark.postgres
@pytest.mark.slow
def test_an_older_schema_is_upgraded_on_open_with_its_entries_rolled_up(
    postgres_url: str,
    connect: Any,
    make_client: MakeClient,
) -> None:
    """A version 1 database (no rollups, no views) with entries: opening migrates it."""
    with open_ledger(postgres_url) as ledger:
        sync(ledger, make_client())
        expected = summarize(ledger, by="day")
    connect.execute("DROP VIEW youcam_units.daily_totals, youcam_units.ledger_entries")
    connect.execute("DROP TABLE youcam_units.rollup, youcam_units.rollup_day")
    connect.execute("UPDATE youcam_units.meta SET value = '1' WHERE key = 'schema_version'")
    with open_ledger(postgres_url, read_only=True) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
        assert summarize(ledger, by="day") == expected
        assert ledger.query("SELECT COUNT(*) FROM daily_totals")[0][0] > 0


@pytest.mark.postgres
@pytest.mark.slow
def test_a_schema_of_our_name_that_is_not_ours_is_refused_untouched(
    postgres_url: str,
    connect: Any,
) -> None:
    """Unrelated tables in schema ``youcam_units``: refused, nothing created or changed."""
    connect.execute("CREATE SCHEMA youcam_units")
    connect.execute("CREATE TABLE youcam_units.meta (key text, value text)")
    connect.execute("CREATE TABLE youcam_units.orders (id int)")
    for read_only in (False, True):
        with pytest.raises(
            LedgerError, match=r"not a youcam-units ledger \(tables: meta, orders\)"
        ):
            open_ledger(postgres_url, read_only=read_only)
    tables = connect.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'youcam_units' ORDER BY 1"
    ).fetchall()
    assert tables == [("meta",), ("orders",)]


@pytest.mark.postgres
@pytest.mark.slow
def test_an_empty_schema_made_for_us_is_used(postgres_url: str, connect: Any) -> None:
    """A DBA's ``CREATE SCHEMA youcam_units`` (with nothing in it yet) becomes the ledger's."""
    connect.execute("CREATE SCHEMA youcam_units")
    with open_ledger(postgres_url) as ledger:
        assert (ledger.schema_version, len(ledger)) == (SCHEMA_VERSION, 0)


@pytest.mark.postgres
@pytest.mark.slow
def test_the_views_give_entries_and_daily_totals_per_ledger_and_action(
    postgres_url: str,
    connect: Any,
    make_client: MakeClient,
) -> None:
    """``ledger_entries`` and ``daily_totals`` agree with the summary, exactly, per ledger."""
    with open_ledger(postgres_url, ledger="prod") as ledger:
        sync(ledger, make_client())
        by_action = {r.group: r for r in summarize(ledger, by="action")}
        by_day = {r.group: r for r in summarize(ledger, by="day")}
    with open_ledger(postgres_url, ledger="empty"):
        pass
    totals: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0), Decimal(0), Decimal(0)])
    for day, action, entries, spent, expired, granted, net in connect.execute(
        "SELECT day, action, entries, spent, expired, granted, net "
        "FROM youcam_units.daily_totals WHERE ledger = 'prod'"
    ):
        assert net == granted - spent - expired
        for key in (action, day.isoformat()):
            sums = totals[key]
            sums[0] += entries
            sums[1] += spent
            sums[2] += granted
            sums[3] += expired
    for group, row in (*by_action.items(), *by_day.items()):
        assert totals[group] == [row.entries, row.spent, row.granted, row.expired], group
    rows = connect.execute(
        "SELECT ledger, COUNT(*), SUM(net), MIN(occurred_at) IS NOT NULL, "
        "COUNT(*) FILTER (WHERE (raw ->> 'id')::bigint = id) FROM youcam_units.ledger_entries "
        "GROUP BY ledger"
    ).fetchall()
    assert rows == [("prod", 200, sum(r.net for r in by_action.values()), True, 200)]


@pytest.mark.postgres
@pytest.mark.slow
def test_a_summary_reads_the_rollup_not_the_entries(
    postgres_url: str,
    make_client: MakeClient,
) -> None:
    """Whole days come from ``rollup_day``/``rollup``: the plans never scan ``entries``."""
    with open_ledger(postgres_url) as ledger:
        sync(ledger, make_client())
        assert isinstance(ledger, PostgresLedger)
        plans = [
            "\n".join(
                line
                for (line,) in ledger.query(
                    f"EXPLAIN SELECT {columns} FROM {table} WHERE ledger = ? AND day >= ? "  # noqa: S608 - fixed names
                    "AND day < ?",
                    ["default", 0, 30_000],
                )
            )
            for table, columns in (("rollup_day", "*"), ("rollup", "*"))
        ]
    for plan in plans:
        assert "rollup" in plan
        assert "entries" not in plan.replace("entries_by_time", "")


def test_a_malformed_url_is_one_line_without_its_password() -> None:
    """A URL libpq cannot read: a ``LedgerError`` naming it, the password hidden."""
    with pytest.raises(LedgerError, match="cannot connect to the ledger") as raised:
        open_ledger("postgresql://u:pa55word@127.0.0.1:notaport/db")
    assert "pa55word" not in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.postgres
@pytest.mark.slow
def test_a_read_only_open_creates_and_writes_nothing(postgres_url: str, connect: Any) -> None:
    """``read_only=True``: a ledger not there is not made; the session refuses every write."""
    with open_ledger(postgres_url, ledger="there"):
        pass
    with pytest.raises(LedgerError, match="ledger=elsewhere: run sync first"):
        open_ledger(postgres_url, ledger="elsewhere", read_only=True)
    with open_ledger(postgres_url, ledger="there", read_only=True) as reader:
        with pytest.raises(LedgerError, match="open read-only"):
            reader.write_pass(0, {"resume_token": "t"})
        with pytest.raises(LedgerError, match="read-only transaction"):
            reader.query("INSERT INTO ledgers (ledger) VALUES ('sneaky')")
    ledgers = connect.execute("SELECT ledger FROM youcam_units.ledgers").fetchall()
    assert ledgers == [("there",)]
