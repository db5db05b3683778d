"""The port the ticket service writes through. Implemented by ``backends.tickets_store``
(SQLite and PostgreSQL) and by the in-memory fakes of the tests.

Every method blocks (database I/O): call it from a worker thread, never the UI loop. Writes
join the caller's transaction (``tx()``) when one is open. A store outage raises one of the
typed errors of ``hotline_tui.errors`` and nothing of the failed call is written:
``StoreUnavailable`` (database unreachable), ``StoreBusy`` (locked, lock wait timed out);
a write the database refuses raises ``IntegrityViolation`` (a key or constraint) or
``DataRejected`` (a value). All four are ``StoreError``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol

from ..audit import AuditEntry
from .events import EventTally, TicketEvent
from .model import Caller, Ticket, TicketFacts, TicketNote


class TicketStore(Protocol):
    """Tickets, their notes, links, callers and the per-day serial counter."""

    def tx(self) -> AbstractContextManager[object]:
        """A context manager for one transaction: ticket, notes and audit commit or vanish
        together; an exception inside rolls everything back and propagates. A nested ``tx()``
        joins the outer one. Entering raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def next_serial(self, day: date) -> str:
        """Allocate and return the next serial ``YYYYMMDD-NNNNNN`` for ``day``; safe with
        concurrent writers (the day's counter stays locked until the transaction ends).
        Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def insert_new(self, ticket: Ticket, entry: AuditEntry) -> str:
        """Register ``ticket`` (its serial still ""): allocate the next serial of its
        ``created_at`` day, store the ticket and append ``entry`` with that serial as its
        ``subject_id`` and in its ``after`` snapshot -- all in one transaction (the caller's,
        if one is open), so a killed process leaves either all three or none. Sets
        ``ticket.serial`` and ``ticket.id`` and returns the serial. Serials are distinct and
        gap-free under concurrent writers (a failed registration gives its number back).
        Raises ValidationError when the day's counter is behind the stored tickets, ValueError
        when ``ticket`` already has a serial, StoreUnavailable or StoreBusy on an outage,
        DataRejected for a value the database refuses. Blocks."""
        ...

    def insert(self, ticket: Ticket) -> int:
        """Store a new ticket (serial given); return its id. Raises ValidationError on a
        duplicate serial, StoreUnavailable or StoreBusy on an outage, DataRejected for a value
        the database refuses. Blocks."""
        ...

    def update(self, ticket: Ticket, expected_version: int) -> None:
        """Save ``ticket`` (its version already bumped). Raises ConflictError when the stored
        version is no longer ``expected_version``, StoreUnavailable or StoreBusy on an outage,
        DataRejected for a value the database refuses. Blocks."""
        ...

    def get(self, serial: str, *, for_update: bool = False) -> Ticket | None:
        """The ticket with ``serial``, or None. ``for_update`` (inside ``tx()``): no other
        writer may save the ticket until the transaction ends (a row lock). Raises StoreUnavailable
        or StoreBusy. Blocks."""

    def search(self, *, state: str | None = None, department: str | None = None, category: str | None = None,
               phone: str | None = None, text: str | None = None, serial: str | None = None,
               light: str | None = None, now: datetime | None = None, since: datetime | None = None,
               until: datetime | None = None, limit: int = 50, offset: int = 0) -> list[Ticket]:
        """Tickets matching every given filter, newest first, at most ``limit`` from
        ``offset``. ``text`` matches inside the content, the caller's name or the address,
        folded (``hotline_tui.textfold``: case and width never decide a match; the same on
        every store); ``serial`` inside the serial; ``light`` (red, yellow or green) the stored
        clock columns at ``now`` as ``overdue`` does (green: no clock yellow yet, or none
        running); ``since``/``until`` the registration time, ``[since, until)``. Raises
        ValueError for a light without ``now``, StoreUnavailable or StoreBusy. Blocks."""
        ...

    def count(self, *, state: str | None = None, department: str | None = None, category: str | None = None,
              phone: str | None = None, text: str | None = None, serial: str | None = None,
              light: str | None = None, now: datetime | None = None, since: datetime | None = None,
              until: datetime | None = None) -> int:
        """How many tickets ``search`` with the same filters would find without a limit,
        counted in the database (nothing loaded). Raises like ``search``. Blocks."""
        ...

    def registered_by(self, user: str, *, since: datetime | None = None, limit: int = 50) -> list[Ticket]:
        """Tickets ``user`` (a user name) registered, at or after ``since`` when given, newest
        first, at most ``limit`` (an indexed column). Raises StoreUnavailable or StoreBusy.
        Blocks."""
        ...

    def overdue(self, now: datetime, *, light: str | None = None, department: str | None = None,
                category: str | None = None, text: str | None = None, limit: int = 50,
                offset: int = 0) -> list[Ticket]:
        """Active tickets whose running clock is red (due <= now) or yellow (yellow_from <= now
        < due); most overdue first. ``text`` (the console's filter box) matches like
        ``search``'s, or a serial containing it, or a department or category code equal to it
        (folded). Uses indexed columns only, but for ``text``. Raises StoreUnavailable or
        StoreBusy. Blocks."""
        ...

    def overdue_counts(self, now: datetime, *, department: str | None = None,
                       text: str | None = None) -> tuple[int, int]:
        """(yellow, red): how many tickets ``overdue`` would list under each light (with the
        same ``text`` filter), counted in the database (one query, nothing loaded). Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def add_note(self, note: TicketNote) -> None:
        """Append a note (answer, reply, urge, ...) to its ticket. Raises StoreUnavailable or
        StoreBusy, DataRejected for a value the database refuses. Blocks."""
        ...

    def notes(self, serial: str) -> list[TicketNote]:
        """The ticket's notes, oldest first (none for an unknown serial). Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def link(self, a: str, b: str, kind: str) -> None:
        """Record that tickets ``a`` and ``b`` are related (``kind`` "related" or "merged"),
        both directions; linking them again replaces the kind. Raises StoreUnavailable or
        StoreBusy. Blocks."""
        ...

    def links(self, serial: str) -> list[tuple[str, str]]:
        """(other serial, kind) pairs of the ticket's links, by other serial. Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def count_return(self, department: str, wrong: bool) -> None:
        """Count one ticket returned by ``department`` (``wrong``: returned as not theirs).
        Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def return_stats(self) -> dict[str, tuple[int, int]]:
        """department -> (returns, wrong returns). Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def caller(self, phone: str) -> Caller | None:
        """The caller record (class, name, note) of ``phone``, or None. Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def save_caller(self, caller: Caller) -> None:
        """Insert or replace the caller record of ``caller.phone``. Raises StoreUnavailable or
        StoreBusy, DataRejected for a value the database refuses. Blocks."""
        ...

    def count_by_state(self) -> dict[str, int]:
        """state -> number of tickets in it (states with none are left out). Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def touched(self, since: datetime, until: datetime, *, limit: int = 100_000) -> list[Ticket]:
        """Tickets registered before ``until`` that were registered or last changed at or after
        ``since`` (what a report of ``[since, until)`` reads; merged ones included), oldest
        registration first, at most ``limit``. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def due_between(self, start: datetime, end: datetime, *, limit: int = 10_000) -> list[Ticket]:
        """Tickets whose running clock is due in ``[start, end)`` (``current_due``; set only in
        active states), soonest first, at most ``limit``. Raises StoreUnavailable or StoreBusy.
        Blocks."""
        ...

    def add_event(self, event: TicketEvent) -> None:
        """Record a department event (``hotline_tui.tickets.events``) in the caller's transaction;
        an event with the same (serial, version, kind) is stored once. Raises StoreUnavailable or
        StoreBusy, DataRejected for a value the database refuses. Blocks."""
        ...

    def registered(self, since: datetime, until: datetime, *, limit: int = 1_000_000) -> list[Ticket]:
        """Tickets registered in ``[since, until)`` (merged ones included), oldest first, at most
        ``limit``. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def events(self, since: datetime, until: datetime, *, of_registered: bool = True,
               kind: str | None = None) -> list[TicketEvent]:
        """Department events (of ``kind`` only when given), ordered by time, serial, version and
        kind. ``of_registered``: every
        event of the tickets registered in ``[since, until)``, whenever it happened (what the
        department report counts); otherwise the events that happened in ``[since, until)``
        (what the callbacks report counts). Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def facts(self, since: datetime, until: datetime) -> list[TicketFacts]:
        """What the reports count of each ticket registered in ``[since, until)`` (merged ones
        included), oldest first, read without building whole tickets. Raises StoreUnavailable or
        StoreBusy. Blocks."""
        ...

    def event_tallies(self, since: datetime, until: datetime) -> list[EventTally]:
        """The department events of the tickets registered in ``[since, until)``, merged tickets
        left out, counted in the database: one ``EventTally`` per (department, kind), and one per
        kind with department "" over all departments (distinct tickets across them), sorted by
        department and kind. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...
