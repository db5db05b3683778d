"""Against the simulator over real TCP: right after the console connects to a busy switch, every
agent's time in state, calls today and talk today are the switch's own (agent list), not the
time of the connect and not zero."""

from __future__ import annotations

import random
import time

import pytest

from backends.freeswitch.client import EslConnection, NodeConfig
from backends.freeswitch.port import SwitchCluster
from backends.freeswitch.resync import parse_table
from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from hotline_tui.config import DEMO_DIR
from hotline_tui.live.state import LiveState
from hotline_tui.site import load_site
from tests.waiting import wait_until_async

T0 = 1795402800.0


@pytest.mark.timeout(60)
async def test_first_connect_seeds_time_in_state_calls_and_talk_from_the_agent_table():
    site = load_site(DEMO_DIR / "site.yaml")
    cc = CallCenter(site, seed=5, start=T0)
    cc.run_until(T0 + 1800)                       # half an hour of calls before the console connects
    server = await EslServer(cc, port=0).start()
    state = LiveState()
    cluster = SwitchCluster([NodeConfig("fs1", "127.0.0.1", server.port, timeout_s=3)], state.apply,
                            rng=random.Random(1))
    node = cluster._nodes["fs1"]
    cluster.start()
    try:
        await wait_until_async(lambda: node.health.link == "connected", timeout=15, what="the link up",
                               show=lambda: node.health)
        await cluster.api("status")
        probe = await EslConnection.open(NodeConfig("probe", "127.0.0.1", server.port), lambda ev: None)
        try:
            rows = {r["name"]: r for r in parse_table(await probe.api("callcenter_config agent list"))}
        finally:
            await probe.close()
        # the resync is dated by the node's wall clock: read "today" on that clock's day
        views = {a.name: a for a in state.snapshot(time.time()).agents}
        assert set(views) == set(rows)
        on_call = [n for n, r in rows.items() if r["state"] == "In a queue call"]
        worked = [n for n, r in rows.items() if int(r["calls_answered"]) > 0]
        assert len(on_call) > 20 and len(worked) > 20     # a busy switch, not empty tables
        for n, r in rows.items():
            v = views[n]
            assert (v.calls_today, v.talk_time_today_s) == (int(r["calls_answered"]), float(r["talk_time"])), n
            if n in on_call:
                # since the bridge started, not since the last status change
                assert v.since == float(max(int(r["last_bridge_start"]), int(r["last_status_change"]))), n
        # ... and for most calls in progress that is a different time
        later = [n for n in on_call if int(rows[n]["last_bridge_start"]) > int(rows[n]["last_status_change"])]
        assert len(later) > 10
    finally:
        await cluster.stop()
        await server.close()
