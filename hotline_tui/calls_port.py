"""The call store port: call records and agent intervals (the record, docs/record.md),
abandoned-call callback tasks (呼损回拨) and shift handover notes, with the records they hold.
Implemented by ``backends.calls_store`` (SQLite and PostgreSQL); used by ``hotline_tui.calls``
(recorder, callback service, handover notes) and ``hotline_tui.live.rebuild``.

Every method blocks (database I/O): call it from a worker thread or the console's periodic
jobs, never the UI loop. A store outage raises ``StoreUnavailable`` (database unreachable) or
``StoreBusy`` (locked, lock wait timed out); a write the database refuses raises
``IntegrityViolation`` or ``DataRejected``; all four are ``StoreError``
(``hotline_tui.errors``) and nothing of the failed call is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .audit import AuditEntry


@dataclass(frozen=True)
class CallRecord:
    member_uuid: str
    node: str
    queue: str
    caller_number: str
    caller_name: str
    agent: str
    joined_at: float
    answered_at: float | None
    left_at: float
    outcome: str             # answered | abandoned | timeout | no_agent | exit_key | transferred
    wait_s: float
    talk_s: float = 0.0
    #: The caller's call (the member's session uuid) and the switch's recording of it ("" when
    #: the switch gives none); after-call work credited to the visit (the serving agent's
    #: wrap-up time, docs/kpi.md AHT). Natural key: (node, member_uuid, joined_at, call_id): a
    #: caller who resumes keeps member uuid and join time but calls on a new session.
    call_id: str = ""
    recording_id: str = ""
    wrap_s: float = 0.0


@dataclass(frozen=True)
class AgentInterval:
    """One stretch of an agent in one status and state on one node, finished (``ended_at``).
    ``reason`` is the not-ready reason when the switch or the console knows one, else "".
    Natural key: (node, agent, started_at)."""

    node: str
    agent: str
    started_at: float
    ended_at: float
    status: str              # Available | Available (On Demand) | On Break | Logged Out
    state: str               # Waiting | Receiving | In a queue call | Idle | ...
    reason: str = ""


@dataclass(frozen=True)
class CallbackTask:
    id: int
    member_uuid: str
    queue: str
    caller_number: str
    caller_name: str
    abandoned_at: float
    assigned_to: str
    state: str               # open | done | cancelled
    note: str
    updated_at: float
    version: int = 1


@dataclass(frozen=True)
class ShiftNote:
    id: int
    shift_date: str          # YYYY-MM-DD of the shift's start (site time)
    shift_name: str
    author: str
    at: float
    text: str


class CallStore(Protocol):
    """Call records, callback tasks and shift notes."""

    def add_records(self, records: list[CallRecord]) -> int:
        """Insert ``records`` in one transaction, ignoring ones already stored (same node,
        member uuid, join time and call id: INSERT … ON CONFLICT DO NOTHING, so any number of writers
        count a visit once); return how many were new. Raises StoreUnavailable or StoreBusy,
        DataRejected for a refused value. Blocks."""
        ...

    def records(self, since: float, until: float | None = None, queue: str | None = None) -> list[CallRecord]:
        """Records with ``since <= left_at < until`` (of ``queue`` when given), oldest first.
        Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def add_intervals(self, intervals: list[AgentInterval]) -> int:
        """Insert ``intervals`` in one transaction, ignoring ones already stored (same node,
        agent and start: INSERT … ON CONFLICT), except that a stored interval without a reason
        takes the reason of one that has it; return how many were new or so completed. Raises
        StoreUnavailable or StoreBusy, DataRejected for a refused value. Blocks."""
        ...

    def intervals(self, since: float, until: float | None = None, agent: str | None = None) -> list[AgentInterval]:
        """Intervals that overlap ``[since, until)`` (``ended_at > since`` and, with ``until``,
        ``started_at < until``), of ``agent`` when given, by start then node and agent; not
        clipped to the period. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def add_callback(self, task: CallbackTask) -> int:
        """Insert ``task`` as an open task (its id, state and note are ignored); return its id.
        Raises StoreUnavailable or StoreBusy, DataRejected for a refused value. Blocks."""
        ...

    def open_callback_for(self, number: str) -> CallbackTask | None:
        """The open task for caller ``number``, or None. Raises StoreUnavailable or StoreBusy.
        Blocks."""
        ...

    def callbacks(self, state: str | None = "open", limit: int = 200) -> list[CallbackTask]:
        """Tasks in ``state``, oldest abandon first (None: every task, newest first); at most
        ``limit``. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def callback(self, task_id: int) -> CallbackTask | None:
        """The task with ``task_id``, or None. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def update_callback(self, task: CallbackTask, expected_version: int, audit: AuditEntry) -> CallbackTask:
        """Save ``task`` (version already bumped) and append ``audit`` in one transaction;
        return ``task``. Raises ConflictError when the stored version is no longer
        ``expected_version``, StoreUnavailable or StoreBusy on an outage. Blocks."""
        ...

    def add_note(self, note: ShiftNote, audit: AuditEntry) -> int:
        """Store a handover note (its id ignored) and append ``audit`` in one transaction;
        return the note's id. Raises StoreUnavailable or StoreBusy, DataRejected for a
        refused value. Blocks."""
        ...

    def notes(self, shift_date: str, shift_name: str) -> list[ShiftNote]:
        """The shift's handover notes, oldest first. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...
