"""SwitchPort over one or more switch nodes: supervisor actions as ESL commands.

Arguments are checked against strict patterns before they are put on a command line, so a
name or number can never smuggle a second command or extra arguments to the switch.
"""

from __future__ import annotations

import asyncio
import random
import re
from typing import Callable

from hotline_tui import switch as sw
from hotline_tui.errors import HotlineError, LinkError, NotFound, ValidationError

from .client import EslConnection, NodeConfig, SwitchNode

_TOKEN = re.compile(r"^[\w@.+:\-]{1,128}$")
_NUMBER = re.compile(r"^\+?\d{2,20}$")


def _token(kind: str, value: str) -> str:
    if not _TOKEN.match(value or ""):
        raise ValidationError(f"bad {kind} {value!r}")
    return value


def _ok(body: str, what: str) -> str:
    text = body.strip()
    if text.startswith("-ERR") or text.startswith("-USAGE"):
        msg = text.splitlines()[0]
        if "not found" in msg.lower() or "no such channel" in msg.lower():
            raise NotFound(f"{what}: {msg}")
        raise HotlineError(f"{what}: switch said {msg}")
    return text


class SwitchCluster:
    """Every configured switch node, merged. ``sink`` gets every node's domain events."""

    def __init__(self, nodes: list[NodeConfig], sink: sw.EventSink, *, rng: random.Random | None = None,
                 agent_node: Callable[[str], str | None] = lambda agent: None,
                 agent_contact: Callable[[str], str] = lambda agent: f"user/{agent}"):
        rng = rng or random.Random()
        self._nodes = {c.name: SwitchNode(c, sink, rng=random.Random(rng.random())) for c in nodes}
        self.agent_node, self.agent_contact = agent_node, agent_contact

    def start(self) -> None:
        for n in self._nodes.values():
            n.start()

    async def stop(self) -> None:
        await asyncio.gather(*(n.stop() for n in self._nodes.values()))

    def nodes_health(self) -> list[sw.NodeHealth]:
        return [n.health for n in self._nodes.values()]

    # SwitchPort ------------------------------------------------------------------------------
    def nodes(self) -> list[sw.NodeHealth]:
        return self.nodes_health()

    def _conn_for(self, agent: str | None = None) -> EslConnection:
        """The link to the agent's switch, else to any switch that is up. Raises LinkError."""
        name = self.agent_node(agent) if agent else None
        node = self._nodes.get(name) if name else None
        if node is None:
            node = next((n for n in self._nodes.values() if n.conn is not None), None)
        if node is None or node.conn is None:
            raise LinkError("no switch link is up")
        return node.conn

    async def api(self, line: str, agent: str | None = None) -> str:
        return await self._conn_for(agent).api(line)

    async def set_agent_status(self, agent: str, status: str) -> None:
        if status not in sw.AGENT_STATUSES:
            raise ValidationError(f"unknown agent status {status!r}")
        _ok(await self.api(f"callcenter_config agent set status {_token('agent', agent)} '{status}'", agent),
            f"set {agent} to {status}")

    async def listen(self, agent: str, supervisor_contact: str, mode: sw.ListenMode) -> str:
        _token("contact", supervisor_contact)
        conn = self._conn_for(agent)
        body = await conn.api(f"callcenter_config agent get uuid {_token('agent', agent)}")
        target = body.strip()
        if not target or target.startswith("-ERR"):
            raise NotFound(f"agent {agent} is not on a call")
        app = {"listen": f"&eavesdrop({_token('uuid', target)})",
               "whisper": f"&eavesdrop({_token('uuid', target)})",
               "barge": f"&three_way({_token('uuid', target)})"}[mode]
        vars_ = "{origination_caller_id_name=hotline-" + mode + ",eavesdrop_enable_dtmf=true"
        if mode == "whisper":
            vars_ += ",eavesdrop_whisper_aleg=true"
        vars_ += "}"
        result = _ok(await conn.bgapi(f"originate {vars_}user/{supervisor_contact} {app}"), f"{mode} {agent}")
        return result.removeprefix("+OK").strip()

    async def hangup(self, call_uuid: str, cause: str = "NORMAL_CLEARING") -> None:
        _ok(await self.api(f"uuid_kill {_token('uuid', call_uuid)} {_token('cause', cause)}"), f"hang up {call_uuid}")

    async def transfer(self, call_uuid: str, destination: str) -> None:
        _ok(await self.api(f"uuid_transfer {_token('uuid', call_uuid)} {_token('destination', destination)}"),
            f"transfer {call_uuid}")

    async def originate_callback(self, agent: str, number: str) -> str:
        if not _NUMBER.match(number or ""):
            raise ValidationError(f"bad phone number {number!r}")
        conn = self._conn_for(agent)
        contact = self.agent_contact(_token("agent", agent))
        result = _ok(await conn.bgapi(
            f"originate {{origination_caller_id_number=12345,hotline_callback=true}}{contact} {number} XML default"),
            f"callback {number}")
        return result.removeprefix("+OK").strip()

    async def set_agent_tier(self, agent: str, queue: str, level: int = 1, position: int = 1) -> None:
        a, q = _token("agent", agent), _token("queue", queue)
        body = await self.api(f"callcenter_config tier add {q} {a} {int(level)} {int(position)}", agent)
        if "already exist" in body:
            body = await self.api(f"callcenter_config tier set level {q} {a} {int(level)}", agent)
        _ok(body, f"put {agent} in {queue}")
