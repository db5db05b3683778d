"""Supervisor actions on the switch: permission-checked, done through the SwitchPort, audited.

Every method is a coroutine. It raises PermissionDenied before touching the switch, the
port's LinkError / NotFound / HotlineError when the switch refuses, and writes one audit entry
per agent acted on (in a worker thread: the audit store blocks).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Collection, Iterable

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


class Supervisor:
    def __init__(self, port: sw.SwitchPort, access: Access, audit: AuditLog | None, clock: Clock):
        self.port, self.access, self.audit, self.clock = port, access, audit, clock

    async def _audit(self, actor: User, action: str, subject: str, before, after, note: str = "") -> None:
        if self.audit is None:
            return
        now = self.clock.now()
        await asyncio.to_thread(self.audit.append, AuditEntry(actor.name, action, "agent", subject, now, now,
                                                              before, after, note))

    async def set_status(self, actor: User, agents: Iterable[str], status: str,
                         before: dict[str, str] | None = None) -> list[tuple[str, str | None]]:
        """Set each agent's status; returns (agent, None) on success or (agent, error) per agent."""
        self.access.require(actor, "agents.control", "set agents' status")
        if status not in sw.AGENT_STATUSES:
            raise ValidationError(f"unknown agent status {status!r}")
        results: list[tuple[str, str | None]] = []
        for agent in agents:
            try:
                await self.port.set_agent_status(agent, status)
            except HotlineError as exc:
                results.append((agent, str(exc)))
                continue
            await self._audit(actor, "agent.set_status", agent, {"status": (before or {}).get(agent)}, {"status": status})
            results.append((agent, None))
        return results

    async def move_to_queue(self, actor: User, agents: Iterable[str], queue: str, level: int = 1) -> list[tuple[str, str | None]]:
        self.access.require(actor, "agents.control", "move agents between queues")
        results: list[tuple[str, str | None]] = []
        for agent in agents:
            try:
                await self.port.set_agent_tier(agent, queue, level)
            except HotlineError as exc:
                results.append((agent, str(exc)))
                continue
            await self._audit(actor, "agent.set_tier", agent, None, {"queue": queue, "level": level})
            results.append((agent, None))
        return results

    async def listen(self, actor: User, agent: str, mode: sw.ListenMode, contact: str) -> str:
        self.access.require(actor, "calls.listen", f"{mode} on a call")
        if not contact:
            raise ValidationError(f"user {actor.name} has no phone (contact) in roles.yaml to {mode} from")
        leg = await self.port.listen(agent, contact, mode)
        await self._audit(actor, f"call.{mode}", agent, None, {"supervisor_leg": leg, "contact": contact})
        return leg

    async def hangup(self, actor: User, call_uuid: str, agent: str = "") -> None:
        self.access.require(actor, "calls.control", "hang up a call")
        await self.port.hangup(call_uuid)
        await self._audit(actor, "call.hangup", agent or call_uuid, None, {"call": call_uuid})

    async def transfer(self, actor: User, call_uuid: str, destination: str, agent: str = "") -> None:
        self.access.require(actor, "calls.control", "transfer a call")
        await self.port.transfer(call_uuid, destination)
        await self._audit(actor, "call.transfer", agent or call_uuid, None, {"call": call_uuid, "to": destination})

    async def callback(self, actor: User, agent: str, number: str) -> str:
        self.access.require(actor, "calls.control", "originate a callback")
        uuid = await self.port.originate_callback(agent, number)
        await self._audit(actor, "call.originate_callback", agent, None, {"number": number, "call": uuid})
        return uuid

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
        after = {"status": status, "reason": reason} if reason else {"status": status}
        await self._audit(actor, "agent.set_status", actor.agent, {"status": before}, after, reason)
