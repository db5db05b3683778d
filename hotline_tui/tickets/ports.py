"""The port the ticket service writes through. Implemented by backends.tickets_store."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from ..audit import AuditEntry
from .model import Caller, Ticket, TicketNote


class TicketStore(Protocol):
    """Every method blocks (database I/O). Writes join the caller's transaction (``tx()``)."""

    def tx(self):
        """Context manager: one transaction; ticket, notes and audit commit or vanish together."""

    def next_serial(self, day: date) -> str:
        """Allocate the next serial ``YYYYMMDD-NNNNNN`` for ``day``; safe with concurrent writers."""

    def insert_new(self, ticket: Ticket, entry: AuditEntry) -> str:
        """Register ``ticket`` (its serial still ""): allocate the next serial of its
        ``created_at`` day, store the ticket and append ``entry`` with that serial as its
        ``subject_id`` and in its ``after`` snapshot -- all in one transaction (the caller's,
        if one is open), so a killed process leaves either all three or none. Sets
        ``ticket.serial`` and ``ticket.id`` and returns the serial. Serials are distinct and
        gap-free under concurrent writers (a failed registration gives its number back).
        Raises ValidationError when the day's counter is behind the stored tickets."""

    def insert(self, ticket: Ticket) -> int:
        """Store a new ticket; return its id. Raises ValidationError on a duplicate serial."""

    def update(self, ticket: Ticket, expected_version: int) -> None:
        """Save ``ticket`` (its version already bumped). Raises ConflictError when the stored
        version is no longer ``expected_version``."""

    def get(self, serial: str, *, for_update: bool = False) -> Ticket | None:
        """The ticket with ``serial``, or None. ``for_update`` (inside ``tx()``): no other
        writer may save the ticket until the transaction ends (a row lock)."""

    def search(self, *, state: str | None = None, department: str | None = None, category: str | None = None,
               phone: str | None = None, text: str | None = None, limit: int = 50, offset: int = 0) -> list[Ticket]:
        """Tickets matching every given filter, newest first."""

    def overdue(self, now: datetime, *, light: str | None = None, department: str | None = None,
                category: str | None = None, limit: int = 50, offset: int = 0) -> list[Ticket]:
        """Active tickets whose running clock is red (due <= now) or yellow (yellow_from <= now
        < due); most overdue first. Uses indexed columns only."""

    def overdue_counts(self, now: datetime, *, department: str | None = None) -> tuple[int, int]:
        """(yellow, red): how many tickets ``overdue`` would list under each light, counted in
        the database (one indexed query, nothing loaded). Blocks on the store."""

    def add_note(self, note: TicketNote) -> None: ...

    def notes(self, serial: str) -> list[TicketNote]: ...

    def link(self, a: str, b: str, kind: str) -> None: ...

    def links(self, serial: str) -> list[tuple[str, str]]:
        """(other serial, kind) pairs."""

    def count_return(self, department: str, wrong: bool) -> None: ...

    def return_stats(self) -> dict[str, tuple[int, int]]:
        """department -> (returns, wrong returns)."""

    def caller(self, phone: str) -> Caller | None: ...

    def save_caller(self, caller: Caller) -> None: ...

    def count_by_state(self) -> dict[str, int]: ...
