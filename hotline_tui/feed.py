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
