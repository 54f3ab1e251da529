"""Benchmarks (``scripts/bench``): each kept target of the project, measured and judged.

A row is a function ``(Config) -> Row`` (what, figure, target, PASS/FAIL), listed in
``benchmarks.cli.ROWS``; ``scripts/bench`` runs them and prints one Markdown table, from which
docs/benchmarks.md is edited by hand. Reads run in-process against the mock
(``youcam_units.mock``); the commands a user waits for run as subprocesses. Checks of data
under faults and crashes are tests (``tests/soak``), not benchmarks.
"""
