"""Every default and limit of the facade, in one place, so that no module carries its own 30.

Plain values only (no imports from the package), so any module may read them.
"""

from __future__ import annotations

from typing import Final

#: The variables the facade reads (named here so the CLI's ``--help`` can name them cheaply).
ENV_ACCESS_TOKEN: Final = "YOUCAM_ACCESS_TOKEN"  # noqa: S105 - the variable's name, not a token
ENV_API_KEY: Final = "YOUCAM_API_KEY"
ENV_BASE_URL: Final = "YOUCAM_BASE_URL"

#: The production server named by openapi.yaml (a test keeps the two equal).
BASE_URL: Final = "https://yce-api-01.makeupar.com"
USER_AGENT: Final = "youcam-units/0.1.0"

#: Seconds: httpx's per-phase timeout, and the deadline of one attempt as a whole.
TIMEOUT: Final = 30.0
#: What one response may hold. A page of 30 entries is a few kB; 4 MiB is a thousand pages'
#: worth, so only a runaway body (an endless or enormous one) ever reaches it.
MAX_RESPONSE_BYTES: Final = 4 * 1024 * 1024

#: The service accepts 1..30 entries per page.
MAX_PAGE_SIZE: Final = 30
#: The page size of ``history()`` and ``history_page()`` alike: the largest the service takes.
#: The API's own default is 20; 30 reads a history in a third fewer requests, which is what
#: counts under a limit of 250 requests per 300 s.
PAGE_SIZE: Final = MAX_PAGE_SIZE
#: The name the CLI reads (kept; the same value).
HISTORY_PAGE_SIZE: Final = PAGE_SIZE
#: Feature costs come 1..20 per page; ``feature_costs()`` reads the largest pages.
MAX_FEATURE_COST_PAGE_SIZE: Final = 20
#: A page token is a snowflake integer (17 digits); anything past this is not one.
MAX_PAGE_TOKEN_LENGTH: Final = 1024

#: (requests, period in seconds): the vendor's 5 per second, and the published limit of 250
#: requests per 300 seconds per token and per IP.
BURST_RATE: Final = (5, 1.0)
PUBLISHED_RATE: Final = (250, 300.0)
#: Seconds a process waits for another holding the shared pacing file.
PACING_FILE_BUSY_TIMEOUT: Final = 30.0
#: Seconds of a pacing wait from which it is logged as a warning (at most the longest window).
PACING_LONG_WAIT: Final = 60.0

#: Retries after the first attempt, and the backoff in seconds.
MAX_RETRIES: Final = 5
RETRY_INITIAL_WAIT: Final = 0.5
RETRY_MAX_WAIT: Final = 30.0
RATE_LIMITED_WAIT: Final = 15.0
RATE_LIMITED_MAX_WAIT: Final = 120.0
RETRY_AFTER_CAP: Final = 300.0
