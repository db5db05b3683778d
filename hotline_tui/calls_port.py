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


#: CallRecord.outcome of a visit a supervisor took out of the queue -> CallOutcome.taken
#: (calls.record_of writes them, the rebuild and the reports read them; docs/kpi.md).
TAKEN_BY_OUTCOME = {"picked_up": "picked_up", "transferred": "moved"}


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
    outcome: str             # answered | abandoned | timeout | no_agent | exit_key | transferred | picked_up
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
    state: str               # open | done | cancelled | unreachable (tries used up)
    note: str
    updated_at: float
    version: int = 1
    #: attempts made so far, and the epoch before which the task is not tried again (0: now)
    attempts: int = 0
    due_at: float = 0.0


@dataclass(frozen=True)
class CallbackAttempt:
    """One try at calling a citizen back: of an abandoned-call task (``kind`` "abandoned",
    ``ref`` the task id) or of a ticket's callback (回访, ``kind`` "ticket", ``ref`` the serial).
    Natural key: (kind, ref, attempt), attempt counting from 1."""

    kind: str
    ref: str
    attempt: int
    agent: str
    at: float
    result: str              # a code of desk.yaml callbacks.results (or satisfied | unsatisfied | unconfirmed)
    note: str = ""
    call_id: str = ""


@dataclass(frozen=True)
class AgentPresence:
    """An agent's status as a console or recorder last saw it on the switch ``node``."""

    node: str
    agent: str
    status: str              # Available | Available (On Demand) | On Break | Logged Out
    seen_at: float


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
        count a visit once) — except that a stored ``abandoned`` is replaced by a ``picked_up`` or
        ``transferred`` one (``TAKEN_BY_OUTCOME``: written by the console whose supervisor took the
        caller, which knows better than a recorder that saw only BREAK_OUT); return how many were
        new or replaced. Raises StoreUnavailable or StoreBusy, DataRejected for a refused value. Blocks."""
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

    def visit_sums(self, since: float, until: float, threshold_s: float, short_abandon_s: float,
                   slot_s: int, queue: str | None = None) -> list[tuple]:
        """The ``KpiSums`` of the records with ``since <= left_at < until`` (of ``queue``), per
        queue and slot (``int(left_at // slot_s)``), as tuples (queue, slot, offered, answered,
        abandoned, short, within, ab_within, short_within, wait_sum, talk_sum, handled,
        Σ max(wait, 0)), by queue and slot. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def staffed_spans(self, since: float, until: float, busy_states: tuple[str, ...],
                      off_statuses: tuple[str, ...]) -> list[tuple]:
        """(agent, started_at, ended_at) of the intervals overlapping ``[since, until)`` whose
        state is busy or whose status is not off, in ``intervals`` order. Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def add_callback(self, task: CallbackTask) -> int:
        """Insert ``task`` as an open task (its id, state and note are ignored); return its id.
        Raises StoreUnavailable or StoreBusy, DataRejected for a refused value. Blocks."""
        ...

    def open_callback_for(self, number: str) -> CallbackTask | None:
        """The open task for caller ``number``, or None. Raises StoreUnavailable or StoreBusy.
        Blocks."""
        ...

    def callbacks(self, state: str | None = "open", limit: int = 200, *,
                  assigned_to: str | None = None) -> list[CallbackTask]:
        """Tasks in ``state``, oldest abandon first (None: every task, newest first); at most
        ``limit``; only those assigned to ``assigned_to`` when given ("" = unassigned). Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def callback(self, task_id: int) -> CallbackTask | None:
        """The task with ``task_id``, or None. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def update_callback(self, task: CallbackTask, expected_version: int, audit: AuditEntry) -> CallbackTask:
        """Save ``task`` (assignee, state, note, attempts, due time; version already bumped)
        and append ``audit`` in one transaction; return ``task``. Raises ConflictError when the
        stored version is no longer ``expected_version``, StoreUnavailable or StoreBusy on an
        outage. Blocks."""
        ...

    def assign_callback(self, task_id: int, agents: list[str], at: float) -> str:
        """Give the open, unassigned task ``task_id`` to the next of ``agents`` (by id order)
        after the stored round-robin cursor, wrapping round, and move the cursor to it, in one
        transaction (the task's version goes up). Returns the agent, or "" when ``agents`` is
        empty or the task is no longer open and unassigned (then nothing changes: assigning
        twice is harmless). Two writers never give two tasks the same turn. Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def record_attempt(self, attempt: CallbackAttempt, task: CallbackTask | None, expected_version: int,
                       audit: AuditEntry | None) -> bool:
        """Store ``attempt`` and, when given, save ``task`` as ``update_callback`` does, with
        ``audit``, in one transaction. Returns False when that attempt (kind, ref, attempt) was
        already stored (nothing is changed then). Raises ConflictError (task version),
        StoreUnavailable or StoreBusy, DataRejected. Blocks."""
        ...

    def attempts(self, kind: str, refs: list[str]) -> list[CallbackAttempt]:
        """The attempts of ``kind`` at each of ``refs``, by ref then attempt. Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def save_presence(self, rows: list[AgentPresence]) -> int:
        """Upsert each agent's presence (by node and agent) in one transaction; returns how many
        rows were given. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def presence(self) -> list[AgentPresence]:
        """Every agent's last known presence, by agent then node. Raises StoreUnavailable or
        StoreBusy. Blocks."""
        ...

    def add_note(self, note: ShiftNote, audit: AuditEntry) -> int:
        """Store a handover note (its id ignored) and append ``audit`` in one transaction;
        return the note's id. Raises StoreUnavailable or StoreBusy, DataRejected for a
        refused value. Blocks."""
        ...

    def notes(self, shift_date: str, shift_name: str) -> list[ShiftNote]:
        """The shift's handover notes, oldest first. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...
