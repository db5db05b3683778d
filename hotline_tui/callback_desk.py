"""Callbacks worked from the agent desk (issue 17, docs/callbacks.md).

An agent's callback list holds two kinds of work, worked the same way: the abandoned-call tasks
(呼损回拨) assigned to the agent and due (not waiting for a retry), and the ticket callbacks
(回访) due — tickets in ``callback_pending``, shared by everyone who may call back. ``call``
rings the agent's own phone through the switch port, then the citizen; ``record`` stores the
attempt (``callback_attempts``) with what it did to the task or ticket:

- abandoned task: ``reached`` / ``refused`` close it done, ``wrong_number`` closes it
  cancelled, any other result keeps it open until ``retry_after`` has passed; the ``tries``-th
  failed attempt closes it ``unreachable``;
- ticket: satisfied / unsatisfied / unconfirmed go into the ticket through
  ``TicketService.callback`` (its rules, permission and audit); an unconfirmed one stays
  pending and comes back after ``retry_after``, and leaves the desk list after ``tries``
  attempts (the ticket handler archives or reopens it).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path

from . import switch as sw
from .access import Access, User
from .audit import AuditEntry, AuditLog
from .calls import masked_task
from .calls_port import CallbackAttempt, CallbackTask, CallStore
from .clock import Clock
from .config import load_yaml, validate
from .config_schema import CALLBACK_RESULTS, DeskFile
from .errors import ConflictError, NotFound, PermissionDenied, ValidationError
from .tickets.service import TicketService

#: What a result does to an abandoned-call task ("retry": stays open, tried again later).
#: ``refused``: the citizen was reached and wants no more calls — called back, so done.
RESULT_ENDS = {"reached": "done", "refused": "done", "wrong_number": "cancelled"}
#: The results of a ticket callback (回访), as the ticket keeps them.
TICKET_RESULTS = ("satisfied", "unsatisfied", "unconfirmed")
NOTE_MAX = 2000


@dataclass(frozen=True)
class CallbackSettings:
    tries: int = 3
    retry_after_s: float = 1800.0
    results: tuple[str, ...] = CALLBACK_RESULTS
    presence_fresh_s: float = 180.0


def load_callback_settings(config_dir: str | Path) -> CallbackSettings:
    """``callbacks:`` of ``desk.yaml`` in ``config_dir`` (the defaults without the file).
    Raises ConfigError naming file, line and key (``reached`` must be among the results, a
    result given twice is refused). Blocks (reads the file)."""
    path = Path(config_dir) / "desk.yaml"
    if not path.exists():
        return CallbackSettings()
    doc = load_yaml(path)
    spec = validate(doc, DeskFile).callbacks
    if "reached" not in spec.results:
        raise doc.error(("callbacks", "results"), "the results must include 'reached'")
    if len(set(spec.results)) != len(spec.results):
        raise doc.error(("callbacks", "results"), "a result appears twice")
    return CallbackSettings(spec.tries, spec.retry_after_min * 60, tuple(spec.results), float(spec.presence_fresh_s))


@dataclass(frozen=True)
class WorkItem:
    """One callback on the agent's list. ``kind`` "abandoned" (``ref`` the task id) or
    "ticket" (``ref`` the serial); ``since`` when the caller gave up / the callback is due;
    ``version`` the task's or ticket's, for the conflict check when the result is recorded."""

    kind: str
    ref: str
    number: str
    name: str
    where: str               # the queue (abandoned) or the ticket's category
    since: float
    attempts: int
    due_at: float
    version: int
    summary: str = ""        # the ticket's content, first line


class CallbackDesk:
    """The desk's callback list for agents. Blocks (store I/O) except ``call``, a coroutine."""

    def __init__(self, calls: CallStore, tickets: TicketService | None, access: Access, clock: Clock,
                 settings: CallbackSettings | None = None, audit: AuditLog | None = None):
        self.calls, self.tickets, self.access, self.clock = calls, tickets, access, clock
        self.settings = settings or CallbackSettings()
        self.audit = audit

    def results(self, kind: str) -> tuple[str, ...]:
        """The results an attempt of ``kind`` may record, in the order the desk offers them."""
        return TICKET_RESULTS if kind == "ticket" else self.settings.results

    def _agent(self, user: User, what: str) -> str:
        self.access.require(user, "tickets.callback", what)
        if not user.agent:
            raise PermissionDenied(user.name, "tickets.callback", f"{what} without an agent id in roles.yaml")
        return user.agent

    # -- the list ---------------------------------------------------------------------------
    def mine(self, user: User) -> list[WorkItem]:
        """The user's callbacks due now, oldest first: their open abandoned-call tasks not
        waiting for a retry, then the ticket callbacks due (with tickets.read). Numbers are
        masked for a role without personal_data.view. Raises PermissionDenied (no
        tickets.callback, or no agent id), StoreError. Blocks."""
        agent = self._agent(user, "work callbacks")
        now = self.clock.now().timestamp()
        tasks = [masked_task(t, user) for t in self.calls.callbacks("open", limit=500, assigned_to=agent)
                 if t.due_at <= now]
        items = [WorkItem("abandoned", str(t.id), t.caller_number, t.caller_name, t.queue, t.abandoned_at,
                          t.attempts, t.due_at, t.version) for t in tasks]
        return items + self._tickets_due(user, now)

    def _tickets_due(self, user: User, now: float) -> list[WorkItem]:
        if self.tickets is None or not user.can("tickets.read"):
            return []
        pending = self.tickets.search(user, state="callback_pending", limit=200)
        last: dict[str, float] = {}
        for a in self.calls.attempts("ticket", [t.serial for t in pending]):
            last[a.ref] = max(last.get(a.ref, 0.0), a.at)
        out = []
        for t in pending:
            if t.callback_attempts >= self.settings.tries:
                continue                           # tries used up: the ticket handler decides
            again = last[t.serial] + self.settings.retry_after_s if t.serial in last else 0.0
            if again > now:
                continue
            since = t.callback_due.timestamp() if t.callback_due else t.created_at.timestamp()
            out.append(WorkItem("ticket", t.serial, t.caller_phone, t.caller_name, t.category, since,
                                t.callback_attempts, again, t.version, t.content.splitlines()[0] if t.content else ""))
        return sorted(out, key=lambda i: (i.since, i.ref))

    def item(self, user: User, kind: str, ref: str) -> WorkItem:
        """The current state of one callback as a WorkItem (the CLI's ``result``), unmasked
        only for roles that see personal data. Raises NotFound, PermissionDenied, StoreError.
        Blocks."""
        self.access.require(user, "tickets.callback", "work callbacks")
        if kind == "ticket":
            if self.tickets is None:
                raise NotFound("no ticket service")
            t = self.tickets.get(user, ref)
            return WorkItem("ticket", t.serial, t.caller_phone, t.caller_name, t.category,
                            (t.callback_due or t.created_at).timestamp(), t.callback_attempts, 0.0, t.version)
        task = self._task(ref)
        m = masked_task(task, user)
        return WorkItem("abandoned", ref, m.caller_number, m.caller_name, m.queue, m.abandoned_at, m.attempts,
                        m.due_at, m.version)

    def _task(self, ref: str) -> CallbackTask:
        try:
            task = self.calls.callback(int(ref))
        except ValueError:
            raise ValidationError(f"callback task id must be a number, not {ref!r}") from None
        if task is None:
            raise NotFound(f"callback task {ref} not found")
        return task

    # -- calling back -------------------------------------------------------------------------
    def _number(self, user: User, agent: str, item: WorkItem) -> str:
        """The citizen's real number (the store's, never the masked one shown). Blocks."""
        if item.kind == "ticket":
            if self.tickets is None:
                raise NotFound("no ticket service")
            t = self.tickets.store.get(item.ref)
            if t is None:
                raise NotFound(f"ticket {item.ref} not found")
            return t.caller_phone
        task = self._task(item.ref)
        if task.state != "open":
            raise ValidationError(f"callback task {task.id} is {task.state}")
        if task.assigned_to != agent:
            raise ValidationError(f"callback task {task.id} is assigned to {task.assigned_to or 'nobody'}, not to you")
        return task.caller_number

    async def call(self, user: User, item: WorkItem, port: sw.SwitchPort) -> str:
        """Ring the user's own phone (their agent id, on the switch that has it), then the
        citizen; returns the new call's uuid. Audited as ``call.originate_callback``. Raises
        PermissionDenied (no tickets.callback or agent.self, no agent id), ValidationError (a
        task not open or not the user's, a bad number), NotFound, the port's LinkError /
        HotlineError, StoreError. Awaits the switch; the store runs in a thread."""
        agent = self._agent(user, "call a citizen back")
        self.access.require(user, "agent.self", "call a citizen back from your own phone")
        number = await asyncio.to_thread(self._number, user, agent, item)
        uuid = await port.originate_callback(agent, number)
        if self.audit is not None:
            now = self.clock.now()
            entry = AuditEntry(user.name, "call.originate_callback", "callback" if item.kind == "abandoned" else "ticket",
                               item.ref, now, now, None, {"agent": agent, "call": uuid, "kind": item.kind})
            await asyncio.to_thread(self.audit.append, entry)
        return uuid

    # -- the result -----------------------------------------------------------------------------
    def record(self, user: User, item: WorkItem, result: str, note: str = "", call_id: str = "") -> str:
        """Record one attempt at ``item`` with ``result`` (a code of ``results(item.kind)``);
        returns the task's or ticket's state after it (open, done, cancelled, unreachable; the
        ticket's state). Raises PermissionDenied, ValidationError (unknown result, a task not
        open or not the user's, a note too long), ConflictError (changed since listed:
        ``item.version``), NotFound, StoreError. Blocks."""
        if result not in self.results(item.kind):
            raise ValidationError(f"callback result must be one of {', '.join(self.results(item.kind))}, not {result!r}")
        if len(note) > NOTE_MAX:
            raise ValidationError(f"note is too long: {len(note)} characters, at most {NOTE_MAX}")
        if item.kind == "ticket":
            return self._record_ticket(user, item, result, note, call_id)
        agent = self._agent(user, "record a callback")
        task = self._task(item.ref)
        if task.version != item.version:
            raise ConflictError(f"callback task {task.id}", item.version, task.version)
        if task.state != "open":
            raise ValidationError(f"callback task {task.id} is already {task.state}")
        if task.assigned_to != agent:
            raise ValidationError(f"callback task {task.id} is assigned to {task.assigned_to or 'nobody'}, not to you")
        now = self.clock.now()
        n = task.attempts + 1
        state = RESULT_ENDS.get(result, "open")
        if state == "open" and n >= self.settings.tries:
            state = "unreachable"
        due = now.timestamp() + self.settings.retry_after_s if state == "open" else task.due_at
        new = replace(task, state=state, attempts=n, due_at=due, note=note or task.note, updated_at=now.timestamp(),
                      version=task.version + 1)
        entry = AuditEntry(user.name, "callback.attempt", "callback", item.ref, now, now,
                           {"state": task.state, "attempts": task.attempts},
                           {"state": state, "attempts": n, "result": result, "due_at": due}, note)
        attempt = CallbackAttempt("abandoned", item.ref, n, agent, now.timestamp(), result, note, call_id)
        if not self.calls.record_attempt(attempt, new, task.version, entry):
            raise ConflictError(f"callback task {task.id}", item.version, None)
        return state

    def _record_ticket(self, user: User, item: WorkItem, result: str, note: str, call_id: str) -> str:
        if self.tickets is None:
            raise NotFound("no ticket service")
        # one answer from the citizen: about the handling and the result alike
        t = self.tickets.callback(user, item.ref, result, result, note, expected_version=item.version)
        now = self.clock.now().timestamp()
        self.calls.record_attempt(CallbackAttempt("ticket", item.ref, t.callback_attempts, user.agent or user.name,
                                                  now, result, note, call_id), None, 0, None)
        return t.state
