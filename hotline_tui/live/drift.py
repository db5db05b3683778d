"""mod_callcenter on a shared database (issue 21): drift between each node's live picture and
the shared tables.

Several FreeSWITCH nodes can share mod_callcenter's tables over ODBC (``odbc-dsn``). Its agent
rows carry ``instance_id='single_box'`` whatever the node, and a node that (re)loads the module
resets every agent to ``Waiting`` (uuid cleared) and marks members ``Abandoned`` — without an
event — whichever node they belong to. The console's picture of each node is built from that
node's events, so the two can disagree; ``drift`` names where:

- ``agent-reset``: a node's picture has the agent on a call, the shared row says ``Waiting``
  with no uuid (another node restarted under the live call: the next dispatch may offer the
  agent a second call);
- ``member-two-nodes``: a member whose caller is in one node's picture is served (shared row's
  ``serving_agent``) by an agent of another node — the other node's dispatcher claimed it, as it
  reads every ``single_box`` member.

Pure; never blocks. The tables come through ``CallcenterTables`` (the simulator's shared state
today: ``backends.sim.shared``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .views import LiveSnapshot


@dataclass(frozen=True, slots=True)
class SharedAgent:
    name: str
    instance_id: str
    status: str
    state: str
    uuid: str = ""


@dataclass(frozen=True, slots=True)
class SharedMember:
    uuid: str
    queue: str
    instance_id: str
    state: str
    serving_agent: str = ""


@dataclass(frozen=True, slots=True)
class Drift:
    kind: str          # agent-reset | member-two-nodes
    subject: str       # the agent or the member uuid
    nodes: tuple[str, ...]
    detail: str


class CallcenterTables(Protocol):
    """mod_callcenter's shared ``agents`` and ``members`` tables, as every node sees them."""

    def agents(self) -> list[SharedAgent]:
        """Every agent row. Blocks (one read); raises StoreError or LinkError when unreachable."""
        ...

    def members(self) -> list[SharedMember]:
        """Every member row. Blocks (one read); raises StoreError or LinkError when unreachable."""
        ...


ON_CALL = ("In a queue call", "Receiving")


def drift(snap: LiveSnapshot, agents: list[SharedAgent], members: list[SharedMember]) -> list[Drift]:
    shared = {a.name: a for a in agents}
    out: list[Drift] = []
    for a in snap.agents:
        row = shared.get(a.name)
        if row is not None and (a.state in ON_CALL or a.current_call) and row.state == "Waiting" and not row.uuid:
            out.append(Drift("agent-reset", a.name, (a.node,),
                             f"{a.node} shows {a.name} {a.state}; the shared table says Waiting"))
    agent_nodes: dict[str, set[str]] = {}
    for a in snap.agents:
        agent_nodes.setdefault(a.name, set()).add(a.node)
    member_node: dict[str, str] = {c.uuid: c.node for c in snap.calls}
    for q in snap.queues:
        for w in q.callers:
            member_node.setdefault(w.member_uuid, q.node)
    for m in members:
        home = member_node.get(m.uuid)
        serving = agent_nodes.get(m.serving_agent, set()) if m.serving_agent else set()
        if home and serving and home not in serving:
            out.append(Drift("member-two-nodes", m.uuid, (home, *sorted(serving)),
                             f"caller on {home}, claimed by {m.serving_agent} on {', '.join(sorted(serving))}"))
    return out
