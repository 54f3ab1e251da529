"""The benchmark's profile of a facade read names functions that exist and are called.

``benchmarks`` is imported inside the test, not at collection: Hypothesis draws from the
constants of every local module loaded when a ``@given`` test runs, so a module imported at
collection changes what other files' property tests try.
"""

from __future__ import annotations

from youcam_units.mock import MockService


def test_every_profile_row_matches_a_called_function() -> None:
    """A module or function renamed by a refactor must not leave a row silently at 0 s."""
    from benchmarks import throughput  # noqa: PLC0415 - see the module docstring
    from benchmarks.readers import RecordingTransport, facade_sync  # noqa: PLC0415

    service = MockService(seed=1, entries=90)
    reader = facade_sync(RecordingTransport(service).transport())
    try:
        rows = throughput.profile_facade(reader, 90)
    finally:
        reader.close()
    assert [label for label, _, _ in rows] == [label for label, _, _ in throughput._PROFILE_ROWS]
    assert all(seconds > 0 for _, seconds, _ in rows)
