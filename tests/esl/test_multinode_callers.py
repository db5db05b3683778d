"""Waiting callers over two real simulators (issue 18): a Node column, and a pick-up done on the
switch that owns the call only, audited with the node."""

from __future__ import annotations

import random
import time

import pytest

from backends.freeswitch.client import NodeConfig
from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from hotline import attach_switch, build_services, build_store, build_switch
from hotline_tui.clock import SystemClock
from hotline_tui.config import DEMO_DIR
from screens.app import HotlineApp
from screens.live_table import LiveTable
from tests.esl.test_multinode import T0, _site
from tests.waiting import wait_until_async


@pytest.mark.timeout(90)
async def test_waiting_callers_show_the_node_and_pick_up_acts_on_it(tmp_path):
    cc1 = CallCenter(_site(tmp_path, "fs1", "1001-1003", "qa"), seed=1, start=T0, traffic=False)
    cc2 = CallCenter(_site(tmp_path, "fs2", "1003-1005", "qb"), seed=2, start=T0, traffic=False)
    for a in ("1003", "1004", "1005"):
        cc2.set_agent_status(a, "Logged Out")
    s1, s2 = await EslServer(cc1, port=0).start(), await EslServer(cc2, port=0).start()
    store = build_store(str(tmp_path / "h.db"), migrate=True)
    services = build_services(store, DEMO_DIR, SystemClock(), user="duty", lang="en")
    cluster = build_switch([NodeConfig("fs1", "127.0.0.1", s1.port, timeout_s=3),
                            NodeConfig("fs2", "127.0.0.1", s2.port, timeout_s=3)],
                           services.live.apply, rng=random.Random(1), live=services.live)
    attach_switch(services, cluster, store)
    services.now = time.time
    cluster.start()
    try:
        await cluster.connected("fs1", timeout_s=20)
        await cluster.connected("fs2", timeout_s=20)
        m = cc2.arrive("qb", "13800004444")
        app = HotlineApp(services, start_screen="callers")
        async with app.run_test(size=(120, 30)) as pilot:
            table = app.screen.query_one("#callers", LiveTable)
            await wait_until_async(lambda: (app.refresh_now(), m.uuid in table.order)[1], timeout=10, interval=0.02,
                                   sleep=pilot.pause, what="the caller on fs2 listed")
            assert [label for _, label, _ in table.columns][-1] == "Node" and table.row_texts(m.uuid)[-1] == "fs2"
            table.move_cursor(table.index[m.uuid])
            await pilot.press("u")
            await pilot.pause()
            await pilot.press("y")
            await wait_until_async(lambda: cc2.channels[m.session_uuid].dest == "1900", timeout=10, interval=0.02,
                                   sleep=pilot.pause, what="the caller on fs2 to 1900")
            assert not any(c.dest == "1900" for c in cc1.channels.values())
            trail = await wait_until_async(lambda: store.audit.for_subject("call", m.session_uuid), timeout=10,
                                           interval=0.02, sleep=pilot.pause, what="the audit entry")
            assert trail[-1].action == "call.pick_up" and trail[-1].after == {"to": "1900", "node": "fs2"}
    finally:
        await cluster.stop()
        await s1.close()
        await s2.close()
        store.close()
