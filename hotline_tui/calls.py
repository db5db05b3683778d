"""Call records, abandoned-call callback tasks (呼损回拨) and shift handover notes.

``CallRecorder`` is a LiveState sink: every finished queue call becomes a ``CallRecord`` in the
store (written in batches off the UI loop by ``flush()``), so reports survive restarts. A caller
who hung up while waiting (not a short abandon) gets a ``CallbackTask``, assigned round-robin to
agents who are logged in; one open task per number (a caller who rings three times is called
back once). A supervisor reassigns tasks (``callbacks.assign``), audited. The records and the
store port they go through are in ``calls_port``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Callable, Mapping

from . import switch as sw
from .access import Access, User, mask_name, mask_phone, mask_text, sees_personal_data
from .audit import AuditEntry
from .calls_port import AgentInterval, AgentPresence, CallbackTask, CallRecord, CallStore, ShiftNote
from .clock import SITE_TZ, Clock
from .errors import (ConflictError, DataRejected, IntegrityViolation, NotFound, StoreError, ValidationError,
                     refuse_nul)
from .kpi import CallOutcome, KpiSettings


#: The longest callback note and agent name a task takes (characters; issue 14: every field).
CALLBACK_NOTE_MAX, AGENT_MAX = 2000, 64


def _fits(field: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise ValidationError(f"{field} is too long: {len(value)} characters, at most {limit}")
    return value


_OUTCOME = {"BREAK_OUT": "abandoned", "TIMEOUT": "timeout", "NO_AGENT_TIMEOUT": "no_agent",
            "EXIT_WITH_KEY": "exit_key"}


def record_of(o: CallOutcome, e: sw.MemberLeft) -> CallRecord:
    if o.taken == "picked_up":
        outcome = "picked_up"          # answered by the supervisor (docs/kpi.md)
    elif o.taken == "moved":
        outcome = "transferred"        # left for another queue, offered again there
    elif o.answered:
        outcome = "answered"
    else:
        outcome = _OUTCOME.get(e.cancel_reason, "abandoned" if o.abandoned else "cancelled")
    answered_at = o.joined_at + o.wait_s if o.answered else None
    return CallRecord(e.member_uuid, e.node, o.queue, e.caller_number, e.caller_name, o.agent, o.joined_at,
                      answered_at, o.left_at, outcome, o.wait_s, o.talk_s,
                      call_id=e.session_uuid, recording_id="", wrap_s=o.wrap_s if o.answered else 0.0)


#: The statuses in which an agent is given new callback tasks (logged in and not on break).
AVAILABLE = ("Available", "Available (On Demand)")


class CallbackAssigner:
    """Who new callback tasks go to: ``available`` gives the ids of the agents logged in and
    not on break (Available) now. The turn is kept in the store (``CallStore.assign_callback``:
    restart-proof, shared by every console and recorder); ``next()`` is the same round robin
    in memory, for callers without a store. ``roster``, when given, gives every agent's
    (node, id, status) on the switch: the recorder writes it to the store as agent presence,
    which the CLI checks before it reassigns a task."""

    def __init__(self, available: Callable[[], list[str]],
                 roster: Callable[[], list[tuple[str, str, str]]] | None = None):
        self.logged_in, self.roster, self._last = available, roster, ""

    def candidates(self) -> list[str]:
        """The agents a task may go to now, by id. Never blocks."""
        return sorted(set(self.logged_in()))

    def next(self) -> str:
        names = self.candidates()
        if not names:
            return ""
        later = [n for n in names if n > self._last]
        self._last = later[0] if later else names[0]
        return self._last


class CallRecorder:
    """LiveState sink. ``__call__`` (finished visits) and ``interval`` (finished agent
    status/state intervals) only queue (never block); ``flush()`` writes both (blocks; raises
    StoreError, and then keeps the intervals for the next flush). Writes are idempotent by the
    natural keys, so a console and ``hotline record`` on the same switch count everything once.

    One bad record never loses the others of its batch: each record (and each callback task) is
    checked on its own, and one the store refuses is set aside in ``rejected`` with a one-line
    reason while the rest are written."""

    #: How many refused records' reasons are kept (the newest).
    REJECTED_KEPT = 100
    #: Calls kept queued while the store is unavailable, at most (the oldest are dropped beyond).
    MAX_PENDING = 50_000

    #: Presence rows are rewritten at least this often (seconds) even when nothing changed,
    #: so the store's "last seen" stays fresh for the CLI's check.
    PRESENCE_REFRESH_S = 60.0

    def __init__(self, store: CallStore, settings: KpiSettings, assigner: CallbackAssigner | None = None,
                 now: Callable[[], float] = time.time):
        self.store, self.settings, self.assigner, self.now = store, settings, assigner, now
        self._unassigned = True                   # tasks left from before a restart: look once
        self._last_candidates: tuple[str, ...] = ()
        self._presence: dict[tuple[str, str], str] = {}
        self._presence_at = 0.0
        self._pending: list[tuple[CallOutcome, sw.MemberLeft]] = []
        self._lock = threading.Lock()
        self.written = 0
        self.callbacks_created = 0
        self.rejected: deque[str] = deque(maxlen=self.REJECTED_KEPT)
        self._intervals: list[AgentInterval] = []
        self.intervals_written = 0

    def interval(self, iv: AgentInterval) -> None:
        """LiveState interval sink: queue ``iv`` for the next ``flush``. Never blocks."""
        with self._lock:
            self._intervals.append(iv)

    def pending(self) -> tuple[int, int]:
        """(visits, intervals) queued and not yet written. Never blocks."""
        with self._lock:
            return len(self._pending), len(self._intervals)

    def _flush_intervals(self) -> None:
        with self._lock:
            ivs, self._intervals = self._intervals, []
        if not ivs:
            return
        try:
            self.intervals_written += self.store.add_intervals(ivs)
        except Exception:
            with self._lock:                      # keep them: the next flush tries again
                self._intervals[:0] = ivs
            raise

    def __call__(self, outcome: CallOutcome, event: sw.MemberLeft) -> None:
        with self._lock:
            self._pending.append((outcome, event))

    def flush(self) -> int:
        """Write the queued calls and their callback tasks. Returns how many calls were taken
        from the queue. Blocks (store I/O).

        Raises ``ValidationError`` — after writing everything else — when some records or tasks
        were refused (text with NUL, a value the store rejects), naming the first and how many:
        the console shows it in the engineer view's error list. Raises ``StoreError`` when the
        store is unavailable or busy; the calls not yet written are queued again for the next
        flush."""
        self._flush_intervals()
        self._save_presence()
        self._assign_waiting()
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return 0
        refused: list[str] = []
        good: list[tuple[CallOutcome, sw.MemberLeft, CallRecord]] = []
        for o, e in batch:
            rec = record_of(o, e)
            reason = _refusal(rec, f"call record {rec.member_uuid}")
            if reason:
                refused.append(reason)
            else:
                good.append((o, e, rec))
        try:
            self._write_records(good, refused)
        except StoreError:          # unavailable or busy: nothing of ``good`` is lost
            self._requeue([(o, e) for o, e, _ in good])
            raise
        for o, e, rec in good:
            if o.abandoned and o.wait_s >= self.settings.short_abandon_s and e.caller_number:
                try:
                    reason = self._callback_for(o, e)
                except (DataRejected, IntegrityViolation) as exc:
                    reason = f"callback task for {e.member_uuid}: {exc}"
                if reason:
                    refused.append(reason)
        self.rejected.extend(refused)
        if refused:
            raise ValidationError(f"{len(refused)} of {len(batch)} call record(s)/callback task(s) refused, the others"
                                  f" written; first: {refused[0]}")
        return len(batch)

    def _write_records(self, good: list[tuple[CallOutcome, sw.MemberLeft, CallRecord]], refused: list[str]) -> None:
        records = [rec for _, _, rec in good]
        try:
            self.written += self.store.add_records(records)
            return
        except (DataRejected, IntegrityViolation):
            pass            # the batch was rolled back whole: write one by one, set the bad ones aside
        kept = []
        for item in good:
            try:
                self.written += self.store.add_records([item[2]])
                kept.append(item)
            except (DataRejected, IntegrityViolation) as exc:
                refused.append(f"call record {item[2].member_uuid}: {exc}")
        good[:] = kept

    def _callback_for(self, o: CallOutcome, e: sw.MemberLeft) -> str:
        """Create the caller's callback task unless one is open; returns why it was refused, or ""."""
        if self.store.open_callback_for(e.caller_number) is not None:
            return ""
        task = CallbackTask(0, e.member_uuid, o.queue, e.caller_number, e.caller_name, o.left_at, "", "open", "",
                            o.left_at)
        reason = _refusal(task, f"callback task for {e.member_uuid}")
        if reason:
            return reason
        tid = self.store.add_callback(task)
        self.callbacks_created += 1
        if self.assigner is None:
            return ""
        try:
            agent = self.store.assign_callback(tid, self.assigner.candidates(), o.left_at)
        except StoreError:
            self._unassigned = True               # stored but not assigned: the next flush assigns it
            raise
        if not agent:
            self._unassigned = True               # nobody available: assigned when someone is
        return ""

    def _assign_waiting(self) -> None:
        """Give unassigned open tasks to the agents available now, when someone became
        available or tasks were left unassigned. Blocks; raises StoreError."""
        if self.assigner is None:
            return
        cands = tuple(self.assigner.candidates())
        if not cands or (cands == self._last_candidates and not self._unassigned):
            self._last_candidates = cands
            return
        self._last_candidates = cands
        waiting = self.store.callbacks("open", limit=500, assigned_to="")
        at = self.now()
        for t in waiting:
            self.store.assign_callback(t.id, list(cands), at)
        self._unassigned = len(waiting) == 500

    def _save_presence(self) -> None:
        """Write who is on the switch (changed rows, all of them every PRESENCE_REFRESH_S).
        Blocks; raises StoreError (the rows are written again at the next flush)."""
        if self.assigner is None or self.assigner.roster is None:
            return
        now = self.now()
        seen = {(node, agent): status for node, agent, status in self.assigner.roster()}
        full = now - self._presence_at >= self.PRESENCE_REFRESH_S
        rows = [AgentPresence(node, agent, status, now) for (node, agent), status in seen.items()
                if full or self._presence.get((node, agent)) != status]
        if rows:
            self.store.save_presence(rows)
        self._presence = seen
        if full:
            self._presence_at = now

    def _requeue(self, items: list[tuple[CallOutcome, sw.MemberLeft]]) -> None:
        with self._lock:
            self._pending[:0] = items
            if len(self._pending) > self.MAX_PENDING:
                del self._pending[: len(self._pending) - self.MAX_PENDING]


def _refusal(record: CallRecord | CallbackTask, where: str) -> str:
    """The one-line reason ``record`` is refused (text with NUL), or "" when it may be written."""
    try:
        refuse_nul(where, **{k: v for k, v in vars(record).items() if isinstance(v, str)})
    except ValidationError as exc:
        return str(exc)
    return ""


class CallbackService:
    """Abandoned-call tasks for supervisors: list, reassign, complete. ``fresh_s``: how old the
    agent presence in the store may be when a reassignment is checked against it (the CLI)."""

    def __init__(self, store: CallStore, access: Access, clock: Clock, *, fresh_s: float = 180.0):
        self.store, self.access, self.clock, self.fresh_s = store, access, clock, fresh_s

    def check_agent(self, agent: str, roster: Mapping[str, str] | None = None) -> None:
        """Refuse ``agent`` unless it is an agent on the switch and logged in. ``roster`` is
        agent id → status from the live picture (the console); without it, the agent presence
        that consoles and ``hotline record`` write to the store, no older than ``fresh_s``.
        Raises NotFound (no such agent), ValidationError (logged out, or presence too old).
        Blocks (the store, without ``roster``)."""
        if roster is None:
            rows = [p for p in self.store.presence() if p.agent == agent]
            if not rows:
                raise NotFound(f"agent {agent} is not an agent on the switch (no console or recorder has seen it)")
            now = self.clock.now().timestamp()
            fresh = [p for p in rows if now - p.seen_at <= self.fresh_s]
            if not fresh:
                age = int(now - max(p.seen_at for p in rows))
                raise ValidationError(f"agent {agent} was last seen {age} s ago (at most {int(self.fresh_s)} s): is a"
                                      " console or `hotline record` connected to the switch?")
            status = next((p.status for p in fresh if p.status != "Logged Out"), "Logged Out")
        else:
            if agent not in roster:
                raise NotFound(f"agent {agent} is not an agent on the switch")
            status = roster[agent]
        if status == "Logged Out":
            raise ValidationError(f"agent {agent} is logged out: callbacks go to a logged-in agent")

    def list(self, viewer: User, state: str | None = "open") -> list[CallbackTask]:
        """Callback tasks in ``state`` (None: all), masked for ``viewer``. Raises PermissionDenied."""
        self.access.require(viewer, "callers.read", "list callback tasks")
        return [masked_task(t, viewer) for t in self.store.callbacks(state)]

    def _change(self, actor: User, task_id: int, action: str, fn: Callable[[CallbackTask], CallbackTask],
                expected_version: int | None, note: str = "") -> CallbackTask:
        task = self.store.callback(task_id)
        if task is None:
            raise NotFound(f"callback task {task_id} not found")
        if expected_version is not None and expected_version != task.version:
            raise ConflictError(f"callback task {task_id}", expected_version, task.version)
        new = fn(task)
        now = self.clock.now()
        new = replace(new, updated_at=now.timestamp(), version=task.version + 1)
        entry = AuditEntry(actor.name, action, "callback", str(task_id), now, now,
                           {"assigned_to": task.assigned_to, "state": task.state},
                           {"assigned_to": new.assigned_to, "state": new.state}, note)
        return self.store.update_callback(new, task.version, entry)

    def reassign(self, actor: User, task_id: int, agent: str, *, expected_version: int | None = None,
                 roster: Mapping[str, str] | None = None) -> CallbackTask:
        """Give the open task to ``agent``, which must exist and be logged in (``check_agent``:
        ``roster`` from the live picture, else the store's fresh presence). Raises
        PermissionDenied, ValidationError, NotFound, ConflictError, StoreError. Blocks."""
        self.access.require(actor, "callbacks.assign", "reassign a callback task")
        if not agent:
            raise ValidationError("name the agent to assign the callback to")
        _fits("agent", agent, AGENT_MAX)
        self.check_agent(agent, roster)

        def fn(t: CallbackTask) -> CallbackTask:
            if t.state != "open":
                raise ValidationError(f"callback task {t.id} is {t.state}, only open tasks can be reassigned")
            return replace(t, assigned_to=agent)
        return masked_task(self._change(actor, task_id, "callback.reassign", fn, expected_version), actor)

    def complete(self, actor: User, task_id: int, note: str = "", *, reached: bool = True,
                 expected_version: int | None = None) -> CallbackTask:
        self.access.require(actor, "tickets.callback", "record a callback")
        _fits("note", note, CALLBACK_NOTE_MAX)

        def fn(t: CallbackTask) -> CallbackTask:
            if t.state != "open":
                raise ValidationError(f"callback task {t.id} is already {t.state}")
            return replace(t, state="done" if reached else "cancelled", note=note)
        return masked_task(self._change(actor, task_id, "callback.complete", fn, expected_version, note), actor)


def masked_task(task: CallbackTask, viewer: User) -> CallbackTask:
    """``task`` with the caller's number and name (and numbers in its note) masked for viewers
    without personal_data.view: what leaves CallbackService is always masked. Never blocks."""
    if sees_personal_data(viewer):
        return task
    return replace(task, caller_number=mask_phone(task.caller_number, viewer),
                   caller_name=mask_name(task.caller_name, viewer), note=mask_text(task.note, viewer))


def shift_of(at: datetime, settings: KpiSettings) -> tuple[str, str]:
    """(date of the shift's start, shift name) for a moment, by the configured shift starts."""
    local = at.astimezone(SITE_TZ)
    best = None
    for name, start in settings.shift_starts:
        s = local.replace(hour=start.hour, minute=start.minute, second=0, microsecond=0)
        if s > local:
            s -= timedelta(days=1)
        if best is None or s > best[0]:
            best = (s, name)
    assert best is not None
    return best[0].date().isoformat(), best[1]


class HandoverNotes:
    """Notes the lead writes during a shift, kept with the shift for the handover report."""

    def __init__(self, store: CallStore, access: Access, clock: Clock, settings: KpiSettings):
        self.store, self.access, self.clock, self.settings = store, access, clock, settings

    def add(self, actor: User, text: str) -> ShiftNote:
        self.access.require(actor, "handover.write", "write a handover note")
        text = text.strip()
        if not text:
            raise ValidationError("a handover note needs some text")
        if len(text) > 2000:
            raise ValidationError("a handover note is at most 2000 characters")
        now = self.clock.now()
        day, name = shift_of(now, self.settings)
        note = ShiftNote(0, day, name, actor.name, now.timestamp(), text)
        entry = AuditEntry(actor.name, "handover.note", "shift", f"{day} {name}", now, now, None, {"text": text})
        return replace(note, id=self.store.add_note(note, entry))

    def current(self, viewer: User) -> tuple[str, str, list[ShiftNote]]:
        self.access.require(viewer, "tickets.read", "read handover notes")
        day, name = shift_of(self.clock.now(), self.settings)
        return day, name, self.for_shift(viewer, day, name)

    def for_shift(self, viewer: User, day: str, name: str) -> list[ShiftNote]:
        """The shift's notes, oldest first, phone numbers in them masked for ``viewer``.
        Raises PermissionDenied without tickets.read. Blocks (the store)."""
        self.access.require(viewer, "tickets.read", "read handover notes")
        notes = self.store.notes(day, name)
        return notes if sees_personal_data(viewer) else [replace(n, text=mask_text(n.text, viewer)) for n in notes]
