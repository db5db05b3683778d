"""The board's per-node breakdown (issue 21): a provincial site runs several FreeSWITCH nodes;
the wallboard merges them (its queue rows and totals) and shows one line per node — its link
and heartbeat (health) next to its own queues' and agents' figures — so a node that is down or
silent is seen as that, not as a quiet hour.

Pure: a snapshot (every node's queues and agents carry their node) and the switch adapter's
``NodeHealth`` list in, rows out. Never blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..switch import NodeHealth
from .views import LiveSnapshot

#: The switch sends a HEARTBEAT every 20 s: two missed and the node is "silent" even while its
#: TCP link stands (a stalled switch).
SILENT_AFTER_S = 45.0


@dataclass(frozen=True, slots=True)
class NodeRow:
    node: str
    health: str                 # ok | silent | reconnecting | down
    link: str                   # NodeHealth.link
    heartbeat_age_s: float | None
    events_per_s: float
    agents_in: int              # logged in
    available: int
    on_call: int
    on_break: int
    waiting: int
    longest_wait_s: float
    answered_today: int


def health_of(h: NodeHealth | None, now: float) -> str:
    if h is None or h.link == "down":
        return "down"
    if h.link == "reconnecting":
        return "reconnecting"
    if h.last_heartbeat is not None and now - h.last_heartbeat > SILENT_AFTER_S:
        return "silent"
    return "ok"


def node_breakdown(snap: LiveSnapshot, nodes: list[NodeHealth], now: float) -> list[NodeRow]:
    """One row per node the adapter knows (in its order), then any node only the snapshot
    names (a replay: no health, so "down" is not claimed — its link shows as "—")."""
    health = {h.node: h for h in nodes}
    seen = {a.node for a in snap.agents} | {q.node for q in snap.queues}
    names = [h.node for h in nodes] + sorted(seen - set(health) - {""})   # "": a queue nobody serves
    rows = []
    for n in names:
        agents = [a for a in snap.agents if a.node == n and a.status != "Logged Out"]
        queues = [q for q in snap.queues if q.node == n]
        h = health.get(n)
        rows.append(NodeRow(
            node=n, health=health_of(h, now) if h is not None else "—", link=h.link if h else "—",
            heartbeat_age_s=(now - h.last_heartbeat) if h and h.last_heartbeat is not None else None,
            events_per_s=h.events_per_s if h else 0.0, agents_in=len(agents),
            available=sum(1 for a in agents if a.status.startswith("Available") and a.state == "Waiting"
                          and not a.wrap_up),
            on_call=sum(1 for a in agents if a.state in ("In a queue call", "Receiving")),
            on_break=sum(1 for a in agents if a.status == "On Break"),
            waiting=sum(q.waiting for q in queues),
            longest_wait_s=max((q.longest_wait_s for q in queues if q.waiting), default=0.0),
            answered_today=sum(k.answered for q in queues if (k := q.kpi.get("today")) is not None)))
    return rows
