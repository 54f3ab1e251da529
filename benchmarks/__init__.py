"""Benchmarks (``scripts/bench``): how fast the facade reads, how few requests, how little memory.

Everything runs in-process against the mock (``youcam_units.mock.MockService``) through its httpx
transport, on the same seeded data. ``scripts/bench`` prints a Markdown report and writes it, with
a note on the machine, to docs/benchmarks.md; ``scripts/bench --soak`` runs the soak and crash
trials and appends their figures there. Timings are medians of repeats, with min and max.
"""
