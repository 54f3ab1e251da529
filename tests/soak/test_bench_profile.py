"""The benchmark's profile of a facade read names functions that exist and are called."""

from __future__ import annotations

from youcam_units.mock import MockService

from benchmarks import throughput
from benchmarks.readers import RecordingTransport, facade_sync


def test_every_profile_row_matches_a_called_function() -> None:
    """A module or function renamed by a refactor must not leave a row silently at 0 s."""
    service = MockService(seed=1, entries=90)
    reader = facade_sync(RecordingTransport(service).transport())
    try:
        rows = throughput.profile_facade(reader, 90)
    finally:
        reader.close()
    assert [label for label, _, _ in rows] == [label for label, _, _ in throughput._PROFILE_ROWS]
    assert all(seconds > 0 for _, seconds, _ in rows)
