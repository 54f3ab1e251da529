"""``--help`` reads right on a 40-column terminal: no line wider, no name split in two."""

from __future__ import annotations

import re

import click
import pytest
from youcam_units._cli import cli
from youcam_units._cli._runtime import EXIT_CODES

NARROW = 40
COMMANDS = cli.list_commands(click.Context(cli))


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """``youcam-units ARGS --help`` as a terminal of ``COLUMNS`` shows it.

    Not through click's runner, which forces 80 columns.
    """
    code = cli.main([*args, "--help"], standalone_mode=False)
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return out


@pytest.mark.parametrize("args", [(), *((name,) for name in COMMANDS)])
def test_help_fits_40_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Every line fits; each option's help is whole words (env var names are not broken)."""
    monkeypatch.setenv("COLUMNS", str(NARROW))
    text = _help(capsys, *args)
    assert max(len(line) for line in text.splitlines()) <= NARROW, text
    command = cli if not args else cli.get_command(click.Context(cli), args[0])
    assert command is not None
    flowing = " ".join(text.split())
    for param in command.params:
        if isinstance(param, click.Option) and isinstance(param.envvar, str):
            assert param.envvar in flowing, param.name


def test_exit_statuses_fit_40_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exit statuses wrap under their code, each meaning whole."""
    monkeypatch.setenv("COLUMNS", str(NARROW))
    flowing = " ".join(_help(capsys).partition("Exit status")[2].split())
    for code, meaning in EXIT_CODES:
        assert re.search(rf"\b{code} {re.escape(meaning)}", flowing), code


def test_wide_terminals_keep_options_beside_their_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns the options and their help stay side by side, as click lays them out."""
    monkeypatch.setenv("COLUMNS", "80")
    text = _help(capsys, "history")
    assert re.search(r"^  --since DAY +Only entries on or after", text, re.MULTILINE)
    assert max(len(line) for line in text.splitlines()) <= 80


def test_no_command_shows_the_help_as_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``youcam-units`` alone: the help, laid out as --help lays it out, not one escaped line."""
    monkeypatch.setenv("COLUMNS", "80")
    code = cli.main([], standalone_mode=False)
    out, err = capsys.readouterr()
    assert code == 2  # click's: no command is a usage error
    assert out == ""
    assert err == _help(capsys)
    assert "youcam-units: error" not in err
    assert "\\n" not in err
