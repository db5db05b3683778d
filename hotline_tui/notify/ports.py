"""The outbox store port. Implemented by ``backends.notify_store.SqlOutboxStore`` (SQLite and
PostgreSQL). Every method blocks (database I/O) and raises only ``StoreError`` subclasses
for a database failure; writes join the caller's transaction when one is open (the ticket
change and its outbox rows commit together)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from .model import Endpoint, IntakeRecord, OutboxRow


class OutboxStore(Protocol):
    def enqueue(self, rows: list[OutboxRow]) -> int:
        """Insert ``rows``; a row whose id is already there is left as it is (the id is the
        idempotency key). Returns how many were new. Raises StoreError. Blocks."""
        ...

    def claim(self, worker: str, now: float, limit: int, lease_s: float) -> list[OutboxRow]:
        """Lease up to ``limit`` due rows to ``worker`` (status sending, ``lease_until`` =
        now + lease_s): pending rows whose ``next_at`` has come, and rows whose lease ran out
        (a killed worker: marked ambiguous). Skips endpoints that are open or disabled. Two
        workers never get the same row at once (PostgreSQL ``FOR UPDATE SKIP LOCKED``;
        SQLite's write lock). Raises StoreError. Blocks."""
        ...

    def release(self, id: str, worker: str, next_at: float) -> bool:
        """Give a leased row back unsent (no attempt counted). False when the lease is no
        longer ``worker``'s. Raises StoreError. Blocks."""
        ...

    def finish(self, id: str, worker: str, status: str, now: float, *, reference: str = "",
               error: str = "") -> bool:
        """Record an attempt's end (``sent``, ``dead``, ``suppressed``), counting it; a row a
        receipt already marked delivered or failed keeps that status (the attempt and the
        reference are recorded). False (nothing written) when the lease is no longer
        ``worker``'s. Raises StoreError. Blocks."""
        ...

    def reschedule(self, id: str, worker: str, next_at: float, error: str, *, ambiguous: bool) -> bool:
        """Record a failed attempt and when to try again (pending). False when the lease is no
        longer ``worker``'s. Raises StoreError. Blocks."""
        ...

    def receipt(self, id: str, status: str, now: float, detail: str = "") -> bool:
        """An SMS delivery receipt (``delivered`` or ``failed``): applied to any row not
        dropped or suppressed; a duplicate receipt changes nothing. Returns whether the row
        exists. Raises StoreError. Blocks."""
        ...

    def expire(self, now: float, created_before: datetime, error: str, limit: int = 500) -> int:
        """The dead-letter sweep's step: up to ``limit`` rows still unsent that were made before
        ``created_before`` (pending, or sending with their lease run out) become ``dead`` with
        ``error``, oldest first; a row a worker holds now is left to it. Returns how many.
        Raises StoreError. Blocks."""
        ...

    def get(self, id: str) -> OutboxRow | None:
        """The row, or None. Raises StoreError. Blocks."""
        ...

    def rows(self, *, status: str | None = None, serial: str | None = None, limit: int = 50) -> list[OutboxRow]:
        """Rows, newest first. Raises StoreError. Blocks."""
        ...

    def counts(self) -> dict[str, int]:
        """How many rows in each status. Raises StoreError. Blocks."""
        ...

    def retry(self, id: str, now: float) -> bool:
        """A dead (or failed) row back to pending, due now, attempts reset. False when there is
        no such row in those states. Raises StoreError. Blocks."""
        ...

    def drop(self, id: str, now: float) -> bool:
        """Give up a row that is not yet sent (dropped). False when there is none. Raises
        StoreError. Blocks."""
        ...

    def endpoint(self, endpoint: str) -> Endpoint:
        """The endpoint's breaker (a closed one when never seen). Raises StoreError. Blocks."""
        ...

    def endpoints(self) -> list[Endpoint]:
        """Every endpoint seen. Raises StoreError. Blocks."""
        ...

    def endpoint_ok(self, endpoint: str, now: float) -> None:
        """A success: failures to 0, breaker closed. Raises StoreError. Blocks."""
        ...

    def endpoint_failed(self, endpoint: str, now: float, threshold: int, open_s: float, error: str) -> Endpoint:
        """A failure: one more consecutive failure; at ``threshold`` the breaker opens for
        ``open_s``. Returns the new state. Raises StoreError. Blocks."""
        ...

    def take_probe(self, endpoint: str, now: float, threshold: int, open_s: float) -> bool:
        """A half-open breaker lets one attempt through: True for the one caller that gets it
        (the breaker looks open to every other worker until ``open_s`` from now, or until the
        probe's result closes or re-opens it). Raises StoreError. Blocks."""
        ...

    def endpoint_disable(self, endpoint: str, now: float, error: str, disabled: bool = True) -> None:
        """410 Gone: nothing more is sent there until an engineer enables it again
        (``disabled=False``). Raises StoreError. Blocks."""
        ...

    def opt_out(self, phone: str, reason: str, now: float, out: bool = True) -> None:
        """Record (or with ``out=False`` lift) a citizen's SMS opt-out. Raises StoreError. Blocks."""
        ...

    def sms_blocked(self, phone: str) -> str:
        """Why no SMS may go to ``phone`` now ("caller opted out of SMS", "caller is
        blacklisted": the caller class the ticket store keeps), or "" when one may. Raises
        StoreError. Blocks."""
        ...

    def intake_seen(self, department: str, request_id: str) -> IntakeRecord | None:
        """The intake's answer to this request id, if it has one. Raises StoreError. Blocks."""
        ...

    def intake_record(self, record: IntakeRecord, now: float) -> bool:
        """Keep the answer to a request id; False when the id was recorded meanwhile (a
        concurrent duplicate: the caller's transaction must roll back). Raises StoreError. Blocks."""
        ...
