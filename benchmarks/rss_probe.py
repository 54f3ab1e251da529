"""Peak RSS growth while the facade iterates N entries: run by scripts/bench in a fresh process.

Prints one JSON object. Method (Linux): after a warm-up read, ``gc.collect()``, then the
baseline is the process's current RSS (``VmRSS``); the kernel's peak counter is reset by writing
``5`` to ``/proc/self/clear_refs``, the entries are iterated, and the peak is ``VmHWM``. Growth
is peak minus baseline. Where ``clear_refs`` cannot be written, the peak is
``getrusage(RUSAGE_SELF).ru_maxrss`` instead (an upper bound: it also counts any earlier peak).

The mock runs in this same process and keeps a record of every request (its ``RequestLog``);
that record is the mock's memory, not the facade's, so it is cleared every
``LOG_CLEAR_EVERY`` requests (the counts are kept).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from pathlib import Path

import httpx
from youcam_units import Client
from youcam_units.mock import DEFAULT_TOKEN, MockService

BASE_URL = "http://127.0.0.1"
WARM_UP_ENTRIES = 3_000
LOG_CLEAR_EVERY = 1_000
SAMPLES = 10
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kib(field: str) -> int | None:
    """A ``/proc/self/status`` field in KiB (``VmRSS``, ``VmHWM``), or None off Linux."""
    try:
        text = _STATUS.read_text(encoding="ascii")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter (VmHWM) to the current RSS; False when refused."""
    try:
        _CLEAR_REFS.write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


def _maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _guard_footprint(pager: object) -> tuple[int, int]:
    """The pager's loop guard at the end of the read: page tokens it holds, and bytes.

    Diagnosis only: it reads the pager's private state, which may change.
    """
    cursor = getattr(pager, "_cursor", None)
    guard = getattr(cursor, "_guard", None)
    if guard is None:
        return 0, 0
    tokens = [*getattr(guard, "_recent", ()), getattr(guard, "_anchor", None)]
    held = [token for token in tokens if isinstance(token, str)]
    size = sys.getsizeof(guard) + sys.getsizeof(getattr(guard, "_recent", ()))
    size += sum(sys.getsizeof(token) for token in held)
    return len(held), size


def measure(entries: int, seed: int) -> dict[str, object]:
    """Iterate ``entries`` entries through ``Client.history()``; report RSS before and at peak."""
    service = MockService(seed=seed, entries=entries)
    with (
        httpx.Client(transport=service.transport()) as http,
        Client(DEFAULT_TOKEN, base_url=BASE_URL, http_client=http, rate_limit=None) as client,
    ):
        warm = sum(1 for _ in client.history(max_items=WARM_UP_ENTRIES))
        service.log.clear()
        gc.collect()
        maxrss_before = _maxrss_kib()
        baseline = _status_kib("VmRSS")
        hwm_reset = _reset_peak()
        requests = 0
        read = 0
        previous_id: int | None = None
        in_order = True
        samples: list[tuple[int, int | None]] = []
        sample_every = max(1, entries // SAMPLES)
        started = time.perf_counter()
        pager = client.history()
        for page in pager.pages():
            for entry in page.entries:
                in_order = in_order and (previous_id is None or entry.id < previous_id)
                previous_id = entry.id
            before = read
            read += len(page.entries)
            if read // sample_every != before // sample_every:
                samples.append((read, _status_kib("VmRSS")))
            if service.log.count >= LOG_CLEAR_EVERY:
                requests += service.log.count
                service.log.clear()
        seconds = time.perf_counter() - started
        requests += service.log.count
        guard = _guard_footprint(pager)
    peak = _status_kib("VmHWM") if hwm_reset else None
    maxrss_after = _maxrss_kib()
    if peak is None or baseline is None:
        method = "getrusage ru_maxrss after minus before (upper bound)"
        growth = maxrss_after - maxrss_before
        baseline_kib, peak_kib = maxrss_before, maxrss_after
    else:
        method = "VmHWM (reset via /proc/self/clear_refs) minus VmRSS before iterating"
        growth = peak - baseline
        baseline_kib, peak_kib = baseline, peak
    return {
        "entries": read,
        "warm_up_entries": warm,
        "in_order": in_order,
        "requests": requests,
        "seconds": seconds,
        "baseline_kib": baseline_kib,
        "peak_kib": peak_kib,
        "growth_kib": growth,
        "maxrss_before_kib": maxrss_before,
        "maxrss_after_kib": maxrss_after,
        "method": method,
        "samples": samples,
        "guard_tokens": guard[0],
        "guard_bytes": guard[1],
    }


def main() -> None:
    """``python benchmarks/rss_probe.py --entries N --seed S``: print the measurement as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(measure(args.entries, args.seed)))


if __name__ == "__main__":
    main()
