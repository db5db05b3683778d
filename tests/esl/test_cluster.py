"""SwitchCluster's public surface for the composition root: nodes added once their address is
known (the embedded simulator listens on a free port), looked up by name, waited for."""

from __future__ import annotations

import time

import pytest

from backends.freeswitch.client import NodeConfig
from backends.sim.server import EslServer
from hotline import build_simulator, build_switch
from hotline_tui.config import DEMO_DIR
from hotline_tui import switch as sw
from hotline_tui.errors import LinkError, NotFound, ValidationError
from hotline_tui.site import load_site


async def test_a_node_added_after_start_connects_and_can_be_waited_for():
    site = load_site(DEMO_DIR / "site.yaml")
    start = time.time() - 60
    cc = build_simulator(site, seed=3, start=start, until=start + 1)
    events: list[object] = []
    cluster = build_switch([], events.append)
    cluster.start()
    assert cluster.nodes() == []
    server = await EslServer(cc, port=0).start()
    try:
        cluster.add(NodeConfig("sim", "127.0.0.1", server.port, timeout_s=3, backoff_min_s=0.05, backoff_max_s=0.2))
        node = await cluster.connected("sim", timeout_s=20)
        assert node is cluster.node("sim")
        assert [(h.node, h.link, h.address) for h in cluster.nodes()] == [("sim", "connected", f"127.0.0.1:{server.port}")]
        assert any(isinstance(e, sw.LinkUp) for e in events)
        with pytest.raises(ValidationError):
            cluster.add(NodeConfig("sim", "127.0.0.1", server.port))
    finally:
        await cluster.stop()
        await server.close()


async def test_unknown_and_unreachable_nodes_are_typed_errors():
    cluster = build_switch([NodeConfig("fs1", "127.0.0.1", 1, timeout_s=0.2, backoff_min_s=0.05, backoff_max_s=0.1)],
                           lambda e: None)
    with pytest.raises(NotFound):
        cluster.node("fs2")
    with pytest.raises(NotFound):
        await cluster.connected("fs2")
    cluster.start()
    try:
        with pytest.raises(LinkError, match="not connected within"):
            await cluster.connected("fs1", timeout_s=0.3)
    finally:
        await cluster.stop()
