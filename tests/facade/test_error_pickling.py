"""Every error the facade raises survives pickling and copying, attributes and all.

An error raised in a ``ProcessPoolExecutor`` worker reaches the caller pickled; the errors'
keyword-only arguments once made that fail (``TypeError: missing ... 'status_code'``).
"""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest
import youcam_units as yu
from youcam_units._token_pacing import TokenPacingError

PAGES = [f"page-{n}" for n in range(5)]
"""The page tokens the errors name (where to continue from): not credentials."""

ERRORS = [
    yu.YouCamError("plain", request_id="r-1", continuation_token=PAGES[0]),
    yu.APIConnectionError("refused", continuation_token=PAGES[1]),
    yu.APITimeoutError("slow"),
    yu.APIStatusError("teapot", status_code=418, error_code="Teapot", body={"status": 418}),
    yu.InvalidParametersError("bad", status_code=400, error_code="InvalidParameters"),
    yu.AuthenticationError("who", status_code=401, error_code="InvalidAccessToken"),
    yu.RateLimitError("slow down", status_code=429, retry_after=2.5, request_id="r-2"),
    yu.ServerError("boom", status_code=503, continuation_token=PAGES[2]),
    yu.RedirectError("moved", status_code=301, location_host="elsewhere.test"),
    yu.ResponseTooLargeError("big", status_code=200, limit=1024),
    yu.ResponseValidationError(
        "not json", status_code=200, body="<html>", unparsable=True, continuation_token=PAGES[3]
    ),
    yu.PaginationError("a token again", continuation_token=PAGES[4]),
    yu.PacingFileError(Path("pacing.sqlite3"), "it is a directory"),
    TokenPacingError("the database cannot be reached", "set token_pacing=None"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: type(error).__name__)
def test_an_error_is_the_same_after_pickling_and_copying(error: Exception) -> None:
    """Same class, same words, same attributes: through pickle, copy and deepcopy."""
    for again in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):  # noqa: S301 - our own bytes
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert again.args == error.args
        assert vars(again) == vars(error)
