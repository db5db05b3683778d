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
    """Every configured switch node, merged. ``sink`` gets every node's domain events.

    Nodes are given at construction or added later with ``add`` (the embedded simulator's
    port is known only once it listens)."""

    def __init__(self, nodes: list[NodeConfig], sink: sw.EventSink, *, rng: random.Random | None = None,
                 agent_node: Callable[[str], str | None] = lambda agent: None,
                 agent_contact: Callable[[str], str] = lambda agent: f"user/{agent}"):
        self._rng = rng or random.Random()
        self._sink = sink
        self._nodes: dict[str, SwitchNode] = {}
        self._started = False
        self.agent_node, self.agent_contact = agent_node, agent_contact
        for c in nodes:
            self.add(c)

    def add(self, cfg: NodeConfig) -> SwitchNode:
        """Add a node; it connects at once if the cluster is already started (call inside the
        event loop then). Returns the node. Raises ValidationError if the name is taken."""
        if cfg.name in self._nodes:
            raise ValidationError(f"switch node {cfg.name!r} is configured twice")
        node = self._nodes[cfg.name] = SwitchNode(cfg, self._sink, rng=random.Random(self._rng.random()))
        if self._started:
            node.start()
        return node

    def node(self, name: str) -> SwitchNode:
        """The node called ``name`` (its health, its live connection). Raises NotFound."""
        try:
            return self._nodes[name]
        except KeyError:
            raise NotFound(f"no switch node {name!r}") from None

    async def connected(self, name: str, timeout_s: float | None = None) -> SwitchNode:
        """Wait until node ``name`` has connected and resynced (at once if it is up now); returns
        it. Raises NotFound for an unknown node and LinkError when ``timeout_s`` passes first."""
        node = self.node(name)
        try:
            await asyncio.wait_for(node.connected.wait(), timeout_s)
        except asyncio.TimeoutError:
            raise LinkError(f"{name}: not connected within {timeout_s:g} s") from None
        return node

    def start(self) -> None:
        """Connect every node (each keeps reconnecting until ``stop``). Call inside the event loop."""
        self._started = True
        for n in self._nodes.values():
            if n.task is None or n.task.done():
                n.start()

    async def stop(self) -> None:
        self._started = False
        await asyncio.gather(*(n.stop() for n in self._nodes.values()))

    def nodes_health(self) -> list[sw.NodeHealth]:
        return [n.health for n in self._nodes.values()]

    # SwitchPort ------------------------------------------------------------------------------
    def nodes(self) -> list[sw.NodeHealth]:
        return self.nodes_health()

    def _conn_for(self, agent: str | None = None, node: str | None = None) -> EslConnection:
        """The link to switch ``node``; with no node, to the agent's switch (``agent_node``), else
        to the first switch that is up. Raises NotFound for a node not configured, LinkError when
        the chosen node's link is down (an action never falls over to another switch: the same
        agent id there is another agent)."""
        name = node if node else (self.agent_node(agent) if agent else None)
        if name:
            chosen = self._nodes.get(name)
            if chosen is None:
                raise NotFound(f"no switch node {name!r}")
            if chosen.conn is None:
                raise LinkError(f"{name}: the switch link is down")
            return chosen.conn
        up = next((n for n in self._nodes.values() if n.conn is not None), None)
        if up is None or up.conn is None:
            raise LinkError("no switch link is up")
        return up.conn

    async def api(self, line: str, agent: str | None = None, node: str | None = None) -> str:
        """Run ``api line`` on ``node`` (or the agent's / first node up, see ``_conn_for``);
        returns the reply body. Raises NotFound, LinkError."""
        return await self._conn_for(agent, node).api(line)

    async def set_agent_status(self, agent: str, status: str, *, node: str | None = None) -> None:
        if status not in sw.AGENT_STATUSES:
            raise ValidationError(f"unknown agent status {status!r}")
        _ok(await self.api(f"callcenter_config agent set status {_token('agent', agent)} '{status}'", agent, node),
            f"set {agent} to {status}")

    async def listen(self, agent: str, supervisor_contact: str, mode: sw.ListenMode, *, node: str | None = None) -> str:
        _token("contact", supervisor_contact)
        conn = self._conn_for(agent, node)
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

    async def hangup(self, call_uuid: str, cause: str = "NORMAL_CLEARING", *, node: str | None = None) -> None:
        _ok(await self.api(f"uuid_kill {_token('uuid', call_uuid)} {_token('cause', cause)}", node=node),
            f"hang up {call_uuid}")

    async def transfer(self, call_uuid: str, destination: str, *, node: str | None = None) -> None:
        _ok(await self.api(f"uuid_transfer {_token('uuid', call_uuid)} {_token('destination', destination)}",
                           node=node), f"transfer {call_uuid}")

    async def set_caller_priority(self, session_uuid: str, queue: str, base_score: int, *,
                                  node: str | None = None) -> None:
        # mod_callcenter has no API to re-score a member: the score is read from the channel's
        # cc_base_score when the callcenter app queues it, so set it and queue the caller again.
        if not 0 <= int(base_score) <= 86400:
            raise ValidationError(f"bad priority {base_score!r} (0..86400)")
        u, q = _token("uuid", session_uuid), _token("queue", queue)
        _ok(await self.api(f"uuid_setvar {u} cc_base_score {int(base_score)}", node=node), f"priority of {u}")
        _ok(await self.api(f"uuid_transfer {u} {q}", node=node), f"requeue {u}")

    async def originate_callback(self, agent: str, number: str, *, node: str | None = None) -> str:
        if not _NUMBER.match(number or ""):
            raise ValidationError(f"bad phone number {number!r}")
        conn = self._conn_for(agent, node)
        contact = self.agent_contact(_token("agent", agent))
        result = _ok(await conn.bgapi(
            f"originate {{origination_caller_id_number=12345,hotline_callback=true}}{contact} {number} XML default"),
            f"callback {number}")
        return result.removeprefix("+OK").strip()

    async def set_agent_tier(self, agent: str, queue: str, level: int = 1, position: int = 1, *,
                             node: str | None = None) -> None:
        a, q = _token("agent", agent), _token("queue", queue)
        body = await self.api(f"callcenter_config tier add {q} {a} {int(level)} {int(position)}", agent, node)
        if "already exist" in body:
            body = await self.api(f"callcenter_config tier set level {q} {a} {int(level)}", agent, node)
        _ok(body, f"put {agent} in {queue}")
