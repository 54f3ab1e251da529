"""The token's budget shared across hosts in the CLI, and one line when it cannot be.

``YOUCAM_UNITS_TOKEN_PACING`` or an account's ``token_pacing`` key names the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from youcam_units import ConfigError, RateLimit, load_config
from youcam_units._cli._commands import Runtime
from youcam_units._token_pacing import bucket_key
from youcam_units.mock import DEFAULT_TOKEN

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units.mock import MockService

    from cli.conftest import Invoke

ENV = "YOUCAM_UNITS_TOKEN_PACING"


def _paced(service: MockService) -> Runtime:
    """The CLI as against the real service: pacing on (the mock's token)."""
    return Runtime(
        transport=service.transport(), client_options={"rate_limit": RateLimit(1000, 1.0)}
    )


def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token_pacing: str) -> Path:
    monkeypatch.setenv("DEMO_TOKEN", DEFAULT_TOKEN)
    path = tmp_path / "config.toml"
    path.write_text(
        'default_account = "prod"\n[accounts.prod]\naccess_token_env = "DEMO_TOKEN"\n'
        f'token_pacing = "{token_pacing}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUCAM_UNITS_CONFIG", str(path))
    return path


def _buckets(url: str) -> list[str]:
    import psycopg  # noqa: PLC0415 - the postgres extra

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'ratelimit%%'"
        ).fetchall()
    return [str(name) for (name,) in rows]


def test_a_url_that_is_not_postgresql_is_one_line(
    invoke: Invoke, service: MockService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The variable is checked before any request; its password is not echoed."""
    monkeypatch.setenv(ENV, "redis://:cache-SECRET@cache:6379/0")
    run = invoke("balance", runtime=_paced(service))
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1, run.stderr
    assert "token_pacing must be a postgresql://" in run.stderr
    assert "cache-SECRET" not in run.output
    assert service.log.count == 0


def test_the_config_key_takes_only_a_postgresql_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``token_pacing`` is read with the account, and refused in one line naming it."""
    _config(tmp_path, monkeypatch, "postgresql://pacer@db.internal/youcam")
    account = load_config().account("prod")
    assert account is not None
    assert account.token_pacing == "postgresql://pacer@db.internal/youcam"  # noqa: S105
    assert "db.internal" not in repr(account)
    _config(tmp_path, monkeypatch, "redis://cache/0")
    with pytest.raises(ConfigError, match=r"accounts\.prod\.token_pacing must be a postgresql"):
        load_config()


@pytest.mark.postgres
@pytest.mark.slow
def test_the_accounts_key_shares_the_tokens_budget(
    invoke: Invoke,
    service: MockService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    postgres_url: str,
) -> None:
    """An account's ``token_pacing`` reaches the client: its token's bucket is in the database.

    ``YOUCAM_UNITS_TOKEN_PACING=none`` turns it off.
    """
    _config(tmp_path, monkeypatch, postgres_url)
    monkeypatch.setenv(ENV, "none")
    assert invoke("balance", runtime=_paced(service)).exit_code == 0
    assert _buckets(postgres_url) == []
    monkeypatch.delenv(ENV)
    run = invoke("history", "--limit", "5", "--format", "jsonl", runtime=_paced(service))
    assert run.exit_code == 0, run.output
    assert _buckets(postgres_url) == ["ratelimit___" + bucket_key(DEFAULT_TOKEN)]


@pytest.mark.postgres
@pytest.mark.slow
def test_a_wrong_password_is_one_line_before_any_request(
    invoke: Invoke, service: MockService, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    """The database refuses the login: one line, the password hidden, no request made."""
    monkeypatch.setenv(ENV, postgres_url.replace(":ledger-test-secret@", ":wrong-SECRET@"))
    run = invoke("balance", runtime=_paced(service))
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1, run.stderr
    assert "token pacing database" in run.stderr
    assert "wrong-SECRET" not in run.output
    assert service.log.count == 0


@pytest.mark.postgres
@pytest.mark.slow
def test_a_password_in_the_urls_query_is_hidden_too(
    invoke: Invoke, service: MockService, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    """The libpq ``?password=`` form: the refusal names the database without the password."""
    url = postgres_url.replace(":ledger-test-secret@", "@") + "?password=wrong-SECRET"
    monkeypatch.setenv(ENV, url)
    run = invoke("balance", runtime=_paced(service))
    assert run.exit_code == 1
    assert "token pacing database" in run.stderr
    assert "password=***" in run.stderr
    assert "wrong-SECRET" not in run.output
    assert service.log.count == 0
