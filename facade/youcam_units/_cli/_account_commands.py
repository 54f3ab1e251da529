"""``accounts``: what the config file defines, with where each credential is read from."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Final, Literal

import click

from youcam_units._cli._help import Command
from youcam_units._cli._options import format_option
from youcam_units._cli._text import printable

if TYPE_CHECKING:
    from pathlib import Path

    from youcam_units._accounts import AccountsConfig

__all__ = ["ACCOUNT_COLUMNS", "account_rows", "accounts"]


@click.command(cls=Command)
@format_option("A few lines each, or JSON, JSON lines or CSV (with prices and budgets).")
def accounts(fmt: Literal["table", "json", "jsonl", "csv"]) -> None:
    """List the accounts of the config file: where each credential is read from, never its value.

    The file is config.toml in the user config dir, or the one YOUCAM_UNITS_CONFIG names.
    """
    from youcam_units._cli._accounts import accounts_config  # noqa: PLC0415
    from youcam_units._cli._render import write_json, write_rows  # noqa: PLC0415

    config = accounts_config()
    rows = account_rows(config)
    if fmt in {"jsonl", "csv"}:
        if fmt == "csv":  # a cell a value: budgets as ACTION=UNITS;...
            rows = [
                {**row, "budgets": ";".join(f"{k}={v}" for k, v in row["budgets"].items())}
                for row in rows
            ]
        write_rows(fmt, rows, ACCOUNT_COLUMNS)
        return
    if fmt == "json":
        write_json({"config": str(config.path), "exists": config.exists, "accounts": rows})
        return
    if not config.exists:
        click.echo(f"no config file at {config.path}: credentials come from the environment")
        return
    if not rows:
        click.echo(f"no accounts in {config.path}")
        return
    click.echo("\n".join(_account_lines(config.path, rows)))


def account_rows(config: AccountsConfig) -> list[dict[str, Any]]:
    """What ``accounts`` shows of each account: sources by name, never a credential."""
    from youcam_units._config import DEFAULT_BASE_URL  # noqa: PLC0415

    rows = []
    for name in sorted(config.accounts):
        account = config.accounts[name]
        rows.append(
            {
                "name": name,
                "default": name == config.default_account,
                "access_token": None
                if account.access_token is None
                else account.access_token.describe(),
                "access_token_present": account.access_token is not None
                and account.access_token.present(),
                "api_key": None if account.api_key is None else account.api_key.describe(),
                "api_key_present": account.api_key is not None and account.api_key.present(),
                "base_url": account.base_url or DEFAULT_BASE_URL,
                "db": account.display_db(),
                "unit_price": account.unit_price,
                "currency": account.currency,
                "monthly_budget": account.monthly_budget,
                "budgets": dict(account.budgets),
            }
        )
    return rows


ACCOUNT_COLUMNS: Final = (
    "name",
    "default",
    "access_token",
    "access_token_present",
    "api_key",
    "api_key_present",
    "base_url",
    "db",
    "unit_price",
    "currency",
    "monthly_budget",
    "budgets",
)
"""The csv columns of ``accounts``: every field of its json rows, in their order."""


def _credential(source: str | None, *, present: bool) -> str:
    if source is None:
        return "-"
    return f"{source} ({'present' if present else 'MISSING'})"


def _account_lines(path: Path, rows: list[dict[str, Any]]) -> list[str]:
    """A few lines per account; a value too long for its line goes under its label, whole."""
    import shutil  # noqa: PLC0415

    # COLUMNS, else the terminal's; piped with neither, lines are as long as they are.
    width = shutil.get_terminal_size(fallback=(sys.maxsize, 0)).columns
    lines = [f"accounts in {path}:"]
    for row in rows:
        fields = (
            ("access token", _credential(row["access_token"], present=row["access_token_present"])),
            ("API key", _credential(row["api_key"], present=row["api_key_present"])),
            ("base URL", row["base_url"]),
            ("ledger", row["db"]),
        )
        lines.append(f"{row['name']}{' (default)' if row['default'] else ''}")
        for label, value in fields:
            text = printable(str(value))
            line = f"  {label:<13} {text}"
            # A path or URL is never folded or cut: indented as far as it fits; longer than the
            # terminal, the terminal wraps it, as it would a path typed at the prompt.
            indent = " " * max(0, min(4, width - len(text)))
            lines.extend([line] if len(line) <= width else [f"  {label}:", f"{indent}{text}"])
    return lines
