"""Run a blocking call with a deadline the caller can rely on, whatever the call blocks in.

httpx's sync timeouts bound each wait, not the sum: a server dripping its status line a byte
at a time keeps one blocking read alive far past any deadline, and nothing in the calling
thread can interrupt it. So the sync client runs an attempt on a worker thread and waits for it
at most until the deadline; past it, the caller gets ``TimeoutError`` at once, and the worker,
abandoned, finishes on its own (the channel's own checks end a body at its next chunk; a head
ends with httpx's per-read timeout) and is not reused.

Workers are daemon threads kept idle between calls (a hand-off costs tens of microseconds; a
new thread per call several times that), so a process exits without waiting for an abandoned
one. The caller's ``contextvars`` go with the call.
"""

from __future__ import annotations

import contextvars
import os
import queue
import threading
from typing import TYPE_CHECKING, Final, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["run_within"]

ResultT = TypeVar("ResultT")
#: Idle workers kept for later calls; more run at once when callers do, and then end.
_IDLE_WORKERS: Final = 4


class _Call(Generic[ResultT]):
    """One call handed to a worker, and what came of it."""

    __slots__ = ("abandoned", "done", "error", "fn", "result")

    def __init__(self, fn: Callable[[], ResultT]) -> None:
        self.fn = contextvars.copy_context().run, fn
        self.done = threading.Event()
        self.result: ResultT | None = None
        self.error: BaseException | None = None
        self.abandoned = False


class _Worker:
    """A daemon thread running the calls put on its queue, one at a time."""

    def __init__(self) -> None:
        self.calls: queue.SimpleQueue[_Call[object] | None] = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="youcam-units-attempt", daemon=True).start()

    def _serve(self) -> None:
        while (call := self.calls.get()) is not None:
            run, fn = call.fn
            try:
                call.result = run(fn)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who re-raises
                call.error = exc
            call.done.set()
            if call.abandoned or not _release(self):
                return


_lock = threading.Lock()
_idle: list[_Worker] = []


def _take() -> _Worker:
    with _lock:
        if _idle:
            return _idle.pop()
    return _Worker()


def _release(worker: _Worker) -> bool:
    """Keep ``worker`` for a later call; ``False`` when enough are idle (it ends)."""
    with _lock:
        if len(_idle) < _IDLE_WORKERS:
            _idle.append(worker)
            return True
    return False


def _forget_workers() -> None:
    """After fork the child has none of the parent's threads: start afresh."""
    global _lock  # noqa: PLW0603 - the parent's lock may be held by a thread the child lacks
    _lock = threading.Lock()
    _idle.clear()


os.register_at_fork(after_in_child=_forget_workers)


def run_within(fn: Callable[[], ResultT], seconds: float) -> ResultT:
    """``fn()``, or ``TimeoutError`` once ``seconds`` have passed (``fn`` goes on, abandoned)."""
    call = _Call(fn)
    worker = _take()
    worker.calls.put(call)  # type: ignore[arg-type]
    try:
        finished = call.done.wait(max(seconds, 0.0))
    except BaseException:  # interrupted while waiting: the call is abandoned all the same
        call.abandoned = True
        raise
    if not finished:
        call.abandoned = True
        if not call.done.is_set():
            raise TimeoutError
    if call.error is not None:
        raise call.error
    return call.result  # type: ignore[return-value]
