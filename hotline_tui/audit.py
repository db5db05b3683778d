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
    def append(self, entry: AuditEntry) -> int:
        """Write ``entry`` inside the caller's current transaction; return its id. Blocks."""

    def for_subject(self, subject_type: str, subject_id: str) -> list[AuditEntry]:
        """Entries about one subject, oldest first. Blocks."""

    def recent(self, limit: int = 100) -> list[AuditEntry]:
        """Newest entries first. Blocks."""
