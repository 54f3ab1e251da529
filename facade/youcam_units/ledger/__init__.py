"""The local ledger: a SQLite copy of one account's history, its sync, and its summary.

``Ledger`` (SQLite, ``_sqlite``) implements the storage protocols ``LedgerStorage`` and
``SummaryStorage`` (``_storage``); ``sync`` (``_sync``) and ``summarize`` (``_summary``) see
only those protocols, so another database is one more module: ``PostgresLedger``
(``_postgres``, the ``postgres`` extra) keeps many accounts' ledgers in one PostgreSQL database,
with the same guarantees (its docstring says how). ``open_ledger(target, ledger=NAME)`` opens
either: a file path, or a ``postgresql://`` URL and the name of a ledger in that database.

Schema (version 3), in one SQLite file in WAL mode with incremental auto-vacuum:

- ``meta(key, value)``: ``schema_version``; ``source`` (where the history comes from: the
  service's URL, or the demo's data set); ``frontier_id``/``frontier_ts``, the newest entry of
  the last *confirmed* pass (every entry at or older than it is in ``entries``); the state of the
  pass in progress, if any (below); ``state_version``, bumped by every write of that state;
  ``entry_count``, the rows of ``entries``, kept in the transaction that adds them (``len``
  never counts).
- ``entries(id, timestamp_ms, action, spent, granted, raw)``: one row per history entry, keyed
  by its id (an SQLite INTEGER is 64-bit, so snowflake ids above 2**53 are stored exactly),
  indexed by time. ``raw`` is the entry exactly as sent (JSON; ``dst_actions`` in the form sent,
  fractions as the exact numbers sent); ``spent`` and ``granted`` (its negative changes, as a
  positive number, and its positive ones) are exact decimal text, from ``amount_dec`` when the
  service sent it: never a float. Nothing else is stored twice.
- ``staged``: entries read by the pass in progress that have not joined ``entries`` yet, keyed
  by ``~id`` (a pass reads newest first, so its pages append to the table instead of splitting
  half-full pages); they join ``entries`` oldest id first, so that table's pages fill too, and
  the pages they held go back to the file system (``PRAGMA incremental_vacuum``).
- ``rollup(day, action, entries, spent, granted, ...)``: the totals of ``entries`` per UTC day
  and action, exact decimal text added in Python (with the same sums in nano-units, which
  SQLite can add exactly), updated in the transaction that promotes staged entries and rebuilt
  by the upgrade to version 3. ``rollup_day(day, entries, spent, expired, granted)`` holds the
  same totals per day alone, kept alike: a summary by day or month reads one row a day.
  Summaries, the forecast and status's daily spending read whole days from them and only the
  partial days at the edges of a window, and entries at a time with no day (outside the years
  1-9999), from ``entries``: they cost milliseconds at any size.

**One account per ledger.** The service sends no account id and tokens are short-lived, so the
ledger cannot ask whose history it reads; it checks that the history *continues* its own. A
pass reads from the newest entry down and stages what it reads; its entries join ``entries``
only when the pass meets its *anchor*, an entry the ledger already holds (the frontier), or, on
a first read, reaches the end of the history. A pass that reaches the end, or an entry older than
the anchor, without meeting the anchor reads another history: the sync is refused
(``AccountMismatchError``), what it staged is dropped, and ``entries`` and the frontier are
unchanged. A pass continued from a stored page token in a later run (after a crash, perhaps with
another token) is confirmed the same way: that run's own pass from the head must then meet the
newest entry staged.

- Detects: a token of another account pointed at a ledger that holds any entry (at the cost of
  reading that account's entries newer than the ledger's newest: the check stops at the first
  one older than it); a crashed pass continued by another account.
- Cannot detect: another account's history fed into a ledger with no entry yet (a first read
  of an empty account confirms nothing), or a history that contains the ledger's newest entry
  (the same id in two accounts). An account whose history lost the ledger's newest entry (if the
  service ever dropped old entries) would be refused as another account.
- Costs: nothing extra in the common case. k new entries still cost ceil(k/30)+1 requests (the
  pass ends on the page holding the frontier), nothing new costs one. It relies on the history
  coming newest first by timestamp, as the endpoint serves it.

**Safe beside another sync.** Every write of the pass state is a read-check-write in one
``BEGIN IMMEDIATE`` transaction: it commits only if ``state_version`` is still the one this run
read or wrote last. Otherwise another run has moved the pass on (or taken over one this run was
continuing); this run stops at once (``SyncResult.superseded``) and leaves the work to it, so
two syncs never both re-read the history, and no interleaving can lose or duplicate an entry. A
newer run takes over a pass it finds in progress (its owner may have crashed): if that owner is
alive, whichever of the two commits second stops.

**Crash safety.** Each page is staged in one transaction together with the checkpoint that
follows it (``resume_token``), so a run stopped at any point (Ctrl-C, ``kill -9``, a network
failure) leaves a ledger from which the next run continues, losing nothing and storing nothing
twice. If the service rejects a stored token (a 400: tokens may expire), the staged entries are
dropped and the pass restarts from the head. The transaction that confirms a pass (entries,
rollup, count, frontier) is committed with ``synchronous=FULL``: it survives a power cut too.
Staging commits use ``NORMAL`` (no fsync each): a power cut may undo the last staged pages
(whole pages with their checkpoints, never part of one), which the next run reads again.

**Migrations** are an ordered list of small functions (``_schema.MIGRATIONS``), each taking the
file from version n to n+1, applied in one transaction on first open by newer code: a file is never
left between two versions. An older file is then compacted once (``VACUUM``, which also switches
it to incremental auto-vacuum). A ledger newer than the code is refused. ``Ledger(path,
read_only=True)`` (what ``summary`` uses) never writes, never switches a file to WAL, and works
in a read-only directory; any SQLite file that is not a ledger is refused, untouched.
"""

from typing import TYPE_CHECKING, Final

from youcam_units._lazy import lazy_exports

if TYPE_CHECKING:
    from youcam_units.ledger._forecast import (
        DAILY_DAYS,
        HistoryStore,
        daily_spending,
        forecast,
    )
    from youcam_units.ledger._open import ledger_location, open_ledger
    from youcam_units.ledger._postgres import PostgresLedger
    from youcam_units.ledger._schema import SCHEMA_VERSION
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
    "daily_spending",
    "forecast",
    "ledger_location",
    "open_ledger",
    "summarize",
    "summary_json",
    "sync",
]

_WHERE: Final[dict[str, str]] = {
    **dict.fromkeys(("DAILY_DAYS", "HistoryStore", "daily_spending", "forecast"), "._forecast"),
    **dict.fromkeys(("ledger_location", "open_ledger"), "._open"),
    "PostgresLedger": "._postgres",
    "SCHEMA_VERSION": "._schema",
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
}
"""The module each public name lives in. Imported on first use: ``summary`` reads the ledger
without the sync (its errors, email and socket modules) or the forecast ever being imported."""

# Hidden from type checkers, which see the imports above: a misspelt name stays an error there.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE, globals(), __all__)
