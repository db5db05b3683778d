"""Supervisor actions on the switch: permission-checked, done through the SwitchPort, audited.

Every method is a coroutine. It raises PermissionDenied before touching the switch, the
port's LinkError / NotFound / HotlineError when the switch refuses, and writes one audit entry
per agent acted on (in a worker thread: the audit store blocks).
"""

from __future__ import annotations

import asyncio
from typing import Iterable

from . import switch as sw
from .access import Access, User
from .audit import AuditEntry, AuditLog
from .clock import Clock
from .errors import HotlineError, ValidationError


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
