"""The library's log during a command: on stderr with ``--verbose``, else nowhere."""

from __future__ import annotations

import logging

import click

from youcam_units._cli._text import printable

__all__ = ["configure_logging"]


class _LogToStderr(logging.Handler):
    """Writes the library's log records to whatever ``sys.stderr`` is at the time."""

    def __init__(self, prog: str, level: int) -> None:
        super().__init__(level)
        self.prog = prog

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = f"{self.prog}: {record.levelname.lower()}: {record.getMessage()}"
            click.echo(printable(line), err=True)  # the service's text, shown as written
        except Exception:  # noqa: BLE001 - a log handler must never raise
            self.handleError(record)


def configure_logging(ctx: click.Context, *, verbose: bool, prog: str) -> None:
    """Route the library's log for this command: to stderr with --verbose, else nowhere.

    Without a handler, Python's last-resort handler would print the retry warnings, and a
    failure would no longer be one line. stamina's own retry record repeats the facade's, so
    it is always dropped.
    """
    logger = logging.getLogger("youcam_units")
    handler: logging.Handler = (
        _LogToStderr(prog, logging.DEBUG) if verbose else logging.NullHandler()
    )
    quiet = logging.NullHandler()
    previous = logger.level
    logger.addHandler(handler)
    logging.getLogger("stamina").addHandler(quiet)
    if verbose:
        logger.setLevel(logging.DEBUG)

    def restore() -> None:
        logger.removeHandler(handler)
        logging.getLogger("stamina").removeHandler(quiet)
        logger.setLevel(previous)

    ctx.call_on_close(restore)
