"""The Markdown report: the machine, each figure against its target."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from youcam_units._pacing import window_ms

from benchmarks._common import (
    LIBRARIES,
    MIB_IN_MB,
    PACING_TARGET,
    REFERENCE,
    ROOT,
    RSS_TARGET_MB,
    SPEED_TARGET,
    Config,
    bound,
    verdict,
)

if TYPE_CHECKING:
    from benchmarks.pacing import Pacing
    from benchmarks.sync import SyncRow
    from benchmarks.throughput import Throughput, Timing

# -- the report -----------------------------------------------------------------------------------


def machine_note() -> list[str]:
    """CPU, cores, OS, Python, date, library versions, commit."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return [
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- CPU: {cpu}; {os.cpu_count()} logical cores",
        f"- OS: {platform.platform()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}",
        f"- Libraries: {', '.join(versions)}",
        f"- Code: commit {_commit()}",
    ]


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603 - fixed git arguments
            ["git", *args],  # noqa: S607 - git from PATH, as a developer runs it
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "facade", "generated")
    return f"{commit}{' + uncommitted changes in facade/ or generated/' if dirty else ''}"


def _paired(mine: Timing, theirs: Timing) -> float:
    """The median over rounds of the ratio of two readers timed back to back in each round."""
    return statistics.median(a / b for a, b in zip(mine.rates, theirs.rates, strict=True))


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}x"


def throughput_section(figures: Throughput, config: Config) -> list[str]:
    """The entries/s and requests tables."""
    lines = [
        "### Entries per second",
        "",
        (
            f"Median of the repeats, [min-max]. End-to-end: {config.live_repeats} reads of the "
            f"first {config.live_limit:,} entries through the live mock, which builds every entry "
            "on demand (that dominates). Client-side: "
            f"{config.replay_repeats} reads of the first {config.replay_limit:,} entries with the "
            "mock's answers replayed byte for byte, so only the client's work is timed "
            f"(requests not in the record: {figures.replay_misses}). Entries per wall-clock "
            "second; the targets table adds the ratio per CPU second of this process, which "
            "other work on a shared machine cannot slow."
        ),
        "",
        (
            "| reader | page size | end-to-end entries/s | x(1) | x(2) "
            "| client-side entries/s | x(1) | x(2) |"
        ),
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    live_raw, live_gen = figures.live["raw"].median, figures.live["gen"].median
    rep_raw, rep_gen = figures.replay["raw"].median, figures.replay["gen"].median
    for variant in figures.variants:
        live, replay = figures.live[variant.key], figures.replay[variant.key]
        lines.append(
            f"| {variant.label} | {variant.page_size} | {live.cell()} "
            f"| {_ratio(live.median, live_raw)} | {_ratio(live.median, live_gen)} "
            f"| {replay.cell()} | {_ratio(replay.median, rep_raw)} "
            f"| {_ratio(replay.median, rep_gen)} |"
        )
    n = config.entries
    lines += [
        "",
        f"### Requests to read {n:,} entries",
        "",
        f"Counted by the mock's request log. Budget: ceil(N/30)+1 = {bound(n):,}.",
        "",
        "| reader | page size | requests | within budget |",
        "| --- | --- | ---: | --- |",
    ]
    for variant in figures.variants:
        used = figures.requests[variant.key]
        lines.append(
            f"| {variant.label} | {variant.page_size} | {used:,} | "
            f"{'yes' if used <= bound(n) else 'no'} |"
        )
    lines += [
        "",
        (
            f"### Where a client-side facade read of {figures.profile_entries:,} entries "
            "spends its time"
        ),
        "",
        "cProfile, one read (profiling slows everything, so compare shares, not seconds).",
        "",
        "| what | seconds | share |",
        "| --- | ---: | ---: |",
    ]
    lines += [
        f"| {label} | {seconds:.3f} | {share:.0%} |" for label, seconds, share in figures.profile
    ]
    return lines


def rss_section(rss: dict[str, object]) -> list[str]:
    """The memory table."""
    growth = _int(rss["growth_kib"])
    samples = rss.get("samples")
    trail = ""
    if isinstance(samples, list) and samples:
        trail = ", ".join(f"{_int(s[1]) / 1024:.1f}" for s in samples if isinstance(s, list))
    return [
        "### Peak memory while iterating",
        "",
        (
            f"A fresh process iterates {_int(rss['entries']):,} entries through "
            "`Client.history()` (pacing off) from the in-process mock "
            f"({_int(rss['requests']):,} requests, {float(str(rss['seconds'])):.0f} s, entries "
            f"strictly newest first: {rss['in_order']}). Method: {rss['method']}. The mock keeps a "
            "record of every request; the probe clears that record every 1,000 requests, because "
            "it is the mock's memory, not the facade's."
        ),
        "",
        "| baseline RSS | peak RSS | growth |",
        "| ---: | ---: | ---: |",
        (
            f"| {_int(rss['baseline_kib']) / 1024:.1f} MiB "
            f"| {_int(rss['peak_kib']) / 1024:.1f} MiB | {growth / 1024:.1f} MiB |"
        ),
        "",
        f"RSS (MiB) at each tenth of the read: {trail}.",
        "",
        (
            "The pager's loop guard (`LoopGuard`: the last few page tokens, Brent's anchor "
            f"and two counters) holds {_int(rss.get('guard_tokens', 0)):,} tokens, "
            f"{_int(rss.get('guard_bytes', 0)):,} bytes, at the end of the read: constant, "
            "whatever the read's length."
        ),
    ]


def _int(value: object) -> int:
    if isinstance(value, int):
        return value
    raise TypeError(f"expected an int, got {value!r}")


def pacing_section(results: list[Pacing]) -> list[str]:
    """The pacing table."""
    first = results[0]
    scale = 300.0 / first.period
    lines = [
        "### Pacing under an enforced limit",
        "",
        (
            f"The service's limits with time scaled down {scale:g} times: the facade paces to "
            f"`RateLimit({first.short_limit}, {first.short_period:g})` (the vendor's 5 per "
            f"second) and `RateLimit({first.limit}, {first.period:g})` (250 per 300 s), and "
            f"the mock enforces the latter (sliding window, 429 beyond it). Each run sends "
            f"{first.requests} requests: {first.requests - 1} after the first, which a client "
            f"exactly at the limit sends in {(first.requests - 1) // first.limit} periods. "
            "Rate = (requests - 1) / (last arrival - first arrival), arrivals timed at the mock. "
            "The facade lengthens each window by 1 % (at least 20 ms) against jitter, so its "
            f"ceiling is {first.period * 1000 / window_ms(first.period):.1%} here. The "
            "two-process run serves the mock over HTTP and starts two "
            "`benchmarks/pacing_worker.py` readers at the same instant, both pacing through one "
            "`pacing_file` (what the CLI does by default)."
        ),
        "",
        (
            "| run | requests | first to last arrival | requests/s | share of limit "
            f"| most in any {first.period:g} s | most in any {first.short_period * 1000:g} ms "
            "| 429s |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.label} | {r.requests} | {r.span:.2f} s | {r.rate:.2f} | {r.share:.1%} "
        f"| {r.max_in_window} | {r.max_in_short_window} | {r.too_many} |"
        for r in results
    ]
    return lines


def sync_section(rows: list[SyncRow], *, equal: bool) -> list[str]:
    """The incremental sync table."""
    lines = [
        "### Incremental sync",
        "",
        (
            "`youcam_units.ledger.sync` (what `youcam-units sync` runs) into one SQLite ledger; "
            "before each further sync, k entries arrive at the head of the mock's history. "
            f"Ledger equal to the mock's data, entry by entry, after the last sync: {equal}."
        ),
        "",
        "| sync | requests | budget ceil(k/30)+1 | stored | within budget |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    lines += [
        f"| {row.label} | {row.requests:,} | {row.bound:,} | {row.stored:,} | "
        f"{'yes' if row.requests <= row.bound and row.ledger_total_ok else 'no'} |"
        for row in rows
    ]
    return lines


def targets_section(
    figures: Throughput,
    rss: dict[str, object],
    pacing: list[Pacing],
    rows: list[SyncRow],
    config: Config,
) -> tuple[list[str], bool]:
    """PASS/FAIL per target; returns the lines and whether all passed."""
    checks: list[tuple[str, str, str, bool]] = []  # what, measured, result, passed
    for key, name in (("sync", "Client"), ("async", "AsyncClient")):
        ref = REFERENCE[key]
        for timings, where in ((figures.replay, "client-side"), (figures.live, "end-to-end")):
            ratio = timings[key].median / timings[ref].median
            paired = _paired(timings[key], timings[ref])
            best = timings[key].best / timings[ref].best
            cpu_ratio = timings[key].cpu_median / timings[ref].cpu_median
            checks.append(
                (
                    (
                        f"facade {name} ≥ {SPEED_TARGET}x generated client (page size 30) "
                        f"entries/s ({where})"
                    ),
                    (
                        f"paired {paired:.2f}x; medians {ratio:.2f}x; best runs {best:.2f}x; "
                        f"per CPU second {cpu_ratio:.2f}x"
                    ),
                    _speed_verdict(ok=paired >= SPEED_TARGET, best_ok=best >= SPEED_TARGET),
                    paired >= SPEED_TARGET,
                )
            )
    n = config.entries
    for key, name in (("sync", "Client"), ("async", "AsyncClient")):
        used = figures.requests[key]
        checks.append(
            (
                f"facade {name}: ≤ ceil(N/30)+1 requests for N = {n:,}",
                f"{used:,} ≤ {bound(n):,}",
                verdict(used <= bound(n)),
                used <= bound(n),
            )
        )
    tightest = max(rows, key=lambda row: row.requests - row.bound)
    checks.append(
        (
            "ledger sync: ≤ ceil(k/30)+1 requests for every k",
            (
                f"{len(rows)} syncs; tightest: {tightest.requests:,} for k = {tightest.new:,} "
                f"(budget {tightest.bound:,})"
            ),
            verdict(all(row.requests <= row.bound for row in rows)),
            all(row.requests <= row.bound for row in rows),
        )
    )
    checks.extend(
        (
            (
                f"pacing ({result.label}): ≥ 97% of the limit, zero 429s, ≤ "
                f"{result.short_limit} per {result.short_period * 1000:g} ms"
            ),
            f"{result.share:.1%}, {result.too_many} x 429, {result.max_in_short_window} at most",
            verdict(_pacing_ok(result)),
            _pacing_ok(result),
        )
        for result in pacing
    )
    growth_mib = _int(rss["growth_kib"]) / 1024
    checks.append(
        (
            f"peak RSS growth < 30 MB for {_int(rss['entries']):,} entries",
            f"{growth_mib:.1f} MiB",
            verdict(growth_mib * MIB_IN_MB < RSS_TARGET_MB),
            growth_mib * MIB_IN_MB < RSS_TARGET_MB,
        )
    )
    lines = ["### Targets", "", "| target | measured | result |", "| --- | --- | --- |"]
    lines += [f"| {what} | {measured} | {result} |" for what, measured, result, _ in checks]
    return lines, all(ok for _, _, _, ok in checks)


def _pacing_ok(result: Pacing) -> bool:
    return (
        result.share >= PACING_TARGET
        and result.too_many == 0
        and result.max_in_short_window <= result.short_limit
        and result.max_in_window <= result.limit
    )


def _speed_verdict(*, ok: bool, best_ok: bool) -> str:
    """The verdict on the medians, flagged when the best runs say otherwise (a noisy run)."""
    if ok == best_ok:
        return verdict(ok)
    return f"{verdict(ok)} (best runs: {verdict(best_ok)}; noisy)"
