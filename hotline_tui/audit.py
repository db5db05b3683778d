"""The audit log (日志管理): who did what, when, to what, before and after.

Entries are append-only: there is no edit or delete path in code, and the database refuses
UPDATE and DELETE on the table (triggers). A service writes its entry in the same
transaction as the change it records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    action: str              # e.g. "ticket.dispatch", "kb.publish", "agent.set_status"
    subject_type: str        # "ticket", "article", "agent", "caller", ...
    subject_id: str
    at: datetime             # when it happened (``--at`` for work entered later)
    recorded_at: datetime    # when it was written
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str = ""
    id: int | None = None


class AuditLog(Protocol):
    """The audit store port. Implemented by ``backends.audit_store`` (SQLite and PostgreSQL),
    in the same database as the records it describes, so an entry commits with its change.
    Every method blocks (database I/O). A store outage raises ``StoreUnavailable`` or
    ``StoreBusy``; a refused write ``IntegrityViolation`` or ``DataRejected`` (all
    ``StoreError``, ``hotline_tui.errors``); nothing of the failed call is written."""

    def append(self, entry: AuditEntry) -> int:
        """Write ``entry`` inside the caller's current transaction (or on its own when none is
        open); return its id. Raises StoreUnavailable or StoreBusy, DataRejected for a value
        the database refuses. Blocks."""
        ...

    def for_subject(self, subject_type: str, subject_id: str) -> list[AuditEntry]:
        """Entries about one subject, oldest first. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def by_action(self, action: str, after_id: int = 0, limit: int = 1000) -> list[AuditEntry]:
        """At most ``limit`` entries of ``action`` with an id above ``after_id``, oldest first
        (read on from the last id seen). Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def recent(self, limit: int = 100) -> list[AuditEntry]:
        """At most ``limit`` entries, newest first. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...
