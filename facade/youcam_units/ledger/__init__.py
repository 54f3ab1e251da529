"""The ledger: a local copy of one account's history, its interruption-safe sync, its summaries.

``Ledger`` (SQLite) implements the storage protocols ``LedgerStorage`` and ``SummaryStorage``;
``sync`` and ``summarize`` see only those protocols. How the schema, the one-account check, the
locking between syncs, crash safety and migrations work: ``docs/ledger.md``.
"""

from typing import TYPE_CHECKING, Final

from youcam_units._lazy import lazy_exports

if TYPE_CHECKING:
    from youcam_units.ledger._forecast import (
        DAILY_DAYS,
        HistoryStore,
        daily_spending,
        forecast,
        ledger_forecast,
    )
    from youcam_units.ledger._migrations import SCHEMA_VERSION
    from youcam_units.ledger._postgres import PostgresLedger
    from youcam_units.ledger._schema import UpgradeProgress
    from youcam_units.ledger._sqlite import Ledger
    from youcam_units.ledger._storage import (
        GROUPINGS,
        AccountMismatchError,
        Grouping,
        LedgerError,
        LedgerStorage,
        PassState,
        Per,
        SummaryStorage,
        Totals,
    )
    from youcam_units.ledger._summary import SummaryRow, summarize, summary_json
    from youcam_units.ledger._sync import PAGE_SIZE, HistorySource, SyncResult, sync
    from youcam_units.ledger._target import ledger_location, open_ledger

__all__ = [
    "DAILY_DAYS",
    "GROUPINGS",
    "PAGE_SIZE",
    "SCHEMA_VERSION",
    "AccountMismatchError",
    "Grouping",
    "HistorySource",
    "HistoryStore",
    "Ledger",
    "LedgerError",
    "LedgerStorage",
    "PassState",
    "Per",
    "PostgresLedger",
    "SummaryRow",
    "SummaryStorage",
    "SyncResult",
    "Totals",
    "UpgradeProgress",
    "daily_spending",
    "forecast",
    "ledger_forecast",
    "ledger_location",
    "open_ledger",
    "summarize",
    "summary_json",
    "sync",
]

_WHERE: Final[dict[str, str]] = {
    **dict.fromkeys(
        ("DAILY_DAYS", "HistoryStore", "daily_spending", "forecast", "ledger_forecast"),
        "._forecast",
    ),
    "PostgresLedger": "._postgres",
    "SCHEMA_VERSION": "._migrations",
    "UpgradeProgress": "._schema",
    "Ledger": "._sqlite",
    **dict.fromkeys(
        (
            "GROUPINGS",
            "AccountMismatchError",
            "Grouping",
            "LedgerError",
            "LedgerStorage",
            "PassState",
            "Per",
            "SummaryStorage",
            "Totals",
        ),
        "._storage",
    ),
    **dict.fromkeys(("SummaryRow", "summarize", "summary_json"), "._summary"),
    **dict.fromkeys(("PAGE_SIZE", "HistorySource", "SyncResult", "sync"), "._sync"),
    **dict.fromkeys(("ledger_location", "open_ledger"), "._target"),
}
"""The module each public name lives in. Imported on first use: ``summary`` reads the ledger
without the sync (its errors, email and socket modules) or the forecast ever being imported."""

# Hidden from type checkers, which see the imports above: a misspelt name stays an error there.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE, globals(), __all__)
