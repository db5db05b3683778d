"""The port of the handover sign-offs (交接班签字): who handed a shift over, who received it, when.
Implemented by ``backends.reports_store`` (SQLite and PostgreSQL, schema component ``reports``).

Every method blocks (database I/O). An outage raises ``StoreUnavailable`` or ``StoreBusy``; a
refused write ``IntegrityViolation`` or ``DataRejected`` (``hotline_tui.errors``, all
``StoreError``); nothing of a failed call is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..audit import AuditEntry

ROLES = ("handed_over", "received")


@dataclass(frozen=True)
class Signoff:
    shift_date: str     # YYYY-MM-DD of the shift's start (site time); "" for a free period
    shift_name: str
    period_from: float  # the period signed for (epoch seconds)
    period_to: float
    role: str           # handed_over | received
    user: str
    at: float           # when it was signed (epoch seconds)
    id: int = 0


class SignoffStore(Protocol):
    def add_signoff(self, s: Signoff, audit: AuditEntry) -> int:
        """Store ``s`` (its id ignored) and append ``audit`` in one transaction; return the id.
        Raises StoreUnavailable or StoreBusy, DataRejected for a refused value. Blocks."""
        ...

    def signoffs(self, period_from: float, period_to: float) -> list[Signoff]:
        """The sign-offs of exactly that period, oldest first. Raises StoreUnavailable or
        StoreBusy. Blocks."""
        ...
