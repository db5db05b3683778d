"""Supervisor actions on the switch: permission-checked, done through the SwitchPort, audited.

Every method is a coroutine. It raises PermissionDenied before touching the switch, the
port's LinkError / NotFound / HotlineError when the switch refuses, and writes one audit entry
per agent acted on (in a worker thread: the audit store blocks).

Agents are given by id (``"1001"``) or as ``switch.AgentRef(id, node)``: with several switches
each action goes to the node that owns the agent or call (the ``node`` of its view), and the
audit entry names the node (``after["node"]``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Awaitable, Callable, Collection, Iterable, Union

from . import switch as sw
from .access import Access, User
from .audit import AuditEntry, AuditLog
from .clock import Clock
from .config import load_yaml, validate
from .config_schema import DeskFile, NotReadyReason
from .errors import HotlineError, PermissionDenied, ValidationError

#: Not-ready reasons when the site's config has no desk.yaml.
DEFAULT_NOT_READY_REASONS: tuple[NotReadyReason, ...] = tuple(
    NotReadyReason(code=c, zh=zh, en=en) for c, zh, en in (
        ("break", "小休", "Break"), ("meal", "用餐", "Meal"), ("training", "培训", "Training"),
        ("meeting", "会议", "Meeting"), ("acw", "话后处理", "After-call work")))


def load_not_ready_reasons(config_dir: str | Path) -> tuple[NotReadyReason, ...]:
    """The agent desk's not-ready reasons from ``desk.yaml`` in ``config_dir`` (the defaults
    when there is none). Raises ConfigError naming file, line and key (a code given twice too).
    Blocks (reads the file)."""
    path = Path(config_dir) / "desk.yaml"
    if not path.exists():
        return DEFAULT_NOT_READY_REASONS
    doc = load_yaml(path)
    reasons = validate(doc, DeskFile).not_ready_reasons
    seen: set[str] = set()
    for i, r in enumerate(reasons):
        if r.code in seen:
            raise doc.error(("not_ready_reasons", i, "code"), f"reason {r.code!r} appears twice")
        seen.add(r.code)
    return tuple(reasons)


#: Hang-up reasons when desk.yaml has no ``hangup_reasons``.
DEFAULT_HANGUP_REASONS: tuple[NotReadyReason, ...] = tuple(
    NotReadyReason(code=c, zh=zh, en=en) for c, zh, en in (
        ("abusive", "骚扰辱骂", "Abusive caller"), ("silent", "无声电话", "Silent call"),
        ("test", "测试电话", "Test call"), ("stuck", "通话卡死", "Stuck call")))


def load_hangup_reasons(config_dir: str | Path) -> tuple[NotReadyReason, ...]:
    """A supervisor's hang-up reasons from ``desk.yaml`` ``hangup_reasons`` in ``config_dir``
    (the defaults when there is no file or no such key). Raises ConfigError naming file, line
    and key (a code given twice too). Blocks (reads the file)."""
    path = Path(config_dir) / "desk.yaml"
    if not path.exists():
        return DEFAULT_HANGUP_REASONS
    doc = load_yaml(path)
    reasons = validate(doc, DeskFile).hangup_reasons
    if not reasons:
        return DEFAULT_HANGUP_REASONS
    seen: set[str] = set()
    for i, r in enumerate(reasons):
        if r.code in seen:
            raise doc.error(("hangup_reasons", i, "code"), f"reason {r.code!r} appears twice")
        seen.add(r.code)
    return tuple(reasons)


Target = Union[str, sw.AgentRef]


def _ref(agent: Target) -> sw.AgentRef:
    return agent if isinstance(agent, sw.AgentRef) else sw.AgentRef(agent)


def _where(ref: sw.AgentRef, after: dict) -> dict:
    return {**after, "node": ref.node} if ref.node else after


class Supervisor:
    """``sink``: the live picture's event sink (``LiveState.apply``, the recorder before it):
    told with ``switch.CallerTaken`` which waiting callers a pick-up or a move takes out of
    their queue, so the day's figures count them right (docs/kpi.md)."""

    def __init__(self, port: sw.SwitchPort, access: Access, audit: AuditLog | None, clock: Clock,
                 sink: Callable[[sw.CallerTaken], None] | None = None):
        self.port, self.access, self.audit, self.clock, self.sink = port, access, audit, clock, sink
        #: Told (agent, status, reason) when the desk's own status change is taken by the switch, so
        #: the agent intervals carry the not-ready reason (``LiveState.note_reason``).
        self.status_sinks: list[Callable[[str, str, str], None]] = []

    async def _take(self, session_uuid: str, node: str | None, how: str, action: Awaitable[None]) -> None:
        """Run ``action`` (the transfer taking the waiting caller out of their queue), the live
        picture told first (the switch's member-queue-end comes after it) and told again to
        forget when it fails."""
        def note(h: str) -> None:
            if self.sink is not None:
                self.sink(sw.CallerTaken(node or "", self.clock.now().timestamp(), session_uuid, h))
        note(how)
        try:
            await action
        except BaseException:
            note("")
            raise

    async def _audit(self, actor: User, action: str, subject: str, before, after, note: str = "",
                     subject_type: str = "agent") -> None:
        """The one audit path of every supervisor action (issue 18: who listened to whom, when)."""
        if self.audit is None:
            return
        now = self.clock.now()
        await asyncio.to_thread(self.audit.append, AuditEntry(actor.name, action, subject_type, subject, now, now,
                                                              before, after, note))

    async def set_status(self, actor: User, agents: Iterable[Target], status: str,
                         before: dict[str, str] | None = None) -> list[tuple[str, str | None]]:
        """Set each agent's status on its own switch; returns (label, None) on success or
        (label, error) per agent, ``label`` being ``AgentRef.label()`` (the id for a plain id).
        ``before``: status now by label, for the audit."""
        self.access.require(actor, "agents.control", "set agents' status")
        if status not in sw.AGENT_STATUSES:
            raise ValidationError(f"unknown agent status {status!r}")
        results: list[tuple[str, str | None]] = []
        for ref in map(_ref, agents):
            label = ref.label()
            try:
                await self.port.set_agent_status(ref.agent, status, node=ref.node)
            except HotlineError as exc:
                results.append((label, str(exc)))
                continue
            await self._audit(actor, "agent.set_status", ref.agent, {"status": (before or {}).get(label)},
                              _where(ref, {"status": status}))
            results.append((label, None))
        return results

    async def move_to_queue(self, actor: User, agents: Iterable[Target], queue: str,
                            level: int = 1) -> list[tuple[str, str | None]]:
        """Put each agent in ``queue`` on its own switch; returns (label, error or None) per agent."""
        self.access.require(actor, "agents.control", "move agents between queues")
        results: list[tuple[str, str | None]] = []
        for ref in map(_ref, agents):
            label = ref.label()
            try:
                await self.port.set_agent_tier(ref.agent, queue, level, node=ref.node)
            except HotlineError as exc:
                results.append((label, str(exc)))
                continue
            await self._audit(actor, "agent.set_tier", ref.agent, None, _where(ref, {"queue": queue, "level": level}))
            results.append((label, None))
        return results

    async def listen(self, actor: User, agent: Target, mode: sw.ListenMode, contact: str) -> str:
        """Listen / whisper / barge on the agent's call from ``contact``, on the agent's switch;
        returns the supervisor leg's uuid."""
        self.access.require(actor, "calls.listen", f"{mode} on a call")
        if not contact:
            raise ValidationError(f"user {actor.name} has no phone (contact) in roles.yaml to {mode} from")
        ref = _ref(agent)
        leg = await self.port.listen(ref.agent, contact, mode, node=ref.node)
        await self._audit(actor, f"call.{mode}", ref.agent, None, _where(ref, {"supervisor_leg": leg, "contact": contact}))
        return leg

    async def hangup(self, actor: User, call_uuid: str, agent: str = "", *, node: str | None = None,
                     reason: str = "", reasons: Collection[str] | None = None) -> None:
        """Hang up the call (the caller's channel ``call_uuid``) on switch ``node`` (the call
        view's node) with ``reason``, a code of ``reasons`` (desk.yaml ``hangup_reasons``) when
        given. Raises PermissionDenied, ValidationError (no reason or an unknown one while
        ``reasons`` is given), the port's LinkError / NotFound / HotlineError. Audited as
        ``call.hangup`` with the reason (after's ``reason`` and the note)."""
        self.access.require(actor, "calls.control", "hang up a call")
        if reasons is not None and reason not in reasons:
            raise ValidationError(f"hang-up needs a reason of desk.yaml hangup_reasons ({', '.join(reasons)}), "
                                  f"not {reason!r}")
        await self.port.hangup(call_uuid, node=node)
        after = {"call": call_uuid, **({"reason": reason} if reason else {})}
        await self._audit(actor, "call.hangup", agent or call_uuid, None, _where(sw.AgentRef(agent, node), after),
                          reason)

    async def pick_up(self, actor: User, session_uuid: str, queue: str = "", *, node: str | None = None) -> str:
        """Take the waiting caller on channel ``session_uuid`` (switch ``node``) out of ``queue``
        to the supervisor's own phone (``actor.contact``, roles.yaml): ``uuid_transfer`` to the
        extension. Returns the extension. Raises PermissionDenied, ValidationError (no phone),
        the port's errors. Audited as ``call.pick_up``."""
        self.access.require(actor, "calls.control", "pick up a waiting caller")
        if not actor.contact:
            raise ValidationError(f"user {actor.name} has no phone (contact) in roles.yaml to pick up on")
        await self._take(session_uuid, node, "picked_up", self.port.transfer(session_uuid, actor.contact, node=node))
        await self._audit(actor, "call.pick_up", session_uuid, {"queue": queue},
                          _where(sw.AgentRef("", node), {"to": actor.contact}), subject_type="call")
        return actor.contact

    async def move_caller(self, actor: User, session_uuid: str, queue: str, to_queue: str, *,
                          node: str | None = None) -> None:
        """Move the waiting caller on channel ``session_uuid`` from ``queue`` to ``to_queue``
        (``uuid_transfer`` to the queue; the caller keeps their priority). Raises
        PermissionDenied, the port's errors. Audited as ``call.move``."""
        self.access.require(actor, "calls.control", "move a waiting caller")
        await self._take(session_uuid, node, "moved", self.port.transfer(session_uuid, to_queue, node=node))
        await self._audit(actor, "call.move", session_uuid, {"queue": queue},
                          _where(sw.AgentRef("", node), {"queue": to_queue}), subject_type="call")

    async def raise_priority(self, actor: User, session_uuid: str, queue: str, priority: int, *,
                             before: int = 0, node: str | None = None) -> None:
        """Give the waiting caller on channel ``session_uuid`` the base score ``priority`` in
        ``queue`` (``before``: their priority now, for the audit). Raises PermissionDenied,
        ValidationError (not above ``before``), the port's errors. Audited as ``call.priority``."""
        self.access.require(actor, "calls.control", "raise a caller's priority")
        if priority <= before:
            raise ValidationError(f"priority {priority} is not above the caller's {before}")
        # queued again with the new score: the visit ends as a move into the same queue
        await self._take(session_uuid, node, "moved",
                         self.port.set_caller_priority(session_uuid, queue, priority, node=node))
        await self._audit(actor, "call.priority", session_uuid, {"priority": before, "queue": queue},
                          _where(sw.AgentRef("", node), {"priority": priority, "queue": queue}), subject_type="call")

    async def transfer(self, actor: User, call_uuid: str, destination: str, agent: str = "", *,
                       node: str | None = None) -> None:
        """Transfer the call on switch ``node`` to ``destination``."""
        self.access.require(actor, "calls.control", "transfer a call")
        await self.port.transfer(call_uuid, destination, node=node)
        await self._audit(actor, "call.transfer", agent or call_uuid, None,
                          _where(sw.AgentRef(agent, node), {"call": call_uuid, "to": destination}))

    async def callback(self, actor: User, agent: Target, number: str) -> str:
        """Ring the agent on its switch, then ``number``; returns the new call's uuid."""
        self.access.require(actor, "calls.control", "originate a callback")
        ref = _ref(agent)
        uuid = await self.port.originate_callback(ref.agent, number, node=ref.node)
        await self._audit(actor, "call.originate_callback", ref.agent, None,
                          _where(ref, {"number": number, "call": uuid}))
        return uuid

    def pause_reason(self, agent: str) -> tuple[str, str] | None:
        """Why ``agent`` is on break, from the audit log: (reason code or "", who set it) of the
        latest ``agent.set_status`` to On Break, or None when the log has none (set on the phone
        or by another system). mod_callcenter keeps no reason: the desk's audited one is the
        only record. Raises StoreError. Blocks (one read)."""
        if self.audit is None:
            return None
        for e in reversed(self.audit.for_subject("agent", agent)):
            if e.action == "agent.set_status":
                after = e.after if isinstance(e.after, dict) else {}
                if after.get("status") != "On Break":
                    return None
                return str(after.get("reason") or e.note or ""), e.actor
        return None

    async def set_own_status(self, actor: User, status: str, reason: str = "", *, before: str | None = None,
                             reasons: Collection[str] | None = None) -> None:
        """The agent at the desk sets their own status (``actor.agent``, never another agent's):
        log in / ready = Available, not ready = On Break with a ``reason`` (a code of
        ``reasons`` when given), log out = Logged Out. Returns when the switch took it.
        Raises PermissionDenied (no ``agent.self``, or the user has no agent id),
        ValidationError (unknown status, not ready without a reason or with an unknown one),
        the port's LinkError / HotlineError. Audited as ``agent.set_status`` with before/after
        and the reason (after's ``reason`` and the entry's note) for the reports."""
        self.access.require(actor, "agent.self", "set your own agent status")
        if not actor.agent:
            raise PermissionDenied(actor.name, "agent.self", "set an agent status without an agent id in roles.yaml")
        if status not in sw.AGENT_STATUSES:
            raise ValidationError(f"unknown agent status {status!r}")
        if status == "On Break" and not reason:
            raise ValidationError("not ready needs a reason")
        if reason and reasons is not None and reason not in reasons:
            raise ValidationError(f"unknown not-ready reason {reason!r} (desk.yaml: {', '.join(reasons)})")
        reason = reason if status == "On Break" else ""
        await self.port.set_agent_status(actor.agent, status)
        for sink in self.status_sinks:
            sink(actor.agent, status, reason)
        after = {"status": status, "reason": reason} if reason else {"status": status}
        await self._audit(actor, "agent.set_status", actor.agent, {"status": before}, after, reason)
