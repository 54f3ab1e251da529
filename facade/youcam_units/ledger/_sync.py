"""The sync: bring a ledger up to date with the history a client reads, one pass at a time.

The algorithm only; where entries and the pass state are kept is ``LedgerStorage``'s business
(``docs/ledger.md`` says what a pass is and what it detects).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final, Protocol, cast

from youcam_units import _logs  # noqa: F401 - the library's log is silent unless configured
from youcam_units._config import MAX_PAGE_SIZE
from youcam_units._errors import InvalidParametersError
from youcam_units._models import describe_timestamp
from youcam_units.ledger._storage import AccountMismatchError, Superseded

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from typing import TypedDict, Unpack

    from youcam_units._models import HistoryEntry
    from youcam_units.ledger._storage import LedgerStorage

    class _StateChange(TypedDict, total=False):
        """The pass-state values one write sets: each a ``PassState`` field of that name."""

        frontier_id: int | None
        frontier_ts: int | None
        pass_head_id: int | None
        pass_head_ts: int | None
        anchor_id: int | None
        anchor_ts: int | None
        resume_token: str | None


__all__ = ["PAGE_SIZE", "HistorySource", "SyncResult", "sync"]

logger = logging.getLogger("youcam_units.ledger")

PAGE_SIZE: Final = MAX_PAGE_SIZE
"""Sync reads the largest pages the service allows: k new entries cost at most ceil(k/30)+1."""


@dataclass(slots=True)
class SyncResult:
    """What one sync run did."""

    new_entries: int = 0
    """Entries this run added to the ledger (they join when the pass is confirmed)."""
    staged_entries: int = 0
    """Entries this run read that are new and wait for the pass to end, when they join."""
    pages: int = 0
    """Pages this run read (one successful request each)."""
    total_entries: int = 0
    """Entries in the ledger after the run."""
    restarted: bool = False
    """True when a stored resume token was refused and the pass restarted from the head."""
    resumed: bool = False
    """True when this run first continued a pass an earlier run had left unfinished."""
    superseded: bool = False
    """True when another sync of this ledger moved on meanwhile and this one left the work to it."""


class _Page(Protocol):
    """What sync needs of a page: its entries, newest first, and the next page's token."""

    @property
    def entries(self) -> Sequence[HistoryEntry]: ...

    @property
    def next_token(self) -> str | None: ...


class _Pager(Protocol):
    def pages(self) -> Iterator[_Page]: ...


class HistorySource(Protocol):
    """What sync needs of a client: ``Client.history``, a lazy pager."""

    def history(self, *, page_size: int = ..., starting_token: str | None = ...) -> _Pager: ...


def sync(
    ledger: LedgerStorage,
    client: HistorySource,
    *,
    on_page: Callable[[SyncResult], None] | None = None,
) -> SyncResult:
    """Bring ``ledger`` up to date with the history ``client`` reads (``docs/ledger.md``).

    ``on_page`` is called after each page is committed, for progress displays. An exception
    (network, rate limit, Ctrl-C) leaves every committed page and its checkpoint in place: run
    ``sync`` again to continue. ``AccountMismatchError`` means the client reads another
    account's history: nothing of it was kept. When another sync of the same ledger moves the
    pass on meanwhile, this one returns at once with ``superseded`` set.
    """
    run = _Run(ledger, client, on_page)
    try:
        run.run()
    except Superseded:
        logger.info(
            "another sync of %s moved on meanwhile; leaving the work to it", ledger.location
        )
        run.result.superseded = True
    run.result.total_entries = len(ledger)
    return run.result


class _Run:
    """One sync run: the state it last read or wrote, and what it did."""

    def __init__(
        self,
        ledger: LedgerStorage,
        client: HistorySource,
        on_page: Callable[[SyncResult], None] | None,
    ) -> None:
        self.ledger = ledger
        self.client = client
        self.on_page = on_page
        self.result = SyncResult()
        self.state = ledger.pass_state()

    def run(self) -> None:
        if self.state.resume_token is not None:
            self.result.resumed = True
            try:
                self._resume(self.state.resume_token)
            except InvalidParametersError:
                if self.result.pages:
                    raise  # refused a token it gave in this very run: a service fault
                # The service refused the token we stored (tokens may expire): drop the staged
                # entries (the next pass reads them again) and start from the head.
                logger.warning("the stored resume token was refused; restarting from the head")
                self._abandon_pass()
                self.result.restarted = True
        self._from_head()

    # -- the two kinds of pass ----------------------------------------------------------------

    def _resume(self, token: str) -> None:
        """Continue the pass in progress down to its anchor; its top then awaits confirmation."""
        state = self.state
        for page in self._pages(token):
            fresh, reached = _above(page.entries, state.anchor_id)
            self._check_continues(page.entries, state.anchor_id, state.anchor_ts, page.next_token)
            if reached or not page.next_token:
                # Read down to the anchor (or, on a first read, the end): complete, but read in
                # part by an earlier run, maybe with another token. This run's pass from the head
                # must now meet the top of what is staged.
                self._write(
                    stage=fresh,
                    anchor_id=state.pass_head_id,
                    anchor_ts=state.pass_head_ts,
                    resume_token=None,
                )
                self._progress()
                return
            self._write(stage=fresh, resume_token=page.next_token)
            self._progress()

    def _from_head(self) -> None:
        """A pass from the newest entry down to the anchor; confirms and adds what is staged."""
        state = self.state
        anchor_id, anchor_ts = (
            (state.pass_head_id, state.pass_head_ts)
            if state.pass_head_id is not None
            else (state.frontier_id, state.frontier_ts)
        )
        head: HistoryEntry | None = None
        for page in self._pages(None):
            if head is None and page.entries:
                head = page.entries[0]
                if head.id == anchor_id:
                    logger.info("nothing new: the newest entry %s is held", head.id)
                    if state.pass_head_id is not None:
                        self._confirm(head, fresh=())
                    return
                logger.info("new pass from %s down to %s", head.id, anchor_id)
            self._check_continues(page.entries, anchor_id, anchor_ts, page.next_token)
            if head is None:
                return  # an empty history, and an empty ledger: nothing to do
            fresh, reached = _above(page.entries, anchor_id)
            if reached or not page.next_token:
                self._confirm(head, fresh=fresh)
                return
            self._write(
                stage=fresh,
                pass_head_id=head.id,
                pass_head_ts=head.timestamp_ms,
                anchor_id=anchor_id,
                anchor_ts=anchor_ts,
                resume_token=page.next_token,
            )
            self._progress()

    # -- steps ----------------------------------------------------------------------------------

    def _pages(self, start: str | None) -> Iterator[_Page]:
        for page in self.client.history(page_size=PAGE_SIZE, starting_token=start).pages():
            self.result.pages += 1
            yield page

    def _check_continues(
        self,
        entries: Sequence[HistoryEntry],
        anchor_id: int | None,
        anchor_ts: int | None,
        next_token: str | None,
    ) -> None:
        """Refuse a page that shows the history read is not the ledger's (see the docstring)."""
        if anchor_id is None:
            return
        if any(e.id == anchor_id for e in entries):
            return
        past = anchor_ts is not None and any(e.timestamp_ms < anchor_ts for e in entries)
        if not past and next_token:
            return
        self._abandon_pass()
        when = "" if anchor_ts is None else f" of {describe_timestamp(anchor_ts)}"
        where = "an older entry" if past else "the end of the history"
        raise AccountMismatchError(
            f"{self.ledger.location} holds another account's history: the history read reached "
            f"{where} without meeting entry {anchor_id}{when}, which the ledger holds. Nothing "
            "was added; use another --db for this account"
        )

    def _confirm(self, head: HistoryEntry, *, fresh: Sequence[HistoryEntry]) -> None:
        """The pass met its anchor: everything staged joins the ledger; ``head`` is the frontier."""
        self.result.new_entries += self._write(
            stage=fresh,
            promote=True,
            frontier_id=head.id,
            frontier_ts=head.timestamp_ms,
            pass_head_id=None,
            pass_head_ts=None,
            anchor_id=None,
            anchor_ts=None,
            resume_token=None,
        )
        self._progress()

    def _abandon_pass(self) -> None:
        """Drop what this pass staged and start the next from the head, against the frontier."""
        self._write(
            drop_staged=True,
            pass_head_id=None,
            pass_head_ts=None,
            anchor_id=self.state.frontier_id,
            anchor_ts=self.state.frontier_ts,
            resume_token=None,
        )

    def _write(
        self,
        *,
        stage: Sequence[HistoryEntry] = (),
        drop_staged: bool = False,
        promote: bool = False,
        **state: Unpack[_StateChange],
    ) -> int:
        """``write_pass`` from the state this run last read or wrote; how many entries joined."""
        values = cast(
            "Mapping[str, int | str | None]", state
        )  # mypy: a TypedDict is only Mapping[str, object]
        version, added = self.ledger.write_pass(
            self.state.version, values, stage=stage, drop_staged=drop_staged, promote=promote
        )
        self.result.staged_entries = (
            0 if promote or drop_staged else self.result.staged_entries + len(stage)
        )
        self.state = replace(self.state, version=version, **state)
        return added

    def _progress(self) -> None:
        if self.on_page is not None:
            self.on_page(self.result)


def _above(
    entries: Sequence[HistoryEntry], anchor: int | None
) -> tuple[Sequence[HistoryEntry], bool]:
    """The entries newer than the anchor entry, and whether the anchor is on this page."""
    for index, entry in enumerate(entries):
        if entry.id == anchor:
            return entries[:index], True
    return entries, False
