"""What a command shows on the terminal: consoles, progress, waits.

The consoles are made only when needed: rich is not for ``--help``.
"""

from __future__ import annotations

import math
import os
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final, Self, TextIO, cast

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from rich.console import Console
    from rich.progress import Progress, TaskID

    from youcam_units import RetryEvent


class WaitNotice:
    """Says so while pacing or a retry waits, so a long wait does not look like a hang.

    On the progress line when one is shown, else as a line on stderr when it is a terminal;
    waits under a second (pacing at 5 per second) are not worth a word.
    """

    MIN_SECONDS: Final = 1.0

    def __init__(self, console: Console | Offscreen) -> None:
        self._console = console
        self._progress: Progress | Offscreen | None = None
        self._task: Any = None

    @contextmanager
    def progress(self, label: str, *, enabled: bool = True) -> Iterator[Callable[[str], None]]:
        """``_progress`` on this console, the notices shown on it; yields what sets its count."""
        with _progress(self._console, label, enabled=enabled) as progress:
            task = progress.add_task(label, total=None, detail="")
            self._progress, self._task = progress, task
            yield lambda detail: progress.update(task, detail=detail)

    def pacing(self, seconds: float) -> None:
        """The ``on_wait`` hook: the client waits for the rate-limit window."""
        self._say(seconds, "for the rate-limit window")

    def retry(self, event: RetryEvent) -> None:
        """The ``on_retry`` hook: the client backs off before trying again."""
        why = f"HTTP {event.status_code}" if event.status_code else type(event.error).__name__
        self._say(event.wait, f"before retrying ({why})")

    def _say(self, seconds: float, why: str) -> None:
        if seconds < self.MIN_SECONDS:
            return
        text = f"waiting {math.ceil(seconds)} s {why}"
        if self._progress is not None and not self._progress.disable:
            self._progress.update(self._task, detail=text)
        elif self._console.is_terminal:
            self._console.print(text, highlight=False, markup=False)


def _stdout_console() -> Console:
    """Rich output on stdout: the terminal's width, or a wide page when piped to a file."""
    from youcam_units._cli._consoles import stdout_console  # noqa: PLC0415 - rich: not for --help

    return stdout_console()


def _surely_no_terminal(stream: TextIO) -> bool:
    """True only when rich, too, would find no terminal on ``stream``, so it need not be asked.

    rich decides from ``TTY_COMPATIBLE``, then ``FORCE_COLOR``, then ``isatty()`` (IDLE and
    Jupyter count as no terminal). With neither variable set and no tty its answer is no, and a
    command whose output goes to a pipe or a file skips importing rich (a sixth of its start-up).
    """
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream: rich decides
        return False


def _stdout_is_terminal() -> bool:
    """Whether stdout is a terminal, as rich sees it."""
    return not _surely_no_terminal(sys.stdout) and _stdout_console().is_terminal


class Offscreen:
    """stderr when it is surely no terminal: nothing is shown there, so rich is not needed.

    Stands in for rich's console (``is_terminal`` false: wait notices stay silent) and for its
    progress line (``disable``: a disabled ``Progress`` draws nothing either).
    """

    is_terminal: Final = False
    disable: Final = True

    def print(
        self, *objects: object, highlight: bool | None = None, markup: bool | None = None
    ) -> None:
        """Nothing is shown off screen."""

    def add_task(self, description: str, *, total: float | None = None, **fields: object) -> TaskID:
        """A task nobody sees."""
        del description, total, fields
        return cast("TaskID", 0)

    def update(self, task_id: object, **fields: object) -> None:
        """Nothing to redraw."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _stderr_console() -> Console | Offscreen:
    """Progress, wait notices and warnings go to stderr, when it is a terminal."""
    if _surely_no_terminal(sys.stderr):
        return Offscreen()
    from rich.console import Console  # noqa: PLC0415 - keeps `--help` fast

    return Console(stderr=True, highlight=False, markup=False, emoji=False)


def _progress(
    console: Console | Offscreen, label: str, *, enabled: bool = True
) -> Progress | Offscreen:
    """A spinner with a count on stderr, shown only when stderr is a terminal (and enabled)."""
    if not enabled or not console.is_terminal or isinstance(console, Offscreen):
        return Offscreen()
    from youcam_units._cli._consoles import progress  # noqa: PLC0415

    return progress(console, label)
