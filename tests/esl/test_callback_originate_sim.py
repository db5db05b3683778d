"""A desk callback (issue 17) against the simulator over real TCP: ``CallbackDesk.call``
originates through the real ESL adapter to the agent's own phone, which then dials the
citizen (the simulator bridges the two legs); an agent whose phone is not registered gets the
switch's refusal in one line and nothing is audited; a task not the agent's never reaches the
switch."""

from __future__ import annotations

import random

import pytest

from backends.freeswitch.client import NodeConfig
from backends.freeswitch.port import SwitchCluster
from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from backends.store import open_store
from hotline_tui.access import load_access
from hotline_tui.callback_desk import CallbackDesk
from hotline_tui.calls_port import CallbackTask
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import HotlineError, ValidationError
from hotline_tui.live.state import LiveState

from .test_registration_sim import T0, _site


@pytest.mark.timeout(60)
async def test_a_callback_rings_the_agents_phone_then_the_citizen(tmp_path):
    cc = CallCenter(_site(tmp_path), seed=1, start=T0, traffic=False)
    server = await EslServer(cc, port=0).start()
    cluster = SwitchCluster([NodeConfig("fs1", "127.0.0.1", server.port, timeout_s=3)], LiveState().apply,
                            rng=random.Random(1))
    cluster.start()
    store = open_store(str(tmp_path / "hotline.db"), migrate=True)
    access = load_access(DEMO_DIR)
    desk = CallbackDesk(store.calls, None, access, FixedClock("2026-11-23T10:30:00+08:00"), audit=store.audit)
    agent = access.user("agent1001")
    mine = store.calls.add_callback(CallbackTask(0, "m1", "q1", "13800001234", "王", T0, "", "open", "", T0))
    store.calls.assign_callback(mine, ["1001"], T0)
    try:
        await cluster.connected("fs1", timeout_s=20)
        [item] = desk.mine(agent)
        uuid = await desk.call(agent, item, cluster)
        assert uuid in cc.calls                                  # the agent's leg ...
        agent_leg, citizen_leg = cc.channels[uuid], cc.channels[cc.calls[uuid][0]]
        assert "1001@" in agent_leg.name and "13800001234" in citizen_leg.name    # ... bridged to the citizen
        [entry] = store.audit.for_subject("callback", str(mine))
        assert (entry.action, entry.after["call"], entry.after["agent"]) == ("call.originate_callback", uuid, "1001")

        cc.unregister("1001")                                    # the agent's phone is off
        with pytest.raises(HotlineError, match="USER_NOT_REGISTERED"):
            await desk.call(agent, item, cluster)
        assert len(store.audit.for_subject("callback", str(mine))) == 1

        theirs = store.calls.add_callback(CallbackTask(0, "m2", "q1", "13800005678", "李", T0, "", "open", "", T0))
        store.calls.assign_callback(theirs, ["1002"], T0)
        before = len(cc.channels)
        with pytest.raises(ValidationError, match="assigned to 1002, not to you"):
            await desk.call(agent, desk.item(agent, "abandoned", str(theirs)), cluster)
        assert len(cc.channels) == before
    finally:
        await cluster.stop()
        await server.close()
        store.close()
