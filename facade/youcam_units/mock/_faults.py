"""Fault injection: which request (by its 1-based number) fails, and how.

A plan is either random, from a seed and a rate (request ``n`` fails or not by a draw from
``(seed, n)``, so a run is reproducible), or an explicit script. Faults never advance the service's
state: a retrying client still sees every entry exactly once.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["FaultKind", "FaultPlan"]


class FaultKind(StrEnum):
    """The ways a request can fail, from the platform's side."""

    RATE_LIMITED = "429"
    """429 with the JSON envelope and no Retry-After, as the real rate limiter answers."""
    SERVER_ERROR = "500"
    """500 with the JSON envelope."""
    BAD_GATEWAY = "502"
    """502 with an HTML body, as a load balancer answers: not JSON."""
    UNAVAILABLE = "503"
    """503 with the JSON envelope."""
    DISCONNECT = "disconnect"
    """The connection drops: in-process ``httpx.RemoteProtocolError``; over HTTP mid-body."""
    SLOW = "slow"
    """Slower than a client's timeout: in-process ``httpx.ReadTimeout``; over HTTP a real sleep."""
    TRUNCATED = "truncated"
    """200 whose JSON body is cut in half."""


ALL_FAULTS: tuple[FaultKind, ...] = tuple(FaultKind)


@dataclass(frozen=True)
class FaultPlan:
    """Which requests fail. Build one with :meth:`random`, :meth:`script` or :meth:`none`."""

    rate: float = 0.0
    seed: int = 0
    kinds: tuple[FaultKind, ...] = ALL_FAULTS
    scripted: Mapping[int, FaultKind] = field(default_factory=dict)
    slow_seconds: float = 5.0
    """How long a SLOW response takes over HTTP; set it above the client's read timeout."""

    @classmethod
    def none(cls) -> FaultPlan:
        """No request fails."""
        return cls()

    @classmethod
    def random(
        cls,
        rate: float,
        seed: int = 0,
        *,
        kinds: Iterable[FaultKind | str] = ALL_FAULTS,
        slow_seconds: float = 5.0,
    ) -> FaultPlan:
        """Each request fails with probability ``rate``, with a kind drawn from ``kinds``."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within 0..1, not {rate}")
        chosen = tuple(FaultKind(kind) for kind in kinds)
        if not chosen:
            raise ValueError("kinds must name at least one fault")
        return cls(rate=rate, seed=seed, kinds=chosen, slow_seconds=slow_seconds)

    @classmethod
    def script(
        cls,
        faults: Sequence[FaultKind | str | None] | Mapping[int, FaultKind | str],
        *,
        slow_seconds: float = 5.0,
    ) -> FaultPlan:
        """Fail exactly the requests named.

        ``faults`` is a list (item ``i`` is request ``i + 1``; None lets it through) or a mapping
        from 1-based request number to fault.
        """
        if isinstance(faults, Mapping):
            scripted = {int(number): FaultKind(kind) for number, kind in faults.items()}
            if any(number < 1 for number in scripted):
                raise ValueError("faults: requests are numbered from 1 (the first request is 1)")
        else:
            scripted = {
                number: FaultKind(kind)
                for number, kind in enumerate(faults, start=1)
                if kind is not None
            }
        return cls(scripted=scripted, slow_seconds=slow_seconds)

    def fault_for(self, number: int) -> FaultKind | None:
        """The fault of request ``number`` (1-based), or None when it goes through."""
        if number in self.scripted:
            return self.scripted[number]
        if self.rate <= 0.0:
            return None
        rng = random.Random(f"{self.seed}:fault:{number}")  # noqa: S311 - reproducible test faults
        if rng.random() >= self.rate:
            return None
        return rng.choice(self.kinds)
