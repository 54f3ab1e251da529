"""``history``: the unit history read from the service, newest first, as pages arrive."""

from __future__ import annotations

import sys
from contextlib import closing
from typing import TYPE_CHECKING, Final

import click

from youcam_units._cli._days import _day_range, _day_range_options
from youcam_units._cli._help import Command
from youcam_units._cli._options import (
    _source_options,
    _verbose_option,
)
from youcam_units._cli._output import machine_readable
from youcam_units._cli._runtime import (
    PROG,
    _configure_logging,
    _reported,
    current_runtime,
)
from youcam_units._cli._sources import _Source, open_client
from youcam_units._cli._terminal import (
    WaitNotice,
    _stderr_console,
    _stdout_is_terminal,
)
from youcam_units._cli._text import printable
from youcam_units._config import HISTORY_PAGE_SIZE

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from youcam_units import Client, Page
    from youcam_units._cli._render import Format, HistoryWriter
    from youcam_units._filtering import EntryFilter


FORMATS: Final = ("table", "json", "jsonl", "csv")
"""``history --format``: the writers in ``_render`` (a test keeps the two the same)."""


@click.command(cls=Command)
@click.option("--limit", type=click.IntRange(min=0), help="Show at most this many entries.")
@_day_range_options
@click.option(
    "--action",
    "actions",
    multiple=True,
    metavar="ACTION",
    help="Only entries with this action (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format (default: table on a terminal, jsonl otherwise).",
)
@click.option(
    "--starting-token",
    metavar="TOKEN",
    callback=lambda _ctx, _param, value: _page_token(value),
    help="Continue from where a failed read stopped (the token its error line names).",
)
@_source_options
@_verbose_option
@click.pass_context
def history(
    ctx: click.Context,
    *,
    limit: int | None,
    since: str | None,
    until: str | None,
    actions: tuple[str, ...],
    fmt: Format | None,
    starting_token: str | None,
    source: _Source,
    verbose: bool,
) -> None:
    """Show the unit history, newest first; json, jsonl and csv stream as pages arrive.

    If reading fails part-way, what was written stays valid (a closed JSON array, whole lines)
    and the error line names the token to continue from with --starting-token.
    """
    since_ms, until_ms = _day_range(since, until)
    _configure_logging(ctx, verbose=verbose)
    from youcam_units._filtering import EntryFilter  # noqa: PLC0415

    fmt = fmt or ("table" if _stdout_is_terminal() else "jsonl")
    if fmt != "table":
        machine_readable()
    wanted = EntryFilter(since_ms, until_ms, frozenset(actions))
    notice = WaitNotice(_stderr_console())
    with (
        _reported(action="run the command again", resume=_resume_hint),
        # The credentials first: a missing one writes nothing ('[]' or a csv header) to stdout.
        open_client(source, current_runtime(ctx), notice=notice) as client,
    ):
        seen = _read(client, notice, wanted, fmt, limit=limit, starting_token=starting_token)
    _warn_unknown_actions(set(wanted.actions), seen)


def _read(
    client: Client,
    notice: WaitNotice,
    wanted: EntryFilter,
    fmt: Format,
    *,
    limit: int | None,
    starting_token: str | None,
) -> set[str]:
    """Read the history to stdout as ``fmt``, with a progress line when piped; the actions met."""
    from youcam_units._cli._render import make_writer  # noqa: PLC0415

    with (
        # Closed after a failure too: stdout stays valid JSON / JSONL / CSV up to the last entry.
        closing(make_writer(fmt, sys.stdout)) as writer,
        # On a terminal the output itself shows progress; the spinner is for piped output.
        notice.progress("reading history", enabled=not _stdout_is_terminal()) as show,
    ):
        pager = client.history(
            page_size=HISTORY_PAGE_SIZE,
            starting_token=starting_token,
            # With no filter, --limit is exactly max_items: the last request asks for no more.
            max_items=limit if wanted.is_empty else None,
        )
        return _write_pages(pager.pages(), wanted, limit, writer, show)


def _write_pages(
    pages: Iterable[Page],
    wanted: EntryFilter,
    limit: int | None,
    writer: HistoryWriter,
    show: Callable[[str], None],
) -> set[str]:
    """Write each page's wanted entries as it arrives, up to ``limit``; the actions met."""
    import logging  # noqa: PLC0415 - keeps `--help` fast

    seen: set[str] = set()
    read = shown = 0
    for page in pages:
        read += len(page.entries)
        seen.update(str(entry.action) for entry in page.entries)
        logging.getLogger("youcam_units.cli").debug(
            "page of %d entries (request id %s)", len(page.entries), page.request_id
        )
        selected, older = wanted.select(page.entries)
        if limit is not None:
            selected = selected[: limit - shown]
        writer.write_page(selected)
        shown += len(selected)
        show(f"{read:,} read, {shown:,} shown")
        if older or (limit is not None and shown >= limit):
            break  # newest first: nothing further down can match
    return seen


def _page_token(value: str | None) -> str | None:
    """``--starting-token``: the library's own check, as a usage error before any request."""
    from youcam_units._checks import validate_starting_token  # noqa: PLC0415 - not for --help
    from youcam_units._config import MAX_PAGE_TOKEN_LENGTH  # noqa: PLC0415

    try:
        return validate_starting_token(value)
    except ValueError:
        raise click.BadParameter(
            f"not a page token ({len(value or ''):,} characters; a token is printable ASCII, "
            f"at most {MAX_PAGE_TOKEN_LENGTH:,}): pass the token that a failed read's error line "
            "named, as shown",
            param_hint="'--starting-token'",
        ) from None


def _resume_hint(token: str | None) -> str:
    if token is None:
        return "nothing was read past the first request"
    # The same command, not a bare one: its --since, --format, --account or --demo still apply.
    return f"to continue from where it stopped, run the same command with --starting-token {token}"


def _warn_unknown_actions(wanted: set[str], seen: set[str]) -> None:
    """A typo in --action matches nothing, silently: name it, with the close matches.

    Actions are an open set (the service adds new ones), so an unknown value is a warning, not an
    error, and only when neither the spec documents it nor the read met it.
    """
    if not wanted:
        return
    import difflib  # noqa: PLC0415 - only for a command that names actions

    from youcam_units import Action  # noqa: PLC0415

    known = {action.value for action in Action} | seen
    for action in sorted(wanted - known):
        close = difflib.get_close_matches(action, sorted(known), n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}?" if close else "no documented action is close"
        shown = action or '""'  # the entries sent without an action
        click.echo(
            printable(
                f"{PROG}: warning: --action {shown} is neither a documented action nor one in "
                f"the history read; {hint}"
            ),
            err=True,
        )
