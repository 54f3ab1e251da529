"""Several processes' limits as one list of pyrate-limiter rates that holds every one of them.

The pacing file (``_file_budget``) and the token's budget (``_token_pacing``) both judge a send
against the limits every process sharing them registered; each imports this, neither the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyrate_limiter import Rate

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["strictest"]


def strictest(rates: Sequence[Rate]) -> list[Rate]:
    """Limits that hold every one of ``rates``, nested as pyrate-limiter's buckets require.

    Each process's own limits nest (a longer window allows more requests at a lower rate), but
    several processes' together need not. Per window the fewest requests hold; a window that
    a longer one allowing no more already bounds is dropped; a longer window allowing a faster
    rate than a shorter one is lowered to that rate (stricter, never looser).
    """
    fewest: dict[int, int] = {}
    for rate in rates:
        fewest[rate.interval] = min(rate.limit, fewest.get(rate.interval, rate.limit))
    bounding: list[tuple[int, int]] = []  # (window, requests), from the longest window down
    for interval, limit in sorted(fewest.items(), reverse=True):
        if not bounding or limit < bounding[-1][1]:
            bounding.append((interval, limit))
    nested: list[tuple[int, int]] = []
    for interval, limit in reversed(bounding):
        lowered = limit
        while nested:
            shorter, allowed = nested[-1]
            lowered = min(lowered, allowed * interval // shorter)
            if lowered > allowed:
                break
            nested.pop()  # the longer window, lowered, now bounds the shorter one too
        nested.append((interval, lowered))
    return [Rate(limit, interval) for interval, limit in nested]
