"""Two (or more) simulated nodes over one shared mod_callcenter database (issue 21): what
``odbc-dsn`` + the default ``cc-instance-id`` do to a cluster, for tests and demos.

Each node's ``CallCenter`` keeps running its own calls; this object is the shared ``agents``
and ``members`` tables they would write. Every row carries ``instance_id='single_box'``. A node
that restarts (``restart``) does what mod_callcenter's load does to the shared tables: every
agent — of every node — to ``Waiting`` with the uuid cleared, every member ``Abandoned``, no
event; an agent's row is its node's again at that agent's next state change (the node writes
it). ``claim`` is the other quirk: a node's dispatcher reads every ``single_box`` member, so it
can serve another node's caller. Implements ``hotline_tui.live.drift.CallcenterTables``.
"""

from __future__ import annotations

from hotline_tui.live.drift import SharedAgent, SharedMember

from .events import SimEvent
from .model import CallCenter

INSTANCE_ID = "single_box"      # mod_callcenter's default cc-instance-id


class SharedTables:
    def __init__(self, nodes: dict[str, CallCenter]):
        self.nodes = nodes
        self.reset: set[str] = set()            # agents whose row a restart overwrote
        self.abandoned: set[str] = set()        # members a restart marked Abandoned
        self.claims: dict[str, str] = {}        # member uuid -> serving agent written by another node
        for cc in nodes.values():
            cc.listeners.append(self._event)

    def _event(self, ev: SimEvent) -> None:
        if ev.subclass == "callcenter::info" and ev.get("CC-Action") in ("agent-state-change", "agent-status-change"):
            self.reset.discard(ev.get("CC-Agent"))     # its node wrote the row again

    def restart(self, node: str) -> None:
        """``node`` (re)loads mod_callcenter: what it does to the shared tables."""
        for cc in self.nodes.values():
            self.reset.update(cc.agents)
            self.abandoned.update(cc.members)

    def claim(self, member_uuid: str, agent: str) -> None:
        """Another node's dispatcher offers ``member_uuid`` to its ``agent``."""
        self.claims[member_uuid] = agent

    def agents(self) -> list[SharedAgent]:
        return [SharedAgent(a.name, INSTANCE_ID, a.status, "Waiting" if a.name in self.reset else a.state,
                            "" if a.name in self.reset else a.uuid)
                for cc in self.nodes.values() for a in list(cc.agents.values())]

    def members(self) -> list[SharedMember]:
        return [SharedMember(m.uuid, m.queue, INSTANCE_ID, "Abandoned" if m.uuid in self.abandoned else m.state,
                             self.claims.get(m.uuid, m.serving_agent))
                for cc in self.nodes.values() for m in list(cc.members.values())]
