"""The ticket change feed (issue 21): every change to a ticket, in commit order, so that every
console and script sees what another one changed — read from the last sequence number seen, also
after a reconnect, so a missed wake-up loses nothing.

The store writes the feed in the same transaction as the change; this module only names the
port and the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class TicketChange:
    seq: int                # commit-ordered, from 1; never reused
    serial: str             # the ticket
    kind: str               # the audit action: ticket.register, ticket.dispatch, ticket.answer …
    at: datetime            # when the change was written

    def as_json(self) -> dict:
        return {"seq": self.seq, "serial": self.serial, "kind": self.kind, "at": self.at.isoformat()}


class TicketFeed(Protocol):
    """Implemented by ``backends.feed_store`` (SQLite: polled; PostgreSQL: LISTEN/NOTIFY as a
    doorbell). A store outage raises StoreUnavailable or StoreBusy (``StoreError``)."""

    def head(self) -> int:
        """The highest sequence number committed (0 for an empty feed). Blocks."""
        ...

    def since(self, seq: int, limit: int = 1000) -> list[TicketChange]:
        """At most ``limit`` changes with a sequence above ``seq``, in order. Blocks."""
        ...

    def wait(self, seq: int, timeout: float) -> bool:
        """Block until a change above ``seq`` is committed or ``timeout`` seconds pass;
        returns whether there is one. PostgreSQL wakes on the NOTIFY; SQLite polls a few
        times a second. Blocks (that is what it is for)."""
        ...

    def close(self) -> None:
        """Release the listening connection, if any. Blocks briefly."""
        ...


class FeedFollower:
    """Follows a ``TicketFeed`` from a sequence number (issue 21): what a console's background
    thread runs. Each ``step`` waits for changes above the last sequence seen and hands them,
    in order, to ``on_changes``; a store error is handed to ``on_error`` once per outage, the
    listening connection is dropped (so the next wait listens anew) and the follower reads on
    from the same sequence after the reconnect — a change made during the outage is read then,
    none is lost and none is shown twice. ``on_restored`` says the feed reads again."""

    def __init__(self, feed: TicketFeed, seq: int, on_changes, *, on_error=None, on_restored=None,
                 sleep=None, backoff_s: float = 1.0):
        import time

        self.feed, self.seq = feed, seq
        self.on_changes, self.on_error, self.on_restored = on_changes, on_error, on_restored
        self.sleep = sleep or time.sleep
        self.backoff_s = backoff_s
        self.down = False            # in an outage: told once, told again when it ends

    def step(self, timeout: float = 1.0) -> list[TicketChange]:
        """One wait (at most ``timeout`` seconds) and what it read. Blocks."""
        from .errors import StoreError

        try:
            changes: list[TicketChange] = []
            if self.feed.wait(self.seq, timeout):
                changes = self.feed.since(self.seq)
        except StoreError as exc:
            if not self.down and self.on_error is not None:
                self.on_error(exc)
            self.down = True
            try:
                self.feed.close()        # a broken LISTEN connection: open a new one next time
            except StoreError:
                pass
            self.sleep(self.backoff_s)
            return []
        if self.down:
            self.down = False
            if self.on_restored is not None:
                self.on_restored()
        if changes:
            self.seq = changes[-1].seq
            self.on_changes(changes)
        return changes
