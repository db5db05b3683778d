"""The board's line per node (issue 21): health from the link and the heartbeat's age; each
node's figures from its own agents and queues only."""

from __future__ import annotations

from hotline_tui import switch as sw
from hotline_tui.live.nodes import SILENT_AFTER_S, health_of, node_breakdown
from hotline_tui.live.views import AgentView, LiveSnapshot, QueueView


def test_health_follows_the_link_and_a_silent_heartbeat():
    now = 1000.0
    assert health_of(None, now) == "down"
    assert health_of(sw.NodeHealth("a", "", "down"), now) == "down"
    assert health_of(sw.NodeHealth("a", "", "reconnecting"), now) == "reconnecting"
    assert health_of(sw.NodeHealth("a", "", "connected", last_heartbeat=now - 20), now) == "ok"
    assert health_of(sw.NodeHealth("a", "", "connected", last_heartbeat=now - SILENT_AFTER_S - 1), now) == "silent"


def test_each_node_counts_its_own_agents_and_queues():
    agents = (AgentView("10001", "n1", "Available", "Waiting", 0, 0, 0, 0),
              AgentView("10002", "n1", "Available", "In a queue call", 0, 0, 0, 0),
              AgentView("10141", "n2", "On Break", "Waiting", 0, 0, 0, 0),
              AgentView("10142", "n2", "Logged Out", "Waiting", 0, 0, 0, 0))
    queues = (QueueView("hz-general@12345", "n1", 3, 40.0, None, 1, 1, 0, 0, 2),
              QueueView("nb-general@12345", "n2", 0, 0.0, None, 0, 0, 0, 1, 1),
              QueueView("zz-unserved@12345", "", 0, 0.0, None, 0, 0, 0, 0, 0))
    rows = node_breakdown(LiveSnapshot(0.0, queues, agents, ()),
                          [sw.NodeHealth("n1", "", "connected"), sw.NodeHealth("n2", "", "reconnecting")], 0.0)
    assert [(r.node, r.health, r.agents_in, r.available, r.on_call, r.on_break, r.waiting, r.longest_wait_s)
            for r in rows] == [("n1", "ok", 2, 1, 1, 0, 3, 40.0), ("n2", "reconnecting", 1, 0, 0, 1, 0, 0.0)]
