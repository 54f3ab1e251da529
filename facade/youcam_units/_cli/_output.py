"""stdout for one command: a failed write is one line and exit 74, never a traceback or exit 0.

Every write of a command (click's ``echo``, rich's consoles, the csv and json writers) goes to
``sys.stdout``; for the command's run that is a ``GuardedStdout`` (``contextlib.redirect_stdout``)
around the real one. A full disk (``>/dev/full``), an I/O error or a closed stdout (``>&-``,
where Python has no ``sys.stdout`` at all) become ``OutputError``; a closed pipe stays
``BrokenPipeError`` (the quiet exit 141 of ``| head``).

Text that the output's encoding cannot hold: tables and messages degrade to backslash escapes
(``PYTHONIOENCODING=ascii``, a non-UTF-8 locale); json, jsonl and csv are written as UTF-8
whatever the locale (``machine_readable``), so an export is always exact.
"""

from __future__ import annotations

import io
import os
import sys
from contextlib import suppress
from typing import TYPE_CHECKING, BinaryIO, Final, TextIO

import click

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["EXIT_OUTPUT_FAILED", "GuardedStdout", "OutputError", "machine_readable", "to_devnull"]

EXIT_OUTPUT_FAILED: Final = 74
"""sysexits' EX_IOERR: the output could not be written (disk full, closed stdout)."""


class OutputError(click.ClickException):
    """stdout could not be written: what was asked for is not all there."""

    exit_code = EXIT_OUTPUT_FAILED

    def __init__(self, why: str) -> None:
        super().__init__(f"cannot write to stdout ({why}): the output is incomplete")


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _utf(encoding: str | None) -> bool:
    return (encoding or "").lower().replace("-", "").replace("_", "").startswith("utf")


class GuardedStdout(io.TextIOBase):
    """The real stdout (or none), whose write failures say so as ``OutputError``."""

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__()
        self._stream = stream
        if isinstance(stream, io.TextIOWrapper) and not _utf(stream.encoding):
            # Tables and messages degrade instead of raising UnicodeEncodeError.
            stream.reconfigure(errors="backslashreplace")

    @property
    def wrapped(self) -> TextIO | None:
        """The real stdout (``None`` when closed): what a test's runner captures."""
        return self._stream

    @property
    def encoding(self) -> str:  # type: ignore[override] # read-only here, as on sys.stdout
        """The real stream's: rich draws ASCII boxes and bars when it is not UTF-8."""
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        """The real stream's error handler."""
        return getattr(self._stream, "errors", None)

    def writable(self) -> bool:
        """Always: a missing stdout fails at the first write, with one line."""
        return True

    def write(self, text: object) -> int:
        """Write to the real stdout; ``OutputError`` when it cannot take it."""
        if not isinstance(text, str):  # how click tells a text stream from a binary one
            msg = f"write() argument must be str, not {type(text).__name__}"
            raise TypeError(msg)
        if not text:
            return 0
        if self._stream is None:
            raise OutputError("stdout is closed")
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(_why(exc)) from None
        except ValueError:  # "I/O operation on closed file"
            raise OutputError("stdout is closed") from None

    @property
    def buffer(self) -> BinaryIO:  # the real stdout's, as on sys.stdout
        """The real stdout's bytes: where click writes bytes (a shell completion script)."""
        if self._stream is None:
            raise OutputError("stdout is closed")
        return self._stream.buffer

    def writelines(self, lines: Iterable[str]) -> None:  # type: ignore[override]
        """Each line through ``write``."""
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Flush the real stdout; ``OutputError`` when the data cannot go out."""
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(_why(exc)) from None
        except ValueError:
            raise OutputError("stdout is closed") from None

    def close(self) -> None:
        """Nothing: the real stdout is not ours to close (and flushing it here could fail)."""

    def isatty(self) -> bool:
        """Whether the real stdout is a terminal (rich asks, to choose colours and widths)."""
        try:
            return self._stream is not None and self._stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        """The real stdout's descriptor (``OSError`` when there is none, as io documents)."""
        if self._stream is None:
            raise io.UnsupportedOperation("stdout is closed")
        return self._stream.fileno()

    def machine_readable(self) -> None:
        """From now on, write UTF-8 whatever the locale: json, jsonl and csv stay exact."""
        stream = self._stream
        if isinstance(stream, io.TextIOWrapper) and not _utf(stream.encoding):
            stream.reconfigure(encoding="utf-8", errors="strict")

    def discard(self) -> None:
        """After a failure: Python's own flush at exit cannot fail again (a second message)."""
        if self._stream is not None:
            to_devnull(self._stream)


def to_devnull(stream: TextIO) -> None:
    """Point ``stream``'s descriptor at the null device, so that flushing it cannot fail."""
    with suppress(AttributeError, OSError, ValueError):  # no real descriptor (a captured stream)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def machine_readable() -> None:
    """json, jsonl and csv: switch the command's stdout to UTF-8 before writing them."""
    stdout = sys.stdout
    if isinstance(stdout, GuardedStdout):
        stdout.machine_readable()
