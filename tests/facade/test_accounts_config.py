"""The accounts file: parsed exactly, every mistake one line naming the key and the file."""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx
import pytest
import youcam_units as yu
from youcam_units.ledger import LedgerError
from youcam_units.mock import MockService

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "sk-live-DO-NOT-PRINT-4242"  # noqa: S105 - a marker the messages must never contain


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("YOUCAM_UNITS_CONFIG", raising=False)
    monkeypatch.delenv("YOUCAM_UNITS_ACCOUNT", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


def write(tmp_path: Path, text: str) -> Path:
    """The config file with ``text``."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    """The one-line error reading ``path`` gives; it names the file."""
    with pytest.raises(yu.ConfigError) as caught:
        yu.load_config(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    return message


def test_full_account_parsed_exactly(tmp_path: Path) -> None:
    """Every documented key is read; prices and budgets are exact Decimals."""
    path = write(
        tmp_path,
        """
default_account = "prod"
[accounts.prod]
access_token_env = "YOUCAM_PROD_TOKEN"
api_key_file = "keys/prod.key"
base_url = "https://yce-api-01.makeupar.com"
db = "ledgers/prod.sqlite3"
unit_price = 0.05
currency = "USD"
monthly_budget = 5000
[accounts.prod.budgets]
api_photo_enhance = 1000.5
""",
    )
    config = yu.load_config(path)
    account = config.account()
    assert account is not None
    assert account.name == "prod"
    assert account.unit_price == Decimal("0.05")
    assert isinstance(account.unit_price, Decimal)
    assert account.currency == "USD"
    assert account.monthly_budget == Decimal(5000)
    assert account.budgets == {"api_photo_enhance": Decimal("1000.5")}
    assert account.access_token == yu.CredentialSource("env", "YOUCAM_PROD_TOKEN")
    assert account.api_key == yu.CredentialSource("file", str(tmp_path / "keys/prod.key"))
    assert account.ledger_target == tmp_path / "ledgers/prod.sqlite3"


@pytest.mark.parametrize("key", ["access_token", "api_key"])
def test_secret_in_the_file_is_refused_without_echoing_it(tmp_path: Path, key: str) -> None:
    """A token or key written into the file: one line naming the key, never the value."""
    path = write(tmp_path, f'[accounts.prod]\n{key} = "{SECRET}"\n')
    message = refusal(path)
    assert f"accounts.prod.{key}" in message
    assert SECRET not in message


def test_unknown_key_names_the_close_match(tmp_path: Path) -> None:
    """A misspelt key is refused with the key it was probably meant to be."""
    message = refusal(write(tmp_path, '[accounts.prod]\nacess_token_env = "X"\n'))
    assert "accounts.prod.acess_token_env" in message
    assert "did you mean accounts.prod.access_token_env" in message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    """A misspelt top-level key is refused too."""
    message = refusal(write(tmp_path, 'default_acount = "prod"\n'))
    assert "did you mean default_account" in message


def test_env_and_file_for_one_credential_is_refused(tmp_path: Path) -> None:
    """Both sources for one credential: which is meant is unclear, so neither is taken."""
    text = '[accounts.prod]\napi_key_env = "K"\napi_key_file = "k.txt"\n'
    message = refusal(write(tmp_path, text))
    assert "api_key_env or api_key_file, not both" in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('currency = "usd"\nunit_price = 1', "currency must be three capital letters"),
        ("unit_price = -0.01\ncurrency = 'USD'", "unit_price must be a finite number of 0"),
        ('unit_price = "0.05"\ncurrency = "USD"', "unit_price must be a number"),
        ("unit_price = 0.05", "unit_price and currency go together"),
        ("monthly_budget = true", "monthly_budget must be a number"),
        ("budgets = 5", "budgets must be a table"),
        ('base_url = "http://example.com"', "base_url"),
        ('access_token_env = "my token"', "NAME of an environment variable"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, line: str, expected: str) -> None:
    """Each bad value is refused with its key and what to write instead."""
    message = refusal(write(tmp_path, f"[accounts.prod]\n{line}\n"))
    assert expected in message


def test_budget_per_action_must_be_a_number(tmp_path: Path) -> None:
    """A budget per action names its action in the error."""
    text = "[accounts.prod.budgets]\napi_photo_enhance = -3\n"
    assert "accounts.prod.budgets.api_photo_enhance" in refusal(write(tmp_path, text))


@pytest.mark.parametrize("value", ["-3", "0", "nan", "-inf"])
@pytest.mark.parametrize("key", ["monthly_budget", "budgets.wig"])
def test_a_budget_not_above_0_says_above_0(tmp_path: Path, key: str, value: str) -> None:
    """A negative budget is told what 0 is told: above 0 (not "0 or more", which 0 is not)."""
    table, _, name = f"accounts.prod.{key}".rpartition(".")
    message = refusal(write(tmp_path, f"[{table}]\n{name} = {value}\n"))
    assert f"accounts.prod.{key} must be above 0" in message
    assert "0 or more" not in message


@pytest.mark.parametrize("value", ['"5000"', "true"])
@pytest.mark.parametrize("key", ["monthly_budget", "budgets.wig"])
def test_a_budget_not_a_number_says_a_number_above_0(tmp_path: Path, key: str, value: str) -> None:
    """A budget written as a string: a number above 0 is asked for, not "0 or more"."""
    table, _, name = f"accounts.prod.{key}".rpartition(".")
    message = refusal(write(tmp_path, f"[{table}]\n{name} = {value}\n"))
    assert f"accounts.prod.{key} must be a number above 0" in message
    assert "0 or more" not in message


def test_reserved_and_bad_account_names(tmp_path: Path) -> None:
    """'all' means every account; an account may not be called that."""
    assert "'all'" in refusal(write(tmp_path, '[accounts.all]\napi_key_env = "K"\n'))


def test_default_account_must_exist(tmp_path: Path) -> None:
    """default_account naming no table lists the known ones."""
    text = 'default_account = "prd"\n[accounts.prod]\napi_key_env = "K"\n'
    assert "known accounts: prod" in refusal(write(tmp_path, text))


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    """Broken TOML is one line with the place, never the text there."""
    message = refusal(write(tmp_path, f'[accounts.prod]\naccess_token_env = "{SECRET}\n'))
    assert "not valid TOML" in message
    assert SECRET not in message


def test_unknown_account_lists_the_known_ones(tmp_path: Path) -> None:
    """An account the file does not define is refused with the list of those it does."""
    text = '[accounts.prod]\napi_key_env = "K"\n[accounts.staging]\napi_key_env = "K"\n'
    config = yu.load_config(write(tmp_path, text))
    with pytest.raises(yu.ConfigError, match=r"known accounts: prod, staging") as caught:
        config.account("stagin")
    assert "did you mean 'staging'" in str(caught.value)


def test_missing_env_and_missing_file_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A credential whose variable is unset or whose file is missing names it."""
    monkeypatch.delenv("YOUCAM_NOWHERE", raising=False)
    text = '[accounts.a]\naccess_token_env = "YOUCAM_NOWHERE"\napi_key_file = "gone.key"\n'
    account = yu.load_config(write(tmp_path, text)).account("a")
    assert account is not None
    with pytest.raises(yu.ConfigError, match=r"\$YOUCAM_NOWHERE .* is not set"):
        account.read_access_token()
    with pytest.raises(yu.ConfigError, match=r"gone\.key .* does not exist"):
        account.read_api_key()


def test_no_file_means_no_accounts(tmp_path: Path) -> None:
    """Without a config file there is no account, and nothing fails."""
    config = yu.load_config()
    assert not config.exists
    assert config.account() is None
    assert config.path == tmp_path / "xdg-config" / "youcam-units" / "config.toml"


def test_named_file_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """YOUCAM_UNITS_CONFIG naming a missing file is an error, not silently no accounts."""
    monkeypatch.setenv("YOUCAM_UNITS_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(yu.ConfigError, match=r"nope\.toml does not exist"):
        yu.load_config()


def test_environment_picks_the_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """YOUCAM_UNITS_ACCOUNT chooses over default_account; an explicit name over both."""
    text = (
        'default_account = "a"\n[accounts.a]\napi_key_env = "K"\n[accounts.b]\napi_key_env = "K"\n'
        '[accounts.c]\napi_key_env = "K"\n'
    )
    config = yu.load_config(write(tmp_path, text))
    assert config.account().name == "a"  # type: ignore[union-attr]
    monkeypatch.setenv("YOUCAM_UNITS_ACCOUNT", "b")
    assert config.account().name == "b"  # type: ignore[union-attr]
    assert config.account("c").name == "c"  # type: ignore[union-attr]


def test_database_password_is_redacted(tmp_path: Path) -> None:
    """A database URL's password never reaches display_db."""
    text = f'[accounts.a]\napi_key_env = "K"\ndb = "postgresql://ledger:{SECRET}@db/youcam"\n'
    account = yu.load_config(write(tmp_path, text)).account("a")
    assert account is not None
    assert account.display_db() == "postgresql://ledger:***@db/youcam"
    assert SECRET not in repr(account)


def test_a_password_in_the_database_urls_query_is_redacted(tmp_path: Path) -> None:
    """A password given as ``?password=`` (or ``sslpassword=``) is hidden too."""
    url = f"postgresql://ledger@db/youcam?ledger=prod&password={SECRET}&sslpassword={SECRET}"
    text = f'[accounts.a]\napi_key_env = "K"\ndb = "{url}"\n'
    account = yu.load_config(write(tmp_path, text)).account("a")
    assert account is not None
    assert account.display_db() == (
        "postgresql://ledger@db/youcam?ledger=prod&password=***&sslpassword=***"
    )


def test_a_url_too_broken_to_parse_hides_both_kinds_of_password() -> None:
    """An unparsable host (``[::1`` unclosed): the user part and the query's password both go."""
    from youcam_units._redact import redact_url  # noqa: PLC0415

    shown = redact_url(f"postgresql://ledger:{SECRET}@[::1/youcam?password={SECRET}")
    assert shown == "postgresql://***@[::1/youcam?password=***"


def test_default_ledger_is_per_account(tmp_path: Path) -> None:
    """Without db, each account has its own SQLite file in the user data dir."""
    text = '[accounts.a]\napi_key_env = "K"\n[accounts.b]\napi_key_env = "K"\n'
    config = yu.load_config(write(tmp_path, text))
    targets = {config.accounts[name].ledger_target for name in ("a", "b")}
    assert targets == {
        tmp_path / "xdg-data" / "youcam-units" / "accounts" / f"{name}.sqlite3"
        for name in ("a", "b")
    }


def test_a_database_url_ledger_opens_in_postgresql_without_showing_its_password(
    tmp_path: Path,
) -> None:
    """An account's postgresql:// db goes to the PostgreSQL ledger; its errors hide the password.

    (Port 1 of the loopback address refuses at once: no server is needed to see where it went.)
    """
    text = '[accounts.a]\napi_key_env = "K"\ndb = "postgresql://ledger:pw@127.0.0.1:1/youcam"\n'
    account = yu.load_config(write(tmp_path, text)).account("a")
    assert account is not None
    with pytest.raises(LedgerError, match=r"cannot connect to the ledger postgresql://") as caught:
        account.open_ledger()
    assert ":pw@" not in str(caught.value)
    assert "ledger:***@127.0.0.1:1" in str(caught.value)


def test_client_for_an_account_uses_its_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Account.client() sends the account's token to its base URL."""
    service = MockService(seed=3, entries=40, tokens=["tok-a"])
    monkeypatch.setenv("TOKEN_A", "tok-a")
    text = '[accounts.a]\naccess_token_env = "TOKEN_A"\nbase_url = "http://127.0.0.1:9"\n'
    account = yu.load_config(write(tmp_path, text)).account("a")
    assert account is not None
    with (
        httpx.Client(transport=service.transport()) as http,
        account.client(http_client=http, rate_limit=None) as client,
    ):
        assert client.base_url == "http://127.0.0.1:9"
        assert len(list(client.history())) == 40
    seen = {record.path for record in service.log.records}
    assert seen == {"/s2s/v1.0/client/credit/history"}


def test_open_ledger_for_an_account(tmp_path: Path) -> None:
    """Account.open_ledger() opens the account's SQLite file."""
    text = '[accounts.a]\napi_key_env = "K"\ndb = "a.sqlite3"\n'
    account = yu.load_config(write(tmp_path, text)).account("a")
    assert account is not None
    with account.open_ledger() as ledger:
        assert len(ledger) == 0
    assert (tmp_path / "a.sqlite3").exists()


def test_oversized_credential_file_is_refused(tmp_path: Path) -> None:
    """A credential file far bigger than a token is the wrong file: refused, not read whole."""
    (tmp_path / "big.token").write_bytes(b"x" * (200 * 1024))
    text = '[accounts.a]\naccess_token_file = "big.token"\n'
    account = yu.load_config(write(tmp_path, text)).account("a")
    assert account is not None
    with pytest.raises(yu.ConfigError, match=r"big\.token .* is over 64 KiB"):
        account.read_access_token()


def test_credential_file_is_read_and_normalised(tmp_path: Path) -> None:
    """A token file with 'Bearer ' and a newline gives the bare token."""
    (tmp_path / "a.token").write_text("Bearer tok-123\n", encoding="utf-8")
    text = '[accounts.a]\naccess_token_file = "a.token"\n'
    account = yu.load_config(write(tmp_path, text)).account("a")
    assert account is not None
    assert account.read_access_token() == "tok-123"


@pytest.mark.skipif(os.name != "posix", reason="file modes and FIFOs are POSIX")
def test_an_account_credential_file_is_read_as_the_cli_reads_one(tmp_path: Path) -> None:
    """The one reader: a FIFO is refused at once (not waited on), a readable file is reported."""
    token = tmp_path / "a.token"
    text = '[accounts.a]\naccess_token_file = "a.token"\n'
    account = yu.load_config(write(tmp_path, text)).account("a")
    assert account is not None
    assert account.access_token is not None
    os.mkfifo(token)
    with pytest.raises(yu.ConfigError, match=r"a\.token .* is not a regular file"):
        account.read_access_token()
    token.unlink()
    token.write_text("tok-123\n", encoding="utf-8")
    token.chmod(0o644)
    modes: list[int] = []
    read = account.access_token.read(
        what="access token", account="a", on_readable_by_others=modes.append
    )
    assert (read, modes) == ("tok-123", [0o644])


def test_without_platformdirs_a_path_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the cli extra, a named file is read; the default place names the extra to install."""
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # None blocks the import
    path = write(tmp_path, '[accounts.a]\napi_key_env = "K"\ndb = "a.sqlite3"\n')
    assert yu.load_config(path).accounts["a"].ledger_target == tmp_path / "a.sqlite3"
    with pytest.raises(yu.ConfigError, match=r"pip install 'youcam-units\[cli\]'"):
        yu.load_config()
