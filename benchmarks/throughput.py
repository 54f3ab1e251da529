"""Throughput: the readers timed on the same data, and a profile of the facade."""

from __future__ import annotations

import cProfile
import gc
import os
import pstats
import statistics
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from youcam_units.mock import MockService

from benchmarks._common import MAX_PAGE, SEED, Config, progress
from benchmarks.readers import (
    RecordingTransport,
    Variant,
    facade_async,
    facade_sync,
    generated,
    generated_async,
    raw_httpx,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


# -- throughput -----------------------------------------------------------------------------------


@dataclass
class Timing:
    """Entries per second over repeats: per wall-clock second, and per CPU second."""

    rates: list[float] = field(default_factory=list)
    cpu_rates: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """The median rate (wall clock)."""
        return statistics.median(self.rates)

    @property
    def best(self) -> float:
        """The fastest repeat: noise only ever slows a run down."""
        return max(self.rates)

    @property
    def cpu_median(self) -> float:
        """The median rate per CPU second of this process (blind to time other processes took)."""
        return statistics.median(self.cpu_rates)

    def cell(self) -> str:
        """``median [min-max]``."""
        return f"{self.median:,.0f} [{min(self.rates):,.0f}-{max(self.rates):,.0f}]"


@dataclass
class Throughput:
    """The throughput section's figures."""

    variants: list[Variant]
    requests: dict[str, int]
    live: dict[str, Timing]
    replay: dict[str, Timing]
    replay_misses: int
    profile: list[tuple[str, float, float]]
    profile_entries: int


def _time_read(variant: Variant, limit: int, expected: Sequence[int], timing: Timing) -> None:
    gc.collect()
    started, cpu_started = time.perf_counter(), time.process_time()
    ids = variant.read(limit)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if ids[: len(expected)] != list(expected[: len(ids)]) or len(ids) < min(limit, len(expected)):
        raise AssertionError(f"{variant.label} read the wrong entries")
    timing.rates.append(len(ids) / elapsed)
    timing.cpu_rates.append(len(ids) / cpu)


def _rounds(
    variants: list[Variant], repeats: int, limit: int, expected: Sequence[int]
) -> dict[str, Timing]:
    timings = {variant.key: Timing() for variant in variants}
    for round_number in range(repeats):
        # Rotate the order each round, so no reader always runs first or last.
        shift = round_number % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            _time_read(variant, limit, expected, timings[variant.key])
    return timings


def measure_throughput(config: Config) -> Throughput:
    """Entries/s end-to-end (the mock builds every entry) and client-side (replayed answers)."""
    service = MockService(seed=SEED, entries=config.entries)
    recorder = RecordingTransport(service)
    transport = recorder.transport()
    variants = [
        raw_httpx(transport),
        generated(transport, page_size=MAX_PAGE),
        generated(transport, page_size=None),
        generated_async(transport),
        facade_sync(transport),
        facade_async(transport),
    ]
    expected = [entry["id"] for entry in service.iter_entries()]
    requests: dict[str, int] = {}
    progress(f"warm-up: each reader reads all {config.entries:,} entries once (requests counted)")
    for variant in variants:
        before = service.log.count
        ids = variant.read(config.entries)
        if ids != expected:
            raise AssertionError(f"{variant.label} did not read the mock's entries in order")
        requests[variant.key] = service.log.count - before
    progress(f"end-to-end: {config.live_repeats} rounds of {config.live_limit:,} entries each")
    live = _rounds(variants, config.live_repeats, config.live_limit, expected)
    recorder.live = False
    progress(f"client-side (replayed answers): 1 warm-up + {config.replay_repeats} rounds")
    _rounds(variants, 1, config.entries, expected)
    replay = _rounds(variants, config.replay_repeats, config.replay_limit, expected)
    progress("cProfile of one client-side facade read")
    profile = profile_facade(next(v for v in variants if v.key == "sync"), config.entries)
    for variant in variants:
        variant.close()
    return Throughput(variants, requests, live, replay, recorder.misses, profile, config.entries)


_PROFILE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("whole read (Client.history iteration)", "", ""),
    ("generated sync_detailed (HTTP + generated parse)", "get_credit_history.py", "sync_detailed"),
    (
        "  httpx request through the bounded transport",
        "youcam_units/_transport.py",
        "handle_request",
    ),
    (
        "  generated models: CreditHistoryResponse.from_dict",
        "credit_history_response.py",
        "from_dict",
    ),
    ("facade _result: generated models -> HistoryEntry", "youcam_units/_responses.py", "_result"),
    (
        "  entries_from_generated (HistoryEntry build)",
        "youcam_units/_entries.py",
        "entries_from_generated",
    ),
)


def profile_facade(variant: Variant, entries: int) -> list[tuple[str, float, float]]:
    """Where a facade read's time goes: (what, seconds under cProfile, share of the read)."""
    profiler = cProfile.Profile()
    profiler.enable()
    variant.read(entries)
    profiler.disable()
    stats = pstats.Stats(profiler)
    # pstats keeps its table in an attribute typeshed does not declare.
    table = stats.stats  # type: ignore[attr-defined]
    raw_stats: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = table
    total = sum(tt for (_, _, tt, _, _) in raw_stats.values())
    rows: list[tuple[str, float, float]] = []
    for label, path, function in _PROFILE_ROWS:
        if not path:
            seconds = total
        else:
            matches = [
                ct
                for (filename, _, name), (_, _, _, ct, _) in raw_stats.items()
                if name == function and filename.replace(os.sep, "/").endswith(path)
            ]
            if not matches:
                # A renamed module or function must not report 0 s silently.
                raise LookupError(f"profile row {label.strip()!r}: no {path}:{function} was called")
            seconds = sum(matches)
        rows.append((label, seconds, seconds / total if total else 0.0))
    return rows
