"""Benchmarks (``scripts/bench``): how fast the facade reads, and how long a user waits.

The readers (how fast, how few requests, how little memory) run in-process against the mock
(``youcam_units.mock.MockService``) through its httpx transport, on the same seeded data; the
commands a user waits for (start-up, ``summary`` at ten million entries) run as subprocesses,
beside the ledger's write speed and file size (``user_waits``). ``scripts/bench`` prints a
Markdown report and writes it, with a note on the machine, to docs/benchmarks.md;
``scripts/bench --soak`` runs the soak and crash trials and appends their figures there.
Timings are medians of repeats, with min and max; ratios are paired within a round.
"""
