"""The ports of the reports component: the handover sign-offs (交接班签字: who handed a shift over,
who received it, when), the switch links' lost / regained log, and the caller classes a report
reads. Implemented by ``backends.reports_store`` (SQLite and PostgreSQL, schema component
``reports``).

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


LINK_STATES = ("lost", "regained")


@dataclass(frozen=True)
class LinkChange:
    """One switch node's link lost or regained, as the switch adapter saw it (``LinkDown`` /
    ``LinkUp``, the same transitions as its ``NodeHealth.link``)."""

    node: str
    at: float           # epoch seconds
    state: str          # lost | regained
    reason: str = ""


class LinkLog(Protocol):
    def add_link_changes(self, changes: list[LinkChange]) -> int:
        """Store ``changes`` in one transaction, ignoring ones already stored (natural key node,
        state, time: INSERT … ON CONFLICT DO NOTHING, so a retried flush writes nothing twice);
        return how many were new. Raises StoreUnavailable or StoreBusy, DataRejected for a
        refused value (NUL); nothing is written then. Blocks."""
        ...

    def link_changes(self, since: float, until: float) -> list[LinkChange]:
        """The changes with ``since <= at < until``, by time then node. Raises StoreUnavailable
        or StoreBusy. Blocks."""
        ...


class CallerClasses(Protocol):
    def callers_of_class(self, classes: tuple[str, ...]) -> dict[str, str]:
        """Phone → class of every stored caller whose class is one of ``classes`` (e.g.
        blacklist, elderly; the ticket component's callers table, read only). Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...


class ReportsStore(SignoffStore, LinkLog, CallerClasses, Protocol):
    """Everything the reports component keeps or reads of its own."""
