"""Run a blocking call with a deadline the caller can rely on, whatever the call blocks in.

httpx's sync timeouts bound each wait, not the sum: a server dripping its status line a byte
at a time keeps one blocking read alive far past any deadline, and nothing in the calling
thread can interrupt it. So the sync client sends on a worker thread and waits for it at most
until the deadline; past it, the caller gets ``TimeoutError`` at once, and the worker,
abandoned, finishes on its own (a head ends with httpx's per-read timeout). Each call has a
thread of its own (under the rate limit a thread's start-up costs nothing that matters), a
daemon, so a process exits without waiting for an abandoned one. The caller's ``contextvars``
go with the call.
"""

from __future__ import annotations

import contextvars
import threading
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["run_within"]

ResultT = TypeVar("ResultT")


def run_within(fn: Callable[[], ResultT], seconds: float) -> ResultT:
    """``fn()``, or ``TimeoutError`` once ``seconds`` have passed (``fn`` goes on, abandoned)."""
    outcome: list[ResultT] = []
    failure: list[BaseException] = []
    context = contextvars.copy_context()

    def work() -> None:
        try:
            outcome.append(context.run(fn))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, who re-raises
            failure.append(exc)

    worker = threading.Thread(target=work, name="youcam-units-attempt", daemon=True)
    worker.start()
    worker.join(max(seconds, 0.0))
    if worker.is_alive():
        raise TimeoutError
    if failure:
        raise failure[0]
    return outcome[0]
